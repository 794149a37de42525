package org.haven.gateway.channel.telegram;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Bot API server on loopback for tests: answers {@code /bot<token>/<method>} (method names
 * lower-cased, as the client sends them) with the JSON shapes of the real Bot API, records every
 * call, serves queued updates to getUpdates, and can be told to fail the next sendMessage.
 */
final class FakeBotApi implements AutoCloseable {
    static final String TOKEN = "123456789:TEST-token_abcdefghijklmnopqrstuvwxyz";

    /**
     * One call Haven made, and the port of the fake it came to ({@link #url} or {@link #otherUrl}).
     */
    record Call(String method, JsonObject params, long atMillis, int port) {
        String chatId() {
            Object id = params.getValue("chat_id");
            return id == null ? null : String.valueOf(id);
        }

        /** The message_id the fake gave a sent message. */
        int messageId() {
            return params.getInteger("_message_id", -1);
        }

        /** The callback_data of the inline keyboard sent with a message, if any. */
        List<String> buttons() {
            List<String> out = new ArrayList<>();
            Object markup = params.getValue("reply_markup");
            JsonObject m =
                    markup instanceof JsonObject j
                            ? j
                            : markup instanceof String s ? new JsonObject(s) : null;
            if (m != null && m.getJsonArray("inline_keyboard") != null) {
                for (Object row : m.getJsonArray("inline_keyboard")) {
                    for (Object b : (JsonArray) row) {
                        out.add(((JsonObject) b).getString("callback_data"));
                    }
                }
            }
            return out;
        }
    }

    private record Failure(int status, JsonObject body) {}

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;

    /** A second address of the same bot, so that a test tells two gateways' calls apart. */
    private final HttpServer other;

    private final List<Call> calls = new ArrayList<>();
    private final Deque<Failure> sendFailures = new ArrayDeque<>();
    private final List<JsonObject> updates = new ArrayList<>();
    private int nextMessageId = 1;
    private long highestOffset;

    FakeBotApi() throws Exception {
        server =
                vertx.createHttpServer()
                        .requestHandler(this::serve)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
        other =
                vertx.createHttpServer()
                        .requestHandler(this::serve)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
    }

    /**
     * Another HAVEN_TELEGRAM_API_URL for the same bot: calls to it are told apart by {@link
     * Call#port}.
     */
    String otherUrl() {
        return "http://127.0.0.1:" + other.actualPort();
    }

    /** The port of an API URL this fake gave. */
    static int portOf(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    /** The value for HAVEN_TELEGRAM_API_URL. */
    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    synchronized void failNextSend(int status, String description, Integer retryAfter) {
        JsonObject body =
                new JsonObject()
                        .put("ok", false)
                        .put("error_code", status)
                        .put("description", description);
        if (retryAfter != null) {
            body.put("parameters", new JsonObject().put("retry_after", retryAfter));
        }
        sendFailures.add(new Failure(status, body));
    }

    /** Queues an update for getUpdates. */
    synchronized void queueUpdate(JsonObject update) {
        updates.add(update);
    }

    /** The highest getUpdates offset seen: every update below it was acknowledged. */
    synchronized long highestOffset() {
        return highestOffset;
    }

    synchronized List<Call> calls() {
        return new ArrayList<>(calls);
    }

    synchronized List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    synchronized List<Call> sentTo(long chatId) {
        return calls.stream()
                .filter(
                        c ->
                                c.method().equals("sendmessage")
                                        && String.valueOf(chatId).equals(c.chatId()))
                .toList();
    }

    /** Waits until a call matches. */
    Call await(Predicate<Call> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Call c : calls()) {
                if (match.test(c)) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "no matching Bot API call; calls were "
                        + calls().stream().map(Call::method).toList());
    }

    private void serve(HttpServerRequest req) {
        String path = req.path();
        String prefix = "/bot" + TOKEN + "/";
        if (!path.startsWith(prefix)) {
            reply(
                    req,
                    401,
                    new JsonObject()
                            .put("ok", false)
                            .put("error_code", 401)
                            .put("description", "Unauthorized"));
            return;
        }
        // The Bot API matches method names case-insensitively; the client sends most lower-cased,
        // setWebhook not.
        String method = path.substring(prefix.length()).toLowerCase(Locale.ROOT);
        String type = req.getHeader("Content-Type") == null ? "" : req.getHeader("Content-Type");
        if (type.startsWith("multipart/form-data")) {
            req.setExpectMultipart(true);
            req.endHandler(
                    v -> {
                        JsonObject params = new JsonObject();
                        req.formAttributes().forEach(e -> params.put(e.getKey(), e.getValue()));
                        answer(req, method, params);
                    });
        } else {
            req.body()
                    .onSuccess(
                            b ->
                                    answer(
                                            req,
                                            method,
                                            b.length() == 0 ? new JsonObject() : b.toJsonObject()));
        }
    }

    private void answer(HttpServerRequest req, String method, JsonObject params) {
        synchronized (this) {
            calls.add(
                    new Call(
                            method, params, System.currentTimeMillis(), req.localAddress().port()));
        }
        switch (method) {
            case "getupdates" -> {
                long offset = params.getLong("offset", 0L);
                JsonArray result = new JsonArray();
                synchronized (this) {
                    highestOffset = Math.max(highestOffset, offset);
                    updates.removeIf(u -> u.getLong("update_id") < offset);
                    updates.forEach(result::add);
                }
                if (result.isEmpty()) {
                    vertx.setTimer(100, t -> ok(req, new JsonArray()));
                } else {
                    ok(req, result);
                }
            }
            case "sendmessage" -> {
                Failure f;
                int id;
                synchronized (this) {
                    f = sendFailures.poll();
                    id = nextMessageId++;
                }
                if (f != null) {
                    reply(req, f.status(), f.body());
                    return;
                }
                params.put(
                        "_message_id",
                        id); // what Haven was told, for tests that tap this message's buttons
                long chatId = Long.parseLong(String.valueOf(params.getValue("chat_id")));
                ok(
                        req,
                        new JsonObject()
                                .put("message_id", id)
                                .put("date", System.currentTimeMillis() / 1000)
                                .put(
                                        "chat",
                                        new JsonObject()
                                                .put("id", chatId)
                                                .put("type", chatId > 0 ? "private" : "group"))
                                .put("text", params.getString("text")));
            }
            case "editmessagereplymarkup" ->
                    ok(
                            req,
                            new JsonObject()
                                    .put("message_id", params.getValue("message_id"))
                                    .put("date", System.currentTimeMillis() / 1000)
                                    .put(
                                            "chat",
                                            new JsonObject()
                                                    .put(
                                                            "id",
                                                            Long.parseLong(
                                                                    String.valueOf(
                                                                            params.getValue(
                                                                                    "chat_id"))))
                                                    .put("type", "private"))
                                    .put("text", "question"));
            case "answercallbackquery",
                    "setwebhook",
                    "deletewebhook",
                    "deletemessage",
                    "deletemessages",
                    "leavechat" ->
                    ok(req, true);
            default ->
                    reply(
                            req,
                            404,
                            new JsonObject()
                                    .put("ok", false)
                                    .put("error_code", 404)
                                    .put("description", "Not Found"));
        }
    }

    private static void ok(HttpServerRequest req, Object result) {
        reply(req, 200, new JsonObject().put("ok", true).put("result", result));
    }

    private static void reply(HttpServerRequest req, int status, JsonObject body) {
        req.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
