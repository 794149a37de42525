package org.haven.gateway.support;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.auth.Totp;
import org.haven.gateway.config.ConfigLoader;

/** Starts a real Haven (embedded PostgreSQL unless told otherwise) on a free port, and logs in like a person. */
public final class TestHaven {
    /** The passphrase of the administrator that {@link #setUpAdmin} creates. */
    public static final String ADMIN_PASSPHRASE = "correct horse battery staple";
    /** That administrator's username. */
    public static final String ADMIN = "ada";

    private static final Pattern KEY = Pattern.compile("id=\"totp-key\">([A-Z2-7]+)<");
    private static final Pattern RECOVERY = Pattern.compile("<li><code>([a-z0-9-]{19})</code></li>");
    private static final Map<String, Credentials> CREDENTIALS = new ConcurrentHashMap<>();

    /** What a test remembers of an account's second factor, like the person's phone would. */
    public static final class Credentials {
        final String username;
        final String passphrase;
        final byte[] secret;
        final Deque<String> recovery = new ArrayDeque<>();
        long lastStep;

        Credentials(String username, String passphrase, byte[] secret) {
            this.username = username;
            this.passphrase = passphrase;
            this.secret = secret;
        }

        /**
         * A code not used yet: the current or next TOTP step, else one of the first eight recovery
         * codes, else (like a person would) the next step's code after waiting for it.
         */
        public synchronized String nextCode() {
            while (true) {
                long step = Instant.now().getEpochSecond() / 30;
                for (long s = step; s <= step + 1; s++) {
                    if (s > lastStep) {
                        lastStep = s;
                        return new Totp().code(secret, Instant.ofEpochSecond(s * 30));
                    }
                }
                if (recovery.size() > 2) {
                    return recovery.pop();
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        /** The TOTP secret (for tests that type codes into a browser). */
        public byte[] secret() {
            return secret;
        }
    }

    private TestHaven() {
    }

    /** Starts Haven with its data under {@code dataDir} and any extra {@code HAVEN_*} settings. */
    public static Haven start(Path dataDir, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_HTTP_PORT", "0");
        env.put("HAVEN_HTTP_HOST", "127.0.0.1");
        env.put("HAVEN_DATA_DIR", dataDir.toString());
        env.putAll(extra);
        return Haven.start(ConfigLoader.load(env, null));
    }

    /**
     * The audit key of the Haven whose data is under {@code dataDir}, from its server key file
     * (created if it does not exist yet, as the server's first start would).
     */
    public static org.haven.crypto.KeyedHash auditKey(Path dataDir) throws Exception {
        return org.haven.gateway.keys.ServerSecrets.loadOrCreate(dataDir.resolve("secrets").resolve("server-keys")).auditKey();
    }

    /** Completes first setup and second-factor enrolment of the administrator. */
    public static void setUpAdmin(Haven haven) throws Exception {
        setUpAdmin(haven.port(), haven.teamKeys().setupCodeFile().getParent());
    }

    /** The same, for a Haven running elsewhere (a jar) on {@code port} with data under {@code dataDir}. */
    public static void setUpAdmin(int port, Path dataDir) throws Exception {
        String code = Files.readString(dataDir.resolve("setup-code.txt")).strip();
        HttpResponse<String> response = new InboxClient(port).post("/inbox/setup", "code", code.toLowerCase(Locale.ROOT),
                "username", ADMIN, "passphrase", ADMIN_PASSPHRASE, "confirm", ADMIN_PASSPHRASE);
        if (response.statusCode() != 302) {
            throw new AssertionError("setup failed: " + response.statusCode() + " " + response.body());
        }
        enrol(port, dataDir, ADMIN, ADMIN_PASSPHRASE);
    }

    /**
     * Logs in for the first time as an account without a second factor and enrols one, keeping
     * its secret and recovery codes for later logins.
     */
    public static Credentials enrol(int port, Path dataDir, String username, String passphrase) throws Exception {
        InboxClient client = new InboxClient(port);
        HttpResponse<String> login = client.login(username, passphrase, "");
        if (login.statusCode() != 302 || !"/inbox/totp".equals(login.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError("first login did not ask for enrolment: " + login.statusCode());
        }
        String page = client.get("/inbox/totp").body();
        Matcher m = KEY.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no TOTP key on the enrolment page");
        }
        Credentials c = new Credentials(username, passphrase, base32(m.group(1)));
        HttpResponse<String> done = client.post("/inbox/totp", "csrf", InboxClient.csrf(page), "code", c.nextCode());
        Matcher r = RECOVERY.matcher(done.body());
        while (r.find()) {
            c.recovery.add(r.group(1));
        }
        if (done.statusCode() != 200 || c.recovery.size() != 10) {
            throw new AssertionError("enrolment failed: " + done.statusCode());
        }
        CREDENTIALS.put(key(dataDir, username), c);
        return c;
    }

    /** Remembers an account enrolled elsewhere (in a browser), so later logins can use its codes. */
    public static Credentials remember(Path dataDir, String username, String passphrase, byte[] secret, long usedStep) {
        Credentials c = new Credentials(username, passphrase, secret);
        c.lastStep = usedStep;
        CREDENTIALS.put(key(dataDir, username), c);
        return c;
    }

    /** Decodes a base32 TOTP key as shown on the enrolment page. */
    public static byte[] totpKey(String base32) {
        return base32(base32);
    }

    /** An inbox client logged in as the administrator. */
    public static InboxClient loggedIn(Haven haven) throws Exception {
        return loggedIn(haven.port(), haven.teamKeys().setupCodeFile().getParent(), ADMIN);
    }

    /** An inbox client logged in as {@code username} (enrolled earlier through this class). */
    public static InboxClient loggedIn(int port, Path dataDir, String username) throws Exception {
        Credentials c = credentials(dataDir, username);
        InboxClient client = new InboxClient(port);
        HttpResponse<String> response = client.login(c.username, c.passphrase, c.nextCode());
        if (response.statusCode() != 302 || !"/inbox".equals(response.headers().firstValue("Location").orElse(""))) {
            throw new AssertionError("login failed: " + response.statusCode());
        }
        return client;
    }

    /** The remembered second factor of an account. */
    public static Credentials credentials(Path dataDir, String username) {
        Credentials c = CREDENTIALS.get(key(dataDir, username));
        if (c == null) {
            throw new AssertionError("no enrolled account " + username + " for " + dataDir);
        }
        return c;
    }

    private static String key(Path dataDir, String username) {
        return dataDir.toAbsolutePath().normalize() + "|" + username;
    }

    private static byte[] base32(String s) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
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
