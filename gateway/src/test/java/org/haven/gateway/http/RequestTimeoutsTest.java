package org.haven.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server's time limits (issue 18): a request's head must arrive within the header timeout
 * (1 s here) and its body within the body timeout (2 s), however slowly the client dribbles them; a
 * connection between requests waits for the idle timeout (30 s) instead, and a web chat socket and
 * the inbox's event stream outlive it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RequestTimeoutsTest {
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_HTTP_HEADER_TIMEOUT",
                                "1s",
                                "HAVEN_HTTP_BODY_TIMEOUT",
                                "2s",
                                "HAVEN_HTTP_IDLE_TIMEOUT",
                                "30s",
                                "HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS",
                                "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /**
     * Verifies that a request head sent a line at a time, never finished, is closed after the
     * header timeout.
     */
    @Test
    void testHalfSentHeaderIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            long t0 = System.nanoTime();
            raw.getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            double closedAfter = dribbleUntilClosed(raw, "X-Slow: 1\r\n", t0);
            assertTrue(
                    closedAfter >= 0.9 && closedAfter <= 4,
                    "closed after " + closedAfter + " s; header timeout 1 s");
        }
    }

    /** Verifies that a connection that sends nothing is closed after the header timeout. */
    @Test
    void testSilentConnectionIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            long t0 = System.nanoTime();
            raw.setSoTimeout(10_000);
            assertEquals(-1, raw.getInputStream().read());
            double closedAfter = seconds(t0);
            assertTrue(
                    closedAfter >= 0.9 && closedAfter <= 4,
                    "closed after " + closedAfter + " s; header timeout 1 s");
        }
    }

    /**
     * Verifies that a body sent a byte at a time, never finished, is closed after the body timeout,
     * unanswered.
     */
    @Test
    void testSlowBodyIsClosedAfterTheBodyTimeout() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            raw.getOutputStream()
                    .write(
                            ascii(
                                    "POST /inbox/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername="));
            long t0 = System.nanoTime();
            double closedAfter = dribbleUntilClosed(raw, "a", t0);
            assertTrue(
                    closedAfter >= 1.9 && closedAfter <= 6,
                    "closed after " + closedAfter + " s; body timeout 2 s");
        }
    }

    /**
     * Verifies that a kept-alive connection is not held to the header timeout between requests: a
     * request sent after a pause longer than it is answered.
     */
    @Test
    void testKeptAliveConnectionMayPauseLongerThanTheHeaderTimeout() throws Exception {
        try (Socket raw = new Socket("127.0.0.1", haven.port())) {
            raw.setSoTimeout(10_000);
            String request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
            raw.getOutputStream().write(ascii(request));
            assertTrue(response(raw.getInputStream()).startsWith("HTTP/1.1 200"));
            Thread.sleep(2500);
            raw.getOutputStream().write(ascii(request));
            assertTrue(response(raw.getInputStream()).startsWith("HTTP/1.1 200"));
        }
    }

    /**
     * Verifies that the idle timeout closes a kept-alive connection on which nothing happens, while
     * a web chat socket (pinged by the server) and the inbox's event stream (its heartbeat) stay
     * open past it.
     */
    @Test
    void testWebChatSocketAndLiveInboxOutliveTheIdleTimeout() throws Exception {
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        AtomicBoolean streamEnded = new AtomicBoolean();
        var stream =
                admin.http()
                        .sendAsync(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + haven.port()
                                                                + "/inbox/events"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofLines());
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                stream.join().body().forEach(lines::add);
                            } finally {
                                streamEnded.set(true);
                            }
                        });
        reader.setDaemon(true);
        reader.start();
        try (ChatClient chat = ChatClient.connect(haven.port());
                Socket idle = new Socket("127.0.0.1", haven.port())) {
            chat.start(null);
            chat.nextOfType("session");
            chat.sync();
            idle.setSoTimeout(40_000);
            idle.getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertTrue(response(idle.getInputStream()).startsWith("HTTP/1.1 200"));
            long t0 = System.nanoTime();
            assertEquals(-1, idle.getInputStream().read());
            double closedAfter = seconds(t0);
            assertTrue(
                    closedAfter >= 29 && closedAfter <= 36,
                    "idle connection closed after " + closedAfter + " s; idle timeout 30 s");
            Thread.sleep(3000);
            String id = chat.say("yes");
            assertEquals(
                    id,
                    chat.nextOfType("ack").getString("id"),
                    "the web chat socket did not outlive the idle timeout");
            assertFalse(streamEnded.get(), "the live inbox stream ended");
            assertTrue(lines.contains(": ping"), "no heartbeat on the live inbox stream: " + lines);
        } finally {
            stream.cancel(true);
        }
    }

    /** Verifies that the settings are checked at start-up, each mistake named by its variable. */
    @Test
    void testInvalidSettingsAreRefused() {
        for (Map<String, String> bad :
                new Map[] {
                    Map.of("HAVEN_HTTP_HEADER_TIMEOUT", "0s"),
                    Map.of("HAVEN_HTTP_BODY_TIMEOUT", "soon"),
                    Map.of("HAVEN_HTTP_IDLE_TIMEOUT", "20s")
                }) {
            ConfigException e =
                    assertThrows(ConfigException.class, () -> ConfigLoader.load(bad, null));
            assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
        }
        ConfigException e =
                assertThrows(
                        ConfigException.class,
                        () ->
                                Haven.start(
                                        ConfigLoader.load(
                                                Map.of(
                                                        "HAVEN_HTTP_IDLE_TIMEOUT",
                                                        "60s",
                                                        "HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS",
                                                        "200"),
                                                null)));
        assertTrue(e.getMessage().startsWith("HAVEN_HTTP_IDLE_TIMEOUT"), e.getMessage());
    }

    /**
     * Writes {@code piece} every 200 ms until the server closes the connection; returns the seconds
     * from {@code t0} to the close.
     */
    private static double dribbleUntilClosed(Socket raw, String piece, long t0) throws IOException {
        raw.setSoTimeout(200);
        InputStream in = raw.getInputStream();
        while (seconds(t0) < 10) {
            try {
                if (in.read() < 0) {
                    return seconds(t0);
                }
                throw new AssertionError("answered before the request was complete");
            } catch (SocketTimeoutException stillOpen) {
                try {
                    raw.getOutputStream().write(ascii(piece));
                } catch (IOException closed) {
                    return seconds(t0);
                }
            } catch (IOException reset) {
                return seconds(t0);
            }
        }
        throw new AssertionError("still open after 10 s");
    }

    /** Reads one response with a Content-Length body; returns its head. */
    private static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the response head");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
        assertTrue(m.find(), text);
        in.readNBytes(Integer.parseInt(m.group(1)));
        return text;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
