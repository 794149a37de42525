package org.haven.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one web chat client tries to take of a gateway, each client told apart by its {@code
 * X-Forwarded-For} (the gateway trusts the driver's loopback address as its proxy): as many sockets
 * as it can hold, as many new conversations as it can open, and as much of the gateway's memory as
 * it can make it queue by never reading.
 */
final class WebChatAbuse {
    private static final Pattern GAUGE = Pattern.compile("(?m)^(haven_webchat_\\w+) (\\S+)$");

    private final Vertx vertx;
    private final int port;
    private final WebSocketClient client;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    WebChatAbuse(Vertx vertx, int port, int maxSockets) {
        this.vertx = vertx;
        this.port = port;
        this.client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setMaxConnections(maxSockets + 64)
                                .setConnectTimeout(10_000));
    }

    /** The sockets opened and refused, and the status of the refusals. */
    record Held(int open, int refused, int refusalStatus, boolean otherClientIn) {}

    /**
     * Opens {@code attempts} sockets one after another from {@code address}, keeps those that
     * opened, then tries one from {@code other}; closes them all.
     */
    Held holdSockets(String address, int attempts, String other) throws Exception {
        List<WebSocket> open = new ArrayList<>();
        int refused = 0;
        int status = 0;
        try {
            for (int i = 0; i < attempts; i++) {
                try {
                    open.add(await(connect(address)));
                } catch (UpgradeRejectedException e) {
                    refused++;
                    status = e.getStatus();
                }
            }
            boolean otherIn;
            try {
                await(connect(other)).close();
                otherIn = true;
            } catch (UpgradeRejectedException e) {
                otherIn = false;
            }
            return new Held(open.size(), refused, status, otherIn);
        } finally {
            open.forEach(WebSocket::close);
        }
    }

    /** Conversations opened and refused for one client's {@code start} frames. */
    record Started(int opened, int refused, long retryAfter) {}

    /**
     * Sends {@code perSocket} {@code start} frames on each of {@code sockets} sockets from {@code
     * address} (the server allows 30 frames in 10 s on one socket), and counts the conversations
     * opened and the starts refused.
     */
    Started startConversations(String address, int sockets, int perSocket) throws Exception {
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long[] retry = new long[1];
        List<WebSocket> open = new ArrayList<>();
        try {
            for (int s = 0; s < sockets; s++) {
                WebSocket ws = await(connect(address));
                open.add(ws);
                ws.textMessageHandler(
                        text -> {
                            JsonObject f = new JsonObject(text);
                            if ("session".equals(f.getString("type"))) {
                                opened.incrementAndGet();
                            } else if ("too_many_conversations".equals(f.getString("code"))) {
                                refused.incrementAndGet();
                                retry[0] = f.getLong("retry_after", 0L);
                            }
                        });
                for (int i = 0; i < perSocket; i++) {
                    ws.writeTextMessage("{\"type\":\"start\"}");
                }
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (opened.get() + refused.get() < sockets * perSocket && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            return new Started(opened.get(), refused.get(), retry[0]);
        } finally {
            open.forEach(WebSocket::close);
        }
    }

    /**
     * What clients that never read made the gateway queue, and when their sockets were closed (-1:
     * not within the wait).
     */
    record Unread(long bytesSent, long maxQueued, double closedAfterSeconds) {}

    /**
     * {@code sockets} raw sockets from {@code address}, with small receive buffers, each sending
     * {@code frames} frames that are not JSON (each answered with an error) and reading nothing;
     * samples the gateway's queued bytes until it closed them all (its socket gauge back to 0) or
     * {@code waitSeconds} pass.
     */
    Unread neverRead(String address, int sockets, int frames, int waitSeconds) throws Exception {
        List<Socket> raws = new ArrayList<>();
        byte[] batch = junk(100);
        long maxQueued = 0;
        AtomicInteger total = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            for (int s = 0; s < sockets; s++) {
                Socket raw = new Socket();
                raws.add(raw);
                raw.setReceiveBufferSize(4096);
                raw.connect(new InetSocketAddress("127.0.0.1", port));
                handshake(raw, address);
            }
            for (Socket raw : raws) {
                Thread w =
                        new Thread(
                                () -> {
                                    try {
                                        OutputStream out = raw.getOutputStream();
                                        for (int n = 0; n < frames; n += 100) {
                                            out.write(batch);
                                            total.addAndGet(100);
                                        }
                                    } catch (IOException closed) {
                                        // the gateway closed the socket
                                    }
                                });
                w.setDaemon(true);
                w.start();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
            double closedAfter = -1;
            while (System.nanoTime() < end) {
                maxQueued = Math.max(maxQueued, (long) gauge("haven_webchat_queued_bytes"));
                if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(2)
                        && gauge("haven_webchat_sockets") == 0) {
                    closedAfter = (System.nanoTime() - t0) / 1e9;
                    break;
                }
                Thread.sleep(100);
            }
            return new Unread(total.get() * 7L, maxQueued, closedAfter);
        } finally {
            for (Socket raw : raws) {
                raw.close();
            }
        }
    }

    /** A gauge of the gateway's {@code /metrics}, 0 when absent. */
    double gauge(String name) throws IOException, InterruptedException {
        String body =
                http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
        Matcher m = GAUGE.matcher(body);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    private Future<WebSocket> connect(String address) {
        return client.connect(
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setURI("/chat/ws")
                        .addHeader("X-Forwarded-For", address));
    }

    /** {@code n} masked text frames "x" (mask key 0), 7 bytes each. */
    private static byte[] junk(int n) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            b.writeBytes(new byte[] {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'x'});
        }
        return b.toByteArray();
    }

    private void handshake(Socket raw, String address) throws IOException {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        raw.getOutputStream()
                .write(
                        ("GET /chat/ws HTTP/1.1\r\nHost: 127.0.0.1:"
                                        + port
                                        + "\r\nUpgrade: websocket\r\n"
                                        + "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                        + Base64.getEncoder().encodeToString(nonce)
                                        + "\r\n"
                                        + "Sec-WebSocket-Version: 13\r\nX-Forwarded-For: "
                                        + address
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = raw.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        if (!head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101")) {
            throw new IOException(
                    "upgrade refused: "
                            + head.toString(StandardCharsets.US_ASCII)
                                    .lines()
                                    .findFirst()
                                    .orElse(""));
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
