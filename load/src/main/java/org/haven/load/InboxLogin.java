package org.haven.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The first administrator of a gateway the driver started, set up and logged in like a person
 * behind a proxy: the setup code from the data dir, a passphrase, a second factor enrolled from the
 * enrolment page (RFC 6238 codes computed here, as an authenticator app would), then logins from
 * browsers that say where they are with {@code X-Forwarded-For}.
 */
final class InboxLogin {
    static final String USERNAME = "ada";
    static final String PASSPHRASE = "correct horse battery staple";
    private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7]+)<");
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern RECOVERY =
            Pattern.compile("<li><code>([a-z0-9-]{19})</code></li>");

    private final int port;
    private byte[] secret;
    private long lastStep;
    private final Deque<String> recovery = new ArrayDeque<>();

    private InboxLogin(int port) {
        this.port = port;
    }

    /**
     * Sets up the administrator of the gateway on {@code port} whose data is under {@code dataDir}.
     */
    static InboxLogin setUp(int port, Path dataDir) throws Exception {
        InboxLogin admin = new InboxLogin(port);
        Browser b = admin.browser("10.0.0.1");
        String code =
                Files.readString(dataDir.resolve("setup-code.txt"))
                        .strip()
                        .toLowerCase(Locale.ROOT);
        expect(
                b.post(
                        "/inbox/setup",
                        "code",
                        code,
                        "username",
                        USERNAME,
                        "passphrase",
                        PASSPHRASE,
                        "confirm",
                        PASSPHRASE),
                302,
                "setup");
        expect(b.login(USERNAME, PASSPHRASE, ""), 302, "first login");
        String page = b.get("/inbox/totp").body();
        Matcher k = KEY.matcher(page);
        if (!k.find()) {
            throw new IllegalStateException("no TOTP key on the enrolment page");
        }
        admin.secret = base32(k.group(1));
        HttpResponse<String> done =
                b.post("/inbox/totp", "csrf", csrf(page), "code", admin.nextCode());
        Matcher r = RECOVERY.matcher(done.body());
        while (r.find()) {
            admin.recovery.add(r.group(1));
        }
        if (done.statusCode() != 200 || admin.recovery.size() != 10) {
            throw new IllegalStateException("enrolment failed: " + done.statusCode());
        }
        return admin;
    }

    /** A new browser (no cookies) at {@code address}. */
    Browser browser(String address) {
        return new Browser(address);
    }

    /**
     * A code not used yet: the current or next step's, else a recovery code (the driver keeps two),
     * else the next step's after waiting for it, as a person would.
     */
    synchronized String nextCode() throws InterruptedException {
        while (true) {
            long step = System.currentTimeMillis() / 30_000;
            for (long s = step; s <= step + 1; s++) {
                if (s > lastStep) {
                    lastStep = s;
                    return totp(secret, s);
                }
            }
            if (recovery.size() > 2) {
                return recovery.pop();
            }
            Thread.sleep(1000);
        }
    }

    /**
     * A browser: its own cookies (a device cookie once it logged in), its own address behind the
     * proxy.
     */
    final class Browser {
        private final HttpClient http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .cookieHandler(new CookieManager())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .connectTimeout(Duration.ofSeconds(10))
                        .build();
        private final String address;

        private Browser(String address) {
            this.address = address;
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String... fields)
                throws IOException, InterruptedException {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < fields.length; i += 2) {
                body.append(body.length() == 0 ? "" : "&")
                        .append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
            }
            return http.send(
                    request(path)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> login(String username, String passphrase, String code)
                throws IOException, InterruptedException {
            return post(
                    "/inbox/login", "username", username, "passphrase", passphrase, "code", code);
        }

        /**
         * Logs in as the administrator with a fresh code; the status (302 when it worked) and the
         * time it took, in ms.
         */
        long[] realLogin() throws IOException, InterruptedException {
            String code = nextCode();
            long t0 = System.nanoTime();
            int status = login(USERNAME, PASSPHRASE, code).statusCode();
            return new long[] {status, (System.nanoTime() - t0) / 1_000_000};
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("X-Forwarded-For", address);
        }
    }

    private static void expect(HttpResponse<String> r, int status, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + " answered " + r.statusCode());
        }
    }

    private static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in the page");
        }
        return m.group(1);
    }

    /** RFC 6238: HMAC-SHA1 of the step, dynamically truncated to 6 digits. */
    static String totp(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int o = h[h.length - 1] & 0x0f;
            int bin =
                    ((h[o] & 0x7f) << 24)
                            | ((h[o + 1] & 0xff) << 16)
                            | ((h[o + 2] & 0xff) << 8)
                            | (h[o + 3] & 0xff);
            return String.format(Locale.ROOT, "%06d", bin % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char ch : s.toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(ch);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
