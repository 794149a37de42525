package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The web chat channel: its page and its frame protocol, against a real server. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatChannelTest {
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of("HAVEN_QUICK_EXIT_URL", "https://weather.example.org/today"));
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /**
     * Verifies that the page is served without cookies, with a strict CSP and the configured
     * quick-exit URL.
     */
    @Test
    void testPageIsServedWithoutCookiesAndWithStrictPolicy() throws Exception {
        HttpResponse<String> page = new InboxClient(haven.port()).get("/chat");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Set-Cookie").isEmpty(), "the chat page set a cookie");
        String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'"), csp);
        assertEquals("no-store", page.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(page.body().contains("data-exit-url=\"https://weather.example.org/today\""));
        assertFalse(
                page.body().contains("http://") || page.body().matches("(?s).*src=\"https?://.*"),
                "page loads from another host");
        for (String asset : List.of("/chat/chat.js", "/chat/words.js", "/chat/chat.css")) {
            HttpResponse<String> r = new InboxClient(haven.port()).get(asset);
            assertEquals(200, r.statusCode(), asset);
            assertTrue(r.headers().firstValue("Set-Cookie").isEmpty());
        }
    }

    static Stream<Arguments> badFrames() {
        String tooLong = "x".repeat(WebChatChannel.MAX_TEXT + 1);
        return Stream.of(
                Arguments.of("not JSON", "{nope", "bad_frame"),
                Arguments.of("JSON but not an object", "[1,2]", "bad_frame"),
                Arguments.of("unknown type", "{\"type\":\"shout\"}", "bad_frame"),
                Arguments.of(
                        "message without id",
                        "{\"type\":\"message\",\"text\":\"hi\"}",
                        "bad_frame"),
                Arguments.of(
                        "message with a bad id",
                        "{\"type\":\"message\",\"id\":\"a b\",\"text\":\"hi\"}",
                        "bad_frame"),
                Arguments.of(
                        "text over the limit",
                        new JsonObject()
                                .put("type", "message")
                                .put("id", "m1")
                                .put("text", tooLong)
                                .encode(),
                        "too_long"),
                Arguments.of(
                        "empty text",
                        "{\"type\":\"message\",\"id\":\"m2\",\"text\":\"   \"}",
                        "bad_frame"));
    }

    /** Verifies that each malformed frame gets its error code and the conversation goes on. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void testBadFrameIsAnsweredWithErrorAndConnectionSurvives(
            String label, String frame, String code) throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            chat.nextOfType("session");
            chat.sync();
            chat.sendRaw(frame);
            JsonObject error = chat.nextOfType("error");
            assertEquals(code, error.getString("code"), label);
            String id = chat.say("yes");
            assertEquals(
                    id,
                    chat.nextOfType("ack").getString("id"),
                    "connection unusable after " + label);
        }
    }

    /**
     * Verifies that a frame over {@link WebChatChannel#MAX_FRAME} bytes (the page never sends one:
     * it keeps a message's frame under 4,000 bytes) is not read at all: the socket is closed with
     * 1009 ("message too big") or dropped (1006), so that no client can make the gateway hold more
     * than that per socket; and that the gateway goes on serving.
     */
    @Test
    void testFrameOverTheByteLimitClosesTheSocket() throws Exception {
        for (String frame :
                List.of(
                        "x".repeat(WebChatChannel.MAX_FRAME + 1),
                        new JsonObject()
                                .put("type", "message")
                                .put("id", "m3")
                                .put("text", "\u0640".repeat(2_500))
                                .encode())) {
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(null);
                chat.nextOfType("session");
                chat.sendRaw(frame);
                int code = chat.awaitClose();
                assertTrue(code == 1009 || code == 1006, "closed with " + code);
            }
        }
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            assertEquals("session", chat.nextOfType("session").getString("type"));
        }
    }

    /** Verifies that a message before start is refused. */
    @Test
    void testMessageBeforeStartIsRefused() throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.say("hello");
            assertEquals("bad_frame", chat.nextOfType("error").getString("code"));
        }
    }

    /**
     * Verifies that a message resent with the same id (its ack was lost) is acknowledged but not
     * applied twice.
     */
    @Test
    void testDuplicateMessageIdIsAcknowledgedOnce() throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            chat.nextOfType("session");
            chat.sync();
            String frame =
                    new JsonObject()
                            .put("type", "message")
                            .put("id", "dup-1")
                            .put("text", "yes")
                            .encode();
            chat.sendRaw(frame);
            assertEquals("dup-1", chat.nextOfType("ack").getString("id"));
            List<JsonObject> first = chat.sync();
            assertFalse(first.isEmpty(), "the first copy got no reply");
            chat.sendRaw(frame);
            assertEquals("dup-1", chat.nextOfType("ack").getString("id"));
            // a step's replies are written right behind its ack: all of them are in by the answer
            // to the next frame
            assertTrue(chat.sync().isEmpty(), "the second copy was applied again");
        }
    }

    /**
     * Verifies that a new connection with the resume token continues where the person was, and an
     * unknown token is expired.
     */
    @Test
    void testResumeShowsLastQuestionAndUnknownTokenExpires() throws Exception {
        String token;
        JsonObject lastReply;
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            token = chat.nextOfType("session").getString("resume");
            chat.sync();
            chat.say("yes");
            chat.nextOfType("ack");
            List<JsonObject> replies = chat.sync();
            lastReply = replies.get(replies.size() - 1);
        }
        try (ChatClient again = ChatClient.connect(haven.port())) {
            again.start(token);
            assertEquals(token, again.nextOfType("session").getString("resume"));
            List<JsonObject> replies = again.sync();
            assertEquals(lastReply, replies.get(replies.size() - 1));
        }
        try (ChatClient stranger = ChatClient.connect(haven.port())) {
            stranger.start("AAAAAAAAAAAAAAAAAAAAAA");
            assertEquals("expired", stranger.nextOfType("error").getString("code"));
            stranger.start(null);
            assertNotEquals(
                    "AAAAAAAAAAAAAAAAAAAAAA", stranger.nextOfType("session").getString("resume"));
        }
    }

    /**
     * Verifies that a start frame with the browser's language opens the conversation in it (the
     * first question in Arabic, right to left), and that one the script does not speak, or none,
     * opens it in English as before.
     */
    @Test
    void testStartWithBrowserLanguageOpensInIt() throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.sendRaw("{\"type\":\"start\",\"lang\":\"ar\"}");
            chat.nextOfType("session");
            JsonObject first = chat.sync().get(0);
            assertEquals("ar", first.getString("lang"));
            assertEquals("rtl", first.getString("dir"));
            assertTrue(
                    first.getString("text").contains("هل الحديث آمن لك الآن؟"),
                    first.getString("text"));
        }
        for (String start :
                List.of(
                        "{\"type\":\"start\",\"lang\":\"de\"}",
                        "{\"type\":\"start\",\"lang\":\"<ar>\"}",
                        "{\"type\":\"start\"}")) {
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.sendRaw(start);
                chat.nextOfType("session");
                JsonObject first = chat.sync().get(0);
                assertEquals("en", first.getString("lang"), start);
                assertTrue(
                        first.getString("text").contains("Is it safe for you to talk now?"), start);
            }
        }
    }

    /**
     * Verifies that a multiple-choice question is marked {@code multiple}, with its controls marked
     * {@code control} and its hint in taps, not numbers; that the values joined by commas answer
     * it; and that a resumed conversation marks it again.
     */
    @Test
    void testMultipleChoiceReplyIsMarkedAndTakesJoinedValues() throws Exception {
        String token;
        JsonObject question;
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            token = chat.nextOfType("session").getString("resume");
            assertFalse(
                    chat.sync().get(0).containsKey("multiple"),
                    "a yes/no question marked multiple");
            List<JsonObject> replies = List.of();
            for (String input : List.of("yes", "en", "survivor", "no", "yes")) {
                chat.untilAck(chat.say(input));
                replies = chat.sync();
            }
            question = replies.get(replies.size() - 1);
            assertEquals(Boolean.TRUE, question.getBoolean("multiple"), question.encode());
            assertTrue(
                    question.getString("text")
                            .contains("What happened? Tap all that apply, then Done."),
                    question.getString("text"));
            assertFalse(question.getString("text").contains("1,3"), question.getString("text"));
            for (Object o : question.getJsonArray("options")) {
                JsonObject option = (JsonObject) o;
                boolean control =
                        List.of("SKIP", "PAUSE", "HUMAN").contains(option.getString("value"));
                assertEquals(control, option.getBoolean("control", false), option.encode());
            }
        }
        try (ChatClient again = ChatClient.connect(haven.port())) {
            again.start(token);
            again.nextOfType("session");
            List<JsonObject> replies = again.sync();
            assertEquals(
                    question,
                    replies.get(replies.size() - 1),
                    "a reloaded page gets another question");
            again.untilAck(again.say("torture,war_crimes"));
            List<JsonObject> next = again.sync();
            assertTrue(
                    next.get(next.size() - 1).getString("text").contains("In which country"),
                    next.toString());
        }
    }

    /** Verifies that a socket opened from another site's page is refused. */
    @Test
    void testUpgradeFromForeignOriginIsRefused() throws Exception {
        var http = HttpClient.newHttpClient();
        var ex =
                Assertions.assertThrows(
                        ExecutionException.class,
                        () ->
                                http.newWebSocketBuilder()
                                        .header("Origin", "https://evil.example")
                                        .buildAsync(
                                                URI.create(
                                                        "ws://127.0.0.1:"
                                                                + haven.port()
                                                                + "/chat/ws"),
                                                new WebSocket.Listener() {})
                                        .get(10, TimeUnit.SECONDS));
        assertTrue(
                ex.getCause() instanceof WebSocketHandshakeException,
                String.valueOf(ex.getCause()));
    }
}
