package org.haven.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the Twilio SMS webhook's form parsing and checks against a running
 * gateway: signed and unsigned bodies, valid and broken encodings. Skipped when the gateway has no
 * SMS route (it answers 404 there). Replies go to a fake Twilio API that this test holds the port
 * of (a port merely picked free could be bound meanwhile by another build's server, which would get
 * them).
 */
class SmsWebhookFuzzTest {
    private static final String PATH = "/webhooks/twilio/sms";
    private static final String ACCOUNT = "AC" + "00000000000000000000000000000fff";
    private static final String TOKEN = "fuzz-token-0123456789abcdef";
    private static final String PUBLIC_URL = "https://haven.example.org";

    /**
     * How the gateway refuses a webhook: bad form or parameters, bad signature or account, too
     * large.
     */
    private static final Set<Integer> REFUSALS = Set.of(400, 403, 413);

    // what the channel accepts (SmsChannel): a message SID and a sender address
    private static final Pattern MESSAGE_SID = Pattern.compile("(SM|MM)[0-9a-fA-F]{32}");
    private static final Pattern ADDRESS = Pattern.compile("\\+?[0-9]{3,15}");
    private static final String[] NAMES = {
        "MessageSid", "From", "Body", "NumMedia", "AccountSid", "To", "SmsSid", "MediaUrl0"
    };
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Haven haven;
    private static FakeTwilio twilio;

    @BeforeAll
    static void start() throws Exception {
        boolean built;
        try {
            Class.forName("org.haven.gateway.channel.sms.SmsChannel");
            built = true;
        } catch (ClassNotFoundException e) {
            built = false;
        }
        Assumptions.assumeTrue(built, "no SMS channel in this build");
        Path dataDir = Files.createTempDirectory("sms-fuzz");
        twilio = FakeTwilio.start(ACCOUNT);
        // the shared test server rather than an embedded database of its own: one PostgreSQL start
        // less in this JVM
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_DB_URL",
                                TestPostgres.newDatabase(),
                                "HAVEN_TWILIO_ACCOUNT_SID",
                                ACCOUNT,
                                "HAVEN_TWILIO_AUTH_TOKEN",
                                TOKEN,
                                "HAVEN_TWILIO_FROM",
                                "+15145550100",
                                "HAVEN_TWILIO_API_URL",
                                twilio.url(),
                                "HAVEN_PUBLIC_URL",
                                PUBLIC_URL));
        int probe = post("Body=probe".getBytes(StandardCharsets.UTF_8), null).statusCode();
        if (probe == 404) {
            haven.close();
            haven = null;
            twilio.close();
            twilio = null;
        }
        Assumptions.assumeTrue(probe != 404, "no SMS route in this gateway");
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
        if (twilio != null) {
            twilio.close();
        }
    }

    /**
     * Verifies that any webhook body is answered: 200 when it is correctly signed for our account
     * and carries a message SID, a sender and (if any) a media count of 0–10; otherwise 400, 403 or
     * 413 (unsigned, wrongly signed, another account, bad encoding or parameters, too large); never
     * a server error.
     */
    @FuzzTest(maxDuration = "20s")
    void testAnyFormIsAnsweredWithoutServerError(FuzzedDataProvider data) throws Exception {
        allowLoopback();
        HttpResponse<String> r;
        if (data.consumeBoolean()) {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("AccountSid", data.consumeBoolean() ? ACCOUNT : data.consumeString(40));
            form.put(
                    "MessageSid",
                    data.consumeBoolean()
                            ? "SM"
                                    + "0123456789abcdef0123456789abcdef"
                                            .substring(0, 32)
                                            .replace(
                                                    '0',
                                                    Character.forDigit(data.consumeInt(0, 15), 16))
                            : data.consumeString(40));
            form.put(
                    "From",
                    data.consumeBoolean()
                            ? "+1555010" + data.consumeInt(1000, 9999)
                            : data.consumeString(20));
            int extra = data.consumeInt(0, 4);
            for (int i = 0; i < extra; i++) {
                form.put(
                        data.consumeBoolean()
                                ? NAMES[data.consumeInt(0, NAMES.length - 1)]
                                : data.consumeString(10),
                        data.consumeString(300));
            }
            StringBuilder body = new StringBuilder();
            form.forEach(
                    (k, v) ->
                            body.append(body.length() == 0 ? "" : "&")
                                    .append(enc(k))
                                    .append('=')
                                    .append(enc(v)));
            r = post(body.toString().getBytes(StandardCharsets.UTF_8), sign(form));
            if (wellFormed(form)) {
                assertEquals(
                        200, r.statusCode(), "a well-formed, correctly signed webhook was refused");
                return;
            }
        } else {
            String signature = data.consumeBoolean() ? null : data.consumeString(40);
            r = post(data.consumeRemainingAsBytes(), signature);
        }
        assertTrue(
                REFUSALS.contains(r.statusCode()),
                "a bad webhook was answered " + r.statusCode() + ", not 400, 403 or 413");
    }

    /**
     * Whether the channel must take this (correctly signed) form: our account, a message SID, a
     * sender, a media count of 0–10.
     */
    private static boolean wellFormed(Map<String, String> form) {
        // a lone surrogate does not survive UTF-8: what arrives differs from what was signed
        boolean encodable =
                form.entrySet().stream()
                        .allMatch(e -> survivesUtf8(e.getKey()) && survivesUtf8(e.getValue()));
        String sid = form.get("MessageSid");
        String from = form.get("From");
        String media = form.get("NumMedia");
        return encodable
                && ACCOUNT.equals(form.get("AccountSid"))
                && sid != null
                && MESSAGE_SID.matcher(sid).matches()
                && from != null
                && ADDRESS.matcher(from).matches()
                && (media == null || media.isEmpty() || mediaCount(media) <= 10);
    }

    private static int mediaCount(String media) {
        try {
            int n = Integer.parseInt(media);
            return n < 0 ? Integer.MAX_VALUE : n;
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static boolean survivesUtf8(String s) {
        return s.equals(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(byte[] body, String signature) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haven.port() + PATH))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signature != null
                && !signature.isEmpty()
                && signature.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            b.header("X-Twilio-Signature", signature);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(Map<String, String> form) throws Exception {
        StringBuilder data = new StringBuilder(PUBLIC_URL + PATH);
        new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder()
                .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The test talks to its own gateway on loopback; any other connection is still a finding (when
     * fuzzing with hooks).
     */
    private static void allowLoopback() {
        try {
            BugDetectors.allowNetworkConnections(
                    (host, port) -> host.equals("localhost") || host.equals("127.0.0.1"));
        } catch (IllegalStateException noSanitizers) {
            // regression runs without instrumentation: no detector to configure
        }
    }
}
