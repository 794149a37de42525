package org.haven.gateway.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.webchat.WebChatChannel;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of web chat frame handling against a running gateway. Without {@code
 * JAZZER_FUZZ} this runs the committed seeds under {@code
 * src/test/resources/org/haven/gateway/fuzz/WebChatFrameFuzzTestInputs/}.
 */
class WebChatFrameFuzzTest {
    private static final Set<String> TYPES = Set.of("session", "reply", "ack", "error");
    // "unavailable" would mean a step failed on the server: the fuzzer found a bug
    private static final Set<String> CODES =
            Set.of("bad_frame", "too_long", "rate_limited", "expired");
    private static final List<String> FRAME_TYPES =
            List.of("start", "message", "ping", "", "START");
    private static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("webchat-fuzz");
        // the shared test server rather than an embedded database of its own: one PostgreSQL start
        // less in this JVM
        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", TestPostgres.newDatabase()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    /**
     * Verifies that every frame, however malformed, is answered with a reply or an error frame of a
     * documented code, and that the connection stays open and usable afterwards; a frame over the
     * byte limit is not read, and its socket is closed (1009, message too big, or dropped: 1006).
     */
    @FuzzTest(maxDuration = "20s")
    void testAnyFrameIsAnsweredAndTheSocketSurvives(FuzzedDataProvider data) throws Exception {
        allowLoopback();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            int frames = data.consumeInt(1, 4);
            for (int i = 0; i < frames; i++) {
                String frame = frame(data);
                chat.sendRaw(frame);
                if (frame.getBytes(StandardCharsets.UTF_8).length > WebChatChannel.MAX_FRAME) {
                    int code = chat.awaitClose();
                    assertTrue(code == 1009 || code == 1006, "closed with " + code);
                    return;
                }
                check(chat.next());
            }
            chat.start(null);
            JsonObject f;
            do {
                f = chat.next();
                check(f);
            } while (!"session".equals(f.getString("type")));
        }
    }

    private static void check(JsonObject f) {
        String type = f.getString("type");
        assertTrue(TYPES.contains(type), "unexpected frame type " + type);
        if ("error".equals(type)) {
            assertTrue(
                    CODES.contains(f.getString("code")),
                    "unexpected error code " + f.getString("code"));
            assertEquals(String.class, f.getValue("message").getClass());
        }
    }

    private static String frame(FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeString(5000);
        }
        JsonObject f = new JsonObject();
        f.put("type", data.pickValue(FRAME_TYPES));
        switch (data.consumeInt(0, 5)) {
            case 0 -> f.put("id", data.consumeString(80));
            case 1 -> f.put("id", data.consumeInt());
            case 2 -> f.putNull("id");
            default -> f.put("id", "f" + data.consumeInt(0, 1000));
        }
        switch (data.consumeInt(0, 4)) {
            case 0 -> f.put("text", data.consumeInt());
            case 1 -> f.put("text", new JsonObject().put("x", data.consumeString(20)));
            default -> f.put("text", data.consumeString(1200));
        }
        if (data.consumeBoolean()) {
            f.put(
                    "resume",
                    data.consumeBoolean() ? data.consumeString(30) : "AAAAAAAAAAAAAAAAAAAAAA");
        }
        return f.encode();
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
