package org.haven.gateway.channel.signal;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A signal-cli HTTP daemon for the tests, speaking its wire format as of signal-cli 0.14.6 (man
 * page signal-cli-jsonrpc(5), HttpServerHandler, ServerSentEventSender, JsonMessageEnvelope):
 * {@code POST /api/v1/rpc} takes one JSON-RPC 2.0 request ({@code send}, {@code receive}, {@code
 * quitGroup}, {@code listGroups}, {@code remoteDelete}, …; errors with signal-cli's codes), {@code
 * GET /api/v1/events} is a Server-Sent Events stream with one {@code receive} event per envelope,
 * {@code GET /api/v1/check} answers 200.
 *
 * <p>It behaves as a daemon started with {@code --receive-mode=on-connection}: while an events
 * client is connected, each envelope "arriving from Signal" ({@link #arrive}) is pushed to it;
 * while none is, envelopes wait (on Signal's server, as it were) and are handed to the first events
 * client or taken by {@code receive}, which the daemon refuses while a stream is open ("Receive
 * command cannot be used if messages are already being received.", code -1). {@link #stop()} and
 * {@link #start()} restart it on the same port, dropping every connection.
 *
 * <p>Attachments: built with an attachments directory, it behaves as a daemon started without
 * {@code --ignore-attachments}: as an envelope arrives, every file it lists (JsonAttachment: {@code
 * contentType}, {@code filename}, {@code id}, {@code size}, …, in {@code dataMessage.attachments},
 * link previews, quotes) whose bytes were {@link #upload uploaded} is written to that directory
 * under its id, as AttachmentStore does, with a {@code <id>.preview} for a photo that has one; and
 * {@code getAttachment} ({@code id}, plus {@code recipient} or {@code groupId}) answers {@code
 * {"data": base64}} from that file, or error -1 "Could not find attachment with ID: …" (a
 * UserErrorException) when it is not there. The daemon never deletes a file.
 */
final class FakeSignalCli {
    /** The daemon's account number (a fictional 555-01xx number). */
    static final String ACCOUNT = "+15145550100";

    /** One JSON-RPC request the daemon got. */
    record Call(String method, JsonObject params) {}

    private final Vertx vertx;
    private final Deque<JsonObject> waiting = new ArrayDeque<>();
    private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private final List<Call> allCalls = new CopyOnWriteArrayList<>();
    private final Set<String> groups = new LinkedHashSet<>();
    private final AtomicLong clock = new AtomicLong(1_760_000_000_000L);
    private final AtomicLong receivedByPoll = new AtomicLong();
    private final Deque<JsonObject> sendErrors = new ArrayDeque<>();
    private final Path attachments;
    private final Map<String, byte[]> uploaded = new ConcurrentHashMap<>();
    private volatile long attachmentDelayMillis;
    private HttpServer server;
    private int port;

    /** A daemon that downloads no attachment ({@code --ignore-attachments}). */
    FakeSignalCli(Vertx vertx) {
        this(vertx, null);
    }

    /** A daemon that downloads attachments into {@code attachments} (its config's attachments/). */
    FakeSignalCli(Vertx vertx, Path attachments) {
        this.vertx = vertx;
        this.attachments = attachments;
    }

    /** From now on, {@code getAttachment} answers after {@code millis} (0: at once). */
    void delayAttachments(long millis) {
        attachmentDelayMillis = millis;
    }

    /** A file's bytes on Signal's servers: the daemon downloads them when a message lists it. */
    void upload(String id, byte[] data) {
        uploaded.put(id, data);
    }

    /** Starts listening (on the same port as before, after a {@link #stop()}). */
    synchronized void start() throws Exception {
        server =
                vertx.createHttpServer()
                        .requestHandler(this::onRequest)
                        .listen(port, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    /** Stops as a restarted daemon does: every connection drops, nothing is listening. */
    void stop() throws Exception {
        HttpServer s;
        synchronized (this) {
            s = server;
            server = null;
        }
        for (HttpServerResponse stream : streams) {
            stream.reset();
        }
        streams.clear();
        s.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A message from Signal for the account: to the open stream, or waiting until one opens. */
    synchronized void arrive(JsonObject event) {
        if (attachments != null) {
            download(event);
        }
        if (streams.isEmpty()) {
            waiting.add(event);
            return;
        }
        push(event);
    }

    /** How many envelopes {@code receive} handed out so far. */
    long receivedByPoll() {
        return receivedByPoll.get();
    }

    /** Whether an events stream is open now. */
    boolean streaming() {
        return !streams.isEmpty();
    }

    /** The next request of {@code method}, waiting up to {@code seconds}; others are skipped. */
    Call next(String method, long seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Call c = calls.poll(100, TimeUnit.MILLISECONDS);
            if (c != null && c.method().equals(method)) {
                return c;
            }
        }
        return null;
    }

    /** Every request so far, in order. */
    List<Call> calls() {
        return new ArrayList<>(allCalls);
    }

    /** Haven is a member of this group (it was added to it). */
    synchronized void joined(String groupId) {
        groups.add(groupId);
    }

    synchronized boolean member(String groupId) {
        return groups.contains(groupId);
    }

    /** The next {@code send} is answered with this JSON-RPC error. */
    synchronized void failNextSend(int code, JsonObject data) {
        sendErrors.add(
                new JsonObject()
                        .put("code", code)
                        .put("message", "Failed to send message")
                        .put("data", data));
    }

    // --- envelopes, as JsonMessageEnvelope writes them --------------------------------------

    /** A direct text message from a person. */
    static JsonObject message(String uuid, String number, long timestamp, String text) {
        return event(uuid, number, timestamp, data(timestamp, text));
    }

    /** A message in a group Haven is a member of. */
    static JsonObject groupMessage(
            String uuid, String number, long timestamp, String text, String groupId) {
        JsonObject data =
                data(timestamp, text)
                        .put(
                                "groupInfo",
                                new JsonObject()
                                        .put("groupId", groupId)
                                        .put("groupName", "Group")
                                        .put("revision", 3)
                                        .put("type", "DELIVER"));
        return event(uuid, number, timestamp, data);
    }

    /** A photo without words. */
    static JsonObject photo(String uuid, String number, long timestamp) {
        JsonObject data = data(timestamp, null);
        data.put(
                "attachments",
                new JsonArray()
                        .add(
                                new JsonObject()
                                        .put("contentType", "image/jpeg")
                                        .put("filename", "IMG_0001.jpg")
                                        .put("id", "Xk3y9cQe1ZpGmLh2aWb7.jpg")
                                        .put("size", 183422)
                                        .put("width", 1200)
                                        .put("height", 1600)
                                        .putNull("caption")
                                        .put("uploadTimestamp", timestamp - 10)));
        return event(uuid, number, timestamp, data);
    }

    /** A message with files (JsonAttachment objects, see {@link #attachment}), and words or not. */
    static JsonObject withFiles(
            String uuid, String number, long timestamp, String text, JsonObject... files) {
        JsonArray list = new JsonArray();
        for (JsonObject f : files) {
            list.add(f);
        }
        return event(uuid, number, timestamp, data(timestamp, text).put("attachments", list));
    }

    /** One attachment as JsonAttachment writes it; {@code size} as the sender's app declared it. */
    static JsonObject attachment(String id, String contentType, String filename, long size) {
        boolean image = contentType.startsWith("image/");
        return new JsonObject()
                .put("contentType", contentType)
                .put("filename", filename)
                .put("id", id)
                .put("size", size)
                .put("width", image ? 1200 : null)
                .put("height", image ? 1600 : null)
                .putNull("caption")
                .put("uploadTimestamp", 1_765_000_000_000L);
    }

    /** Whether the daemon's attachments directory holds this file (or its preview). */
    boolean stores(String id) {
        return Files.exists(attachments.resolve(id))
                || Files.exists(attachments.resolve(id + ".preview"));
    }

    /** A delivery receipt for one of Haven's messages. */
    static JsonObject receipt(String uuid, String number, long timestamp, long ofMessage) {
        JsonObject e = envelope(uuid, number, timestamp);
        e.put(
                "receiptMessage",
                new JsonObject()
                        .put("when", timestamp)
                        .put("isDelivery", true)
                        .put("isRead", false)
                        .put("isViewed", false)
                        .put("timestamps", new JsonArray().add(ofMessage)));
        return new JsonObject().put("envelope", e).put("account", ACCOUNT);
    }

    private static JsonObject data(long timestamp, String text) {
        JsonObject d =
                new JsonObject()
                        .put("timestamp", timestamp)
                        .put("expiresInSeconds", 0)
                        .put("viewOnce", false);
        if (text != null) {
            d.put("message", text);
        } else {
            d.putNull("message");
        }
        return d;
    }

    private static JsonObject event(String uuid, String number, long timestamp, JsonObject data) {
        return new JsonObject()
                .put("envelope", envelope(uuid, number, timestamp).put("dataMessage", data))
                .put("account", ACCOUNT);
    }

    private static JsonObject envelope(String uuid, String number, long timestamp) {
        return new JsonObject()
                .put("source", number != null ? number : uuid)
                .put("sourceNumber", number)
                .put("sourceUuid", uuid)
                .put("sourceName", "Person")
                .put("sourceDevice", 1)
                .put("timestamp", timestamp)
                .put("serverReceivedTimestamp", timestamp + 120)
                .put("serverDeliveredTimestamp", timestamp + 180);
    }

    /** Stores every listed file that was uploaded, as the daemon does before it hands it over. */
    private void download(Object node) {
        if (node instanceof JsonObject o) {
            if (o.getValue("id") instanceof String id
                    && o.getValue("contentType") instanceof String type
                    && uploaded.containsKey(id)) {
                try {
                    Files.createDirectories(attachments);
                    Files.write(attachments.resolve(id), uploaded.get(id));
                    if (type.startsWith("image/")) {
                        Files.write(
                                attachments.resolve(id + ".preview"),
                                new byte[] {(byte) 0xff, (byte) 0xd8});
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            o.forEach(field -> download(field.getValue()));
        } else if (node instanceof JsonArray a) {
            a.forEach(this::download);
        }
    }

    // --- the daemon's endpoints --------------------------------------------------------------

    private void onRequest(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/api/v1/check" -> req.response().setStatusCode(200).end();
            case "/api/v1/events" -> onEvents(req);
            case "/api/v1/rpc" -> onRpc(req);
            default -> req.response().setStatusCode(404).end();
        }
    }

    private synchronized void onEvents(HttpServerRequest req) {
        if (!"GET".equals(req.method().name())) {
            req.response().setStatusCode(405).end();
            return;
        }
        if (!ACCOUNT.equals(req.getParam("account"))) {
            req.response().setStatusCode(400).end();
            return;
        }
        HttpServerResponse response = req.response();
        response.setChunked(true).putHeader("Content-Type", "text/event-stream").setStatusCode(200);
        response.write(":\n"); // signal-cli flushes the headers at once
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
        // the receive thread starts with the first handler: what waited on the server comes now
        while (!waiting.isEmpty()) {
            push(waiting.poll());
        }
    }

    private void push(JsonObject event) {
        String frame = "event:receive\ndata:" + event.encode() + "\n\n";
        for (HttpServerResponse stream : streams) {
            stream.write(frame);
        }
    }

    private void onRpc(HttpServerRequest req) {
        if (!"POST".equals(req.method().name())) {
            req.response().setStatusCode(405).end();
            return;
        }
        String type = req.getHeader("Content-Type");
        if (type == null || !type.startsWith("application/json")) {
            req.response().setStatusCode(415).end();
            return;
        }
        req.body()
                .onSuccess(
                        body -> {
                            JsonObject request = new JsonObject(body);
                            Object id = request.getValue("id");
                            String method = request.getString("method");
                            JsonObject params = request.getJsonObject("params", new JsonObject());
                            Call call = new Call(method, params);
                            allCalls.add(call);
                            calls.add(call);
                            JsonObject answer =
                                    new JsonObject().put("jsonrpc", "2.0").put("id", id);
                            try {
                                answer.put("result", result(method, params));
                            } catch (RpcFailure f) {
                                answer.put("error", f.error);
                            }
                            long delay = attachmentDelayMillis;
                            if ("getAttachment".equals(method) && delay > 0) {
                                // a large file read slowly: the answer comes later
                                vertx.setTimer(
                                        delay,
                                        t ->
                                                req.response()
                                                        .putHeader(
                                                                "Content-Type", "application/json")
                                                        .end(answer.encode()));
                                return;
                            }
                            req.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(answer.encode());
                        });
    }

    private static final class RpcFailure extends RuntimeException {
        final JsonObject error;

        RpcFailure(JsonObject error) {
            super(null, null, false, false);
            this.error = error;
        }

        RpcFailure(int code, String message) {
            this(new JsonObject().put("code", code).put("message", message).putNull("data"));
        }
    }

    private synchronized Object result(String method, JsonObject params) {
        if (!ACCOUNT.equals(params.getString("account"))) {
            throw new RpcFailure(-32602, "Method requires valid account parameter");
        }
        return switch (method) {
            case "send" -> {
                JsonObject error = sendErrors.poll();
                if (error != null) {
                    throw new RpcFailure(error);
                }
                JsonArray results = new JsonArray();
                for (Object r : params.getJsonArray("recipient", new JsonArray())) {
                    results.add(
                            new JsonObject()
                                    .put(
                                            "recipientAddress",
                                            new JsonObject().put("uuid", r).putNull("number"))
                                    .put("type", "SUCCESS"));
                }
                yield new JsonObject()
                        .put("timestamp", clock.incrementAndGet())
                        .put("results", results);
            }
            case "receive" -> {
                if (!streams.isEmpty()) {
                    throw new RpcFailure(
                            -1,
                            "Receive command cannot be used if messages are already being received.");
                }
                int max = params.getInteger("maxMessages", Integer.MAX_VALUE);
                JsonArray out = new JsonArray();
                while (!waiting.isEmpty() && out.size() < max) {
                    out.add(waiting.poll());
                }
                receivedByPoll.addAndGet(out.size());
                yield out;
            }
            case "quitGroup" -> {
                String group = params.getString("groupId");
                if (group == null || !groups.remove(group)) {
                    throw new RpcFailure(-1, "Group not found");
                }
                yield new JsonObject()
                        .put("timestamp", clock.incrementAndGet())
                        .put("results", new JsonArray());
            }
            case "listGroups" -> {
                JsonArray out = new JsonArray();
                for (String g : groups) {
                    out.add(
                            new JsonObject()
                                    .put("id", g)
                                    .put("name", "Group")
                                    .put("isMember", true));
                }
                yield out;
            }
            case "remoteDelete" ->
                    new JsonObject()
                            .put("timestamp", clock.incrementAndGet())
                            .put("results", new JsonArray());
            case "getAttachment" -> {
                String id = params.getString("id");
                if (id == null) {
                    throw new RpcFailure(-1, "Missing attachment id parameter");
                }
                // AttachmentStore.retrieveAttachment: the id sanitised, the file read whole
                String safe = id.replaceAll("[^A-Za-z0-9_.-]", "_");
                Path file = attachments == null ? null : attachments.resolve(safe);
                if (file == null || !Files.isRegularFile(file)) {
                    throw new RpcFailure(-1, "Could not find attachment with ID: " + id);
                }
                try {
                    yield new JsonObject()
                            .put(
                                    "data",
                                    Base64.getEncoder().encodeToString(Files.readAllBytes(file)));
                } catch (IOException e) {
                    throw new RpcFailure(-3, "An error occurred reading attachment: " + id);
                }
            }
            case "sendTyping", "sendReceipt", "updateConfiguration" -> new JsonObject();
            default -> throw new RpcFailure(-32601, "Method not implemented");
        };
    }
}
