package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * The driver's own warm-up, before the gateway starts: its web chat client (sockets, frames, JSON,
 * the latency figures) runs at the run's rate for a few seconds against an echo of the web chat
 * protocol inside this process. Without it, a cold run's first seconds measure the driver's own
 * code while the JIT still interprets it, on the same processors as the gateway: people's browsers
 * are not cold because a gateway is. Nothing reaches the gateway, and nothing of it is counted.
 */
final class DriverWarmUp {
    private DriverWarmUp() {}

    /**
     * Runs {@code sockets} sockets at {@code rate} messages a second for {@code seconds}; returns
     * how many of their messages the echo acknowledged.
     */
    static long run(Vertx vertx, int sockets, double rate, int seconds) throws Exception {
        HttpServer echo =
                vertx.createHttpServer()
                        .webSocketHandler(
                                ws ->
                                        ws.textMessageHandler(
                                                text -> {
                                                    JsonObject f = new JsonObject(text);
                                                    if ("start".equals(f.getString("type"))) {
                                                        ws.writeTextMessage(
                                                                new JsonObject()
                                                                        .put("type", "session")
                                                                        .put("resume", "warm-up")
                                                                        .encode());
                                                    } else {
                                                        ws.writeTextMessage(
                                                                new JsonObject()
                                                                        .put("type", "ack")
                                                                        .put(
                                                                                "id",
                                                                                f.getString("id"))
                                                                        .encode());
                                                        ws.writeTextMessage(reply());
                                                    }
                                                }));
        echo.listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        WebChatLoad load =
                new WebChatLoad(vertx, "127.0.0.1", echo.actualPort(), sockets, rate, false);
        load.measure();
        load.start();
        Thread.sleep(seconds * 1000L);
        load.stop();
        echo.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return load.messages.completed();
    }

    private static String reply() {
        return new JsonObject()
                .put("type", "reply")
                .put("text", "Where did this happen?")
                .put("options", new JsonArray().add("In Canada").add("Outside Canada"))
                .encode();
    }
}
