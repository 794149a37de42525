package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.RawWebSocket;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one client can take of the web chat (issue 18): its share of the sockets, new conversations
 * at a bounded rate, and a bounded queue of what waits to be sent to it. The clients are told apart
 * by {@code X-Forwarded-For}, believed from 127.0.0.1 (a trusted proxy). A gateway with 20 sockets,
 * 3 per client, 3 new conversations a minute per client and a 4 s idle timeout (pings, and the wait
 * for a slow reader, every second) stands in for the defaults.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatAbuseTest {
    private static final Pattern GAUGE =
            Pattern.compile("(?m)^haven_webchat_(sockets|queued_bytes) (\\S+)$");

    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_TRUSTED_PROXIES",
                                "127.0.0.1",
                                "HAVEN_WEBCHAT_MAX_SOCKETS",
                                "20",
                                "HAVEN_WEBCHAT_MAX_SOCKETS_PER_CLIENT",
                                "3",
                                "HAVEN_WEBCHAT_CONVERSATIONS_PER_MINUTE_PER_CLIENT",
                                "3",
                                "HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS",
                                "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /**
     * Verifies that one client holds at most its share of the sockets (the next upgrade is answered
     * 429 with Retry-After, and no place is taken), that another client still gets in, and that a
     * place the client gives back is its own again.
     */
    @Test
    void testOneClientHoldsAtMostItsShareWhileOthersStillConnect() throws Exception {
        List<ChatClient> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(ChatClient.connect(haven.port(), "203.0.113.1"));
            }
            ExecutionException refused =
                    assertThrows(
                            ExecutionException.class,
                            () -> ChatClient.connect(haven.port(), "203.0.113.1"));
            assertTrue(
                    refused.getCause() instanceof WebSocketHandshakeException h
                            && h.getResponse().statusCode() == 429
                            && h.getResponse().headers().firstValue("Retry-After").isPresent(),
                    String.valueOf(refused.getCause()));
            awaitGauge("sockets", 3);
            try (ChatClient other = ChatClient.connect(haven.port(), "203.0.113.2")) {
                other.start(null);
                assertEquals("session", other.nextOfType("session").getString("type"));
            }
            held.remove(0).close();
            awaitGauge("sockets", 2);
            held.add(ChatClient.connect(haven.port(), "203.0.113.1"));
        } finally {
            held.forEach(ChatClient::close);
        }
        awaitGauge("sockets", 0);
    }

    /**
     * Verifies that {@code start} frames beyond a client's rate open no conversation (none is
     * stored) and are answered {@code too_many_conversations} with a {@code retry_after}, that
     * resuming a conversation with its token is not counted, and that another client still opens
     * one.
     */
    @Test
    void testStartsBeyondTheRateOpenNoConversation() throws Exception {
        long before = conversations();
        String token;
        try (ChatClient chat = ChatClient.connect(haven.port(), "198.51.100.7")) {
            for (int i = 0; i < 5; i++) {
                chat.start(null);
            }
            List<String> tokens = new ArrayList<>();
            List<JsonObject> refusals = new ArrayList<>();
            while (tokens.size() + refusals.size() < 5) {
                JsonObject f = chat.next();
                if ("session".equals(f.getString("type"))) {
                    tokens.add(f.getString("resume"));
                } else if ("error".equals(f.getString("type"))) {
                    refusals.add(f);
                }
            }
            assertEquals(3, tokens.size(), "conversations opened");
            for (JsonObject r : refusals) {
                assertEquals("too_many_conversations", r.getString("code"));
                long wait = r.getLong("retry_after");
                assertTrue(wait >= 1 && wait <= 60, "retry_after " + wait);
            }
            assertEquals(before + 3, conversations(), "conversations stored");
            token = tokens.get(0);
            chat.start(token);
            JsonObject resumed = chat.nextOfType("session");
            assertEquals(token, resumed.getString("resume"), "resuming is not counted");
            chat.sync();
        }
        try (ChatClient other = ChatClient.connect(haven.port(), "198.51.100.8")) {
            other.start(null);
            other.nextOfType("session");
        }
        assertEquals(before + 4, conversations(), "conversations stored");
    }

    /**
     * Verifies that a client that sends frames without ever reading what comes back stops being
     * answered once 64 KiB wait for it, and is closed with 1008 (policy violation); the bytes the
     * gateway holds for it stay bounded meanwhile and are given back after. Two such sockets: one
     * starts reading after a while (and finds the close frame), the other never does (and is closed
     * all the same). Their receive buffers are small, so that the network takes little before the
     * gateway's own queue fills.
     */
    @Test
    void testReaderThatDoesNotReadIsClosedAndItsQueueStaysBounded() throws Exception {
        int frames = 20_000;
        AtomicInteger sent = new AtomicInteger();
        long maxQueued = 0;
        try (Socket raw = nonReader(frames, sent);
                Socket silent = nonReader(frames, new AtomicInteger())) {
            // the gateway reads what it can and answers until its queue for a socket is full; then
            // it
            // waits a ping interval (1 s) for the client to read, and closes
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < end) {
                maxQueued = Math.max(maxQueued, (long) gauge("queued_bytes"));
                Thread.sleep(50);
            }
            int replies = 0;
            int closeCode = -1;
            raw.setSoTimeout(15_000);
            DataInputStream in = new DataInputStream(raw.getInputStream());
            try {
                while (closeCode < 0) {
                    int opcode = in.readUnsignedByte() & 0x0f;
                    int len = in.readUnsignedByte() & 0x7f;
                    long length =
                            len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
                    byte[] payload = new byte[(int) length];
                    in.readFully(payload);
                    if (opcode == 0x1) {
                        replies++;
                    } else if (opcode == 0x8) {
                        closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                    }
                }
            } catch (EOFException e) {
                // closed without a close frame
            }
            assertEquals(
                    1008,
                    closeCode,
                    "close code, after "
                            + replies
                            + " replies to "
                            + sent.get()
                            + " frames, "
                            + maxQueued
                            + " bytes queued at most");
            assertTrue(replies < sent.get(), replies + " replies to " + sent.get() + " frames");
            awaitGauge("sockets", 0); // the silent one too, still open on this side
        }
        assertTrue(
                maxQueued <= 2 * (WebChatChannel.MAX_QUEUED + 4096),
                "queued for two sockets: " + maxQueued + " bytes");
        awaitGauge("queued_bytes", 0);
    }

    /**
     * A socket from 192.0.2.50 that sends {@code frames} frames (counted in {@code sent}) and reads
     * nothing.
     */
    private static Socket nonReader(int frames, AtomicInteger sent) throws IOException {
        Socket raw = new Socket();
        raw.setReceiveBufferSize(4096);
        raw.connect(new InetSocketAddress("127.0.0.1", haven.port()));
        String response =
                RawWebSocket.handshake(raw, haven.port(), "X-Forwarded-For: 192.0.2.50\r\n");
        assertTrue(response.startsWith("HTTP/1.1 101"), response);
        OutputStream out = raw.getOutputStream();
        Thread writer =
                new Thread(
                        () -> {
                            byte[] batch = batchOfFrames(100);
                            try {
                                while (sent.get() < frames) {
                                    out.write(batch);
                                    sent.addAndGet(100);
                                }
                            } catch (IOException closed) {
                                // the gateway closed the connection
                            }
                        });
        writer.setDaemon(true);
        writer.start();
        return raw;
    }

    /** {@code n} masked text frames that are not JSON: each is answered with an error. */
    private static byte[] batchOfFrames(int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            b.writeBytes(
                    new byte[] {
                        (byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'x'
                    }); // FIN text, masked (key 0), "x"
        }
        return b.toByteArray();
    }

    private static long conversations() throws Exception {
        return Long.parseLong(
                DatabaseDump.query(
                                haven.database().connectOptions(),
                                "SELECT count(*) FROM conversations WHERE channel = 'webchat'")
                        .get(0)
                        .get(0));
    }

    private static double gauge(String name) throws Exception {
        Matcher m = GAUGE.matcher(new InboxClient(haven.port()).get("/metrics").body());
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no haven_webchat_" + name + " gauge");
    }

    private static void awaitGauge(String name, double value) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (gauge(name) != value) {
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        "waited 20 s for haven_webchat_"
                                + name
                                + " "
                                + value
                                + ", still "
                                + gauge(name));
            }
            Thread.sleep(50);
        }
    }
}
