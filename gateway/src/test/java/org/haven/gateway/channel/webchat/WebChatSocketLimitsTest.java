package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.RawWebSocket;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bounds on web chat sockets: how many may be open at once, how a connection that is gone is
 * found and closed (pings), that a person who is only thinking keeps the socket, and that the
 * server declines WebSocket compression. A gateway with room for two sockets and a 3 s idle timeout
 * (pings every 750 ms) stands in for the defaults (10,000 and 120 s).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatSocketLimitsTest {
    private static final Pattern GAUGE = Pattern.compile("(?m)^haven_webchat_sockets (\\S+)$");

    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_WEBCHAT_MAX_SOCKETS",
                                "2",
                                "HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS",
                                "3"));
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    @BeforeEach
    void noSocketsLeftOpen() throws Exception {
        awaitOpenSockets(0);
    }

    /**
     * Verifies that the upgrade beyond the limit is answered 503, and that a place freed by a close
     * is given again.
     */
    @Test
    void testUpgradeBeyondMaxSocketsIsRefusedUntilOneCloses() throws Exception {
        ChatClient first = startedChat();
        try (ChatClient second = startedChat()) {
            ExecutionException refused =
                    assertThrows(ExecutionException.class, () -> ChatClient.connect(haven.port()));
            assertTrue(
                    refused.getCause() instanceof WebSocketHandshakeException h
                            && h.getResponse().statusCode() == 503,
                    String.valueOf(refused.getCause()));
            assertEquals(2, openSockets());
            first.close();
            awaitOpenSockets(1);
            try (ChatClient third = startedChat()) {
                String id = third.say("yes");
                assertEquals(id, third.nextOfType("ack").getString("id"));
            }
        }
    }

    /**
     * Verifies that a person who sends nothing for longer than the idle timeout keeps the socket:
     * the browser answers the pings. The idle timeout is seen to pass, not slept through: a socket
     * opened after the person's that never answers a ping is closed meanwhile, by the sweep that
     * judges every socket at once (one timer, the ping interval being under a second here).
     */
    @Test
    void testSilentPersonKeepsSocketBecauseBrowserAnswersPings() throws Exception {
        try (ChatClient chat = startedChat();
                Socket raw = new Socket("127.0.0.1", haven.port())) {
            raw.setSoTimeout(15_000);
            String response = RawWebSocket.handshake(raw, haven.port(), "");
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
            awaitClosedForNoPong(new DataInputStream(raw.getInputStream()));
            String id = chat.say("yes");
            assertEquals(
                    id,
                    chat.nextOfType("ack").getString("id"),
                    "the socket did not survive a silence");
        }
    }

    /**
     * Verifies that a connection that does not answer pings (a phone that lost its network) is
     * pinged, then closed with 1001.
     */
    @Test
    void testSocketThatDoesNotAnswerPingsIsClosed() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            raw.setSoTimeout(15_000);
            String response = RawWebSocket.handshake(raw, haven.port(), "");
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
            awaitOpenSockets(1);
            long t0 = System.nanoTime();
            int pings = awaitClosedForNoPong(new DataInputStream(raw.getInputStream()));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            assertTrue(pings >= 2, "pinged " + pings + " times before closing");
            assertTrue(
                    seconds >= 2 && seconds <= 6,
                    "closed after " + seconds + " s, idle timeout 3 s");
        }
        awaitOpenSockets(0);
    }

    /**
     * Reads a socket that never answers until the server closes it, asserting "going away" (1001);
     * returns the pings seen.
     */
    private static int awaitClosedForNoPong(DataInputStream in) throws IOException {
        int pings = 0;
        while (true) {
            int opcode = in.readUnsignedByte() & 0x0f;
            byte[] payload = new byte[in.readUnsignedByte() & 0x7f];
            in.readFully(payload);
            if (opcode == 0x9) {
                pings++;
            } else if (opcode == 0x8) {
                assertEquals(1001, ((payload[0] & 0xff) << 8) | (payload[1] & 0xff), "close code");
                return pings;
            }
        }
    }

    /**
     * Verifies that the browsers' permessage-deflate offer is declined (no zlib context kept per
     * socket).
     */
    @Test
    void testPerMessageDeflateOfferIsDeclined() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            raw.setSoTimeout(10_000);
            String response =
                    RawWebSocket.handshake(
                            raw,
                            haven.port(),
                            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
            assertTrue(response.startsWith("HTTP/1.1 101"), response);
            assertFalse(
                    response.toLowerCase(Locale.ROOT).contains("sec-websocket-extensions"),
                    response);
        }
    }

    /** Verifies that the settings are checked at start-up, each mistake named by its variable. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "webchat_max_sockets,0",
        "webchat_max_sockets,many",
        "webchat_idle_timeout_seconds,1",
        "webchat_idle_timeout_seconds,7200"
    })
    void testInvalidSettingIsRefused(String key, String value) {
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () -> WebChatConfig.parse(new Settings(Map.of(key, value))));
        assertTrue(e.getMessage().startsWith(Settings.variable(key)), e.getMessage());
    }

    /** Verifies the defaults: 10,000 sockets, 120 s idle timeout, pings every 30 s. */
    @Test
    void testDefaults() {
        WebChatConfig c = WebChatConfig.parse(new Settings(Map.of()));
        assertEquals(10_000, c.maxSockets());
        assertEquals(Duration.ofSeconds(120), c.idleTimeout());
        assertEquals(Duration.ofSeconds(30), c.pingInterval());
    }

    private static ChatClient startedChat() throws Exception {
        ChatClient chat = ChatClient.connect(haven.port());
        chat.start(null);
        chat.nextOfType("session");
        chat.sync();
        return chat;
    }

    private static double openSockets() throws Exception {
        HttpResponse<String> metrics = new InboxClient(haven.port()).get("/metrics");
        Matcher m = GAUGE.matcher(metrics.body());
        assertTrue(m.find(), "no haven_webchat_sockets gauge");
        return Double.parseDouble(m.group(1));
    }

    private static void awaitOpenSockets(int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (openSockets() != n) {
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "waited 20 s for "
                                + n
                                + " open web chat sockets (the gauge), still "
                                + openSockets());
            }
            Thread.sleep(50);
        }
    }
}
