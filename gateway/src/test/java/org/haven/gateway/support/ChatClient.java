package org.haven.gateway.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A web chat client speaking the frame protocol over a real WebSocket, for tests. */
public final class ChatClient implements AutoCloseable {
    /**
     * A message frame without id or text: answered, in order, with {@link #SYNC_ANSWER}
     * (WebChatChannel).
     */
    private static final String SYNC = "{\"type\":\"message\"}";

    private static final String SYNC_ANSWER = "A message needs an id and a text.";

    private final BlockingQueue<JsonObject> frames;
    private final CompletableFuture<Integer> closed;
    private final WebSocket socket;
    private int nextId;

    private ChatClient(
            WebSocket socket, BlockingQueue<JsonObject> frames, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    /** Connects to {@code /chat/ws} on the given port. */
    public static ChatClient connect(int port) throws Exception {
        return connect(port, null);
    }

    /**
     * Connects as a client behind a proxy: the upgrade says {@code X-Forwarded-For: forwardedFor}
     * (believed when Haven trusts 127.0.0.1, {@code HAVEN_TRUSTED_PROXIES}); null for none.
     */
    public static ChatClient connect(int port, String forwardedFor) throws Exception {
        BlockingQueue<JsonObject> queue = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (forwardedFor != null) {
            builder.header("X-Forwarded-For", forwardedFor);
        }
        WebSocket ws =
                builder.buildAsync(
                                URI.create("ws://127.0.0.1:" + port + "/chat/ws"),
                                new WebSocket.Listener() {
                                    private final StringBuilder partial = new StringBuilder();

                                    @Override
                                    public CompletionStage<?> onText(
                                            WebSocket webSocket, CharSequence data, boolean last) {
                                        partial.append(data);
                                        if (last) {
                                            queue.add(new JsonObject(partial.toString()));
                                            partial.setLength(0);
                                        }
                                        webSocket.request(1);
                                        return null;
                                    }

                                    @Override
                                    public CompletionStage<?> onClose(
                                            WebSocket webSocket, int statusCode, String reason) {
                                        closed.complete(statusCode);
                                        return null;
                                    }

                                    @Override
                                    public void onError(WebSocket webSocket, Throwable error) {
                                        closed.complete(-1);
                                    }
                                })
                        .get(10, TimeUnit.SECONDS);
        return new ChatClient(ws, queue, closed);
    }

    private BlockingQueue<JsonObject> queue() {
        return frames;
    }

    /** Sends a raw text frame. */
    public void sendRaw(String frame) throws Exception {
        socket.sendText(frame, true).get(5, TimeUnit.SECONDS);
    }

    /** Sends {@code start}, with a resume token or without. */
    public void start(String resume) throws Exception {
        JsonObject f = new JsonObject().put("type", "start");
        if (resume != null) {
            f.put("resume", resume);
        }
        sendRaw(f.encode());
    }

    /** Sends a message and returns its id. */
    public String say(String text) throws Exception {
        String id = "m" + (++nextId) + "x" + System.nanoTime();
        sendRaw(new JsonObject().put("type", "message").put("id", id).put("text", text).encode());
        return id;
    }

    /** The next frame, waiting up to 10 s. */
    public JsonObject next() throws InterruptedException {
        JsonObject f = queue().poll(10, TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame from the server within 10 s");
        }
        return f;
    }

    /** Frames until (and including) the first of the given type. */
    public JsonObject nextOfType(String type) throws InterruptedException {
        while (true) {
            JsonObject f = next();
            if (type.equals(f.getString("type"))) {
                return f;
            }
        }
    }

    /**
     * The frames before the {@code ack} of message {@code id} (the replies to earlier messages: the
     * server writes a step's replies right behind its ack), and that ack; fails at an error for
     * that message.
     */
    public List<JsonObject> untilAck(String id) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>();
        while (true) {
            JsonObject f = next();
            if ("error".equals(f.getString("type")) && id.equals(f.getString("id"))) {
                throw new AssertionError("message " + id + " was refused: " + f.getString("code"));
            }
            out.add(f);
            if ("ack".equals(f.getString("type")) && id.equals(f.getString("id"))) {
                return out;
            }
        }
    }

    /**
     * Every frame the server sends in answer to what was sent before: sends a frame it answers in
     * turn, after them (the connection's frames are handled strictly in order), with an error that
     * changes nothing (a message without an id, so nothing is stored), and returns the frames that
     * came before that error. Unlike waiting for a quiet moment, this never ends too early.
     */
    public List<JsonObject> sync() throws Exception {
        sendRaw(SYNC);
        List<JsonObject> out = new ArrayList<>();
        while (true) {
            JsonObject f = next();
            if ("error".equals(f.getString("type"))
                    && f.getString("id") == null
                    && SYNC_ANSWER.equals(f.getString("message"))) {
                return out;
            }
            out.add(f);
        }
    }

    /** All frames that arrive within {@code quiet} of each other. */
    public List<JsonObject> drain(Duration quiet) throws InterruptedException {
        List<JsonObject> out = new ArrayList<>();
        JsonObject f;
        while ((f = queue().poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            out.add(f);
        }
        return out;
    }

    /**
     * The status code the server closed the socket with (-1: the connection failed), waiting up to
     * 10 s.
     */
    public int awaitClose() throws Exception {
        return closed.get(10, TimeUnit.SECONDS);
    }

    /** The option values of a reply frame. */
    public static List<String> optionValues(JsonObject reply) {
        List<String> values = new ArrayList<>();
        for (Object o : reply.getJsonArray("options", new JsonArray())) {
            values.add(((JsonObject) o).getString("value"));
        }
        return values;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
}
