package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * N web chat sockets, each running the default intake at {@code rate / N} messages a second, open
 * loop: a message is sent when it is due whether or not the last one was acknowledged, and its
 * latency runs from that due time to its {@code ack}. After the intake (and a few messages for the
 * coordinator) a socket closes and starts a new conversation.
 *
 * <p>The sockets start within one message period, so that the full rate is offered from the first
 * second. Left at that, every socket would reach the hand-off in the same half second of each
 * intake's cycle: a wave of {@code sockets} hand-offs (each seals the intake to every recipient and
 * takes a resume phrase) every cycle, which no population of people writing in produces. So, unless
 * {@code lockstep}, socket {@code i}'s first conversation is a visitor who leaves after {@code i *
 * H / sockets} messages (H the messages before the hand-off), and the hand-offs of the
 * conversations after it fall evenly over the cycle from then on.
 */
final class WebChatLoad {
    private static final List<String> SAYS =
            Stream.concat(Script.INTAKE.stream(), Script.AFTER.stream()).toList();

    private final Vertx vertx;
    private final WebSocketClient client;
    private final String host;
    private final int port;
    private final int sockets;
    private final long periodNanos;
    private final boolean lockstep;
    final Stats messages = new Stats("webchat");
    final Stats sessions = new Stats("session");
    private volatile boolean running = true;

    WebChatLoad(Vertx vertx, String host, int port, int sockets, double rate, boolean lockstep) {
        this.vertx = vertx;
        this.client =
                vertx.createWebSocketClient(
                        new WebSocketClientOptions()
                                .setMaxConnections(sockets * 2 + 16)
                                .setConnectTimeout(10_000));
        this.host = host;
        this.port = port;
        this.sockets = sockets;
        this.periodNanos = (long) (1e9 * sockets / rate);
        this.lockstep = lockstep;
    }

    void start() {
        long spread = Math.max(1, periodNanos / sockets);
        for (int i = 0; i < sockets; i++) {
            long phase = i * spread;
            int leavesAfter = leavesAfter(i, sockets, lockstep);
            vertx.setTimer(1 + phase / 1_000_000, t -> new Client(leavesAfter).open());
        }
    }

    /**
     * How many messages socket {@code i} of {@code sockets} sends in its first conversation before
     * leaving, 0 for a whole intake: spread over the messages before the hand-off.
     */
    static int leavesAfter(int i, int sockets, boolean lockstep) {
        return lockstep ? 0 : (int) ((long) i * Script.INTAKE.size() / sockets);
    }

    void stop() {
        running = false;
        messages.stop();
        sessions.stop();
    }

    void measure() {
        messages.measure();
        sessions.measure();
    }

    private final class Client {
        private WebSocket ws;
        private final Map<String, Long> pending = new HashMap<>();
        private int step;
        private int ids;
        private long nextDue;
        private long openedAt;
        private boolean ready;

        /** Messages of this socket's first conversation when it is cut short; 0 once done. */
        private int leavesAfter;

        Client(int leavesAfter) {
            this.leavesAfter = leavesAfter;
        }

        /** How many messages this conversation sends. */
        private int length() {
            return leavesAfter > 0 ? leavesAfter : SAYS.size();
        }

        void open() {
            if (!running) {
                return;
            }
            ready = false;
            step = 0;
            pending.clear();
            openedAt = System.nanoTime();
            client.connect(port, host, "/chat/ws")
                    .onSuccess(
                            socket -> {
                                ws = socket;
                                socket.textMessageHandler(this::onFrame);
                                socket.exceptionHandler(
                                        err ->
                                                sessions.error(
                                                        "socket_"
                                                                + err.getClass().getSimpleName()));
                                socket.closeHandler(
                                        v -> {
                                            if (ws == socket && running) {
                                                // the server closed on us mid-conversation (or the
                                                // gateway died): count it, start again
                                                sessions.error("closed_by_server");
                                                vertx.setTimer(500, t -> open());
                                            }
                                        });
                                socket.writeTextMessage("{\"type\":\"start\"}");
                                sessions.sent();
                            })
                    .onFailure(
                            err -> {
                                sessions.error("connect_failed");
                                vertx.setTimer(1000, t -> open());
                            });
        }

        private void onFrame(String text) {
            JsonObject f;
            try {
                f = new JsonObject(text);
            } catch (RuntimeException e) {
                messages.error("unreadable_frame");
                return;
            }
            switch (f.getString("type", "")) {
                case "session" -> {
                    sessions.done(openedAt);
                    ready = true;
                    nextDue = System.nanoTime();
                    tick();
                }
                case "ack" -> {
                    Long due = pending.remove(f.getString("id"));
                    if (due != null) {
                        messages.done(due);
                    }
                    maybeFinish();
                }
                case "error" -> {
                    messages.error(f.getString("code", "unknown"));
                    if (f.getString("id") != null) {
                        pending.remove(f.getString("id"));
                    }
                    maybeFinish();
                }
                default -> {
                    // replies: the dialogue goes on whatever they say
                }
            }
        }

        private void tick() {
            if (!running || !ready || ws == null) {
                return;
            }
            long now = System.nanoTime();
            while (nextDue <= now && step < length()) {
                String id = "m" + (++ids);
                pending.put(id, nextDue);
                ws.writeTextMessage(
                        new JsonObject()
                                .put("type", "message")
                                .put("id", id)
                                .put("text", SAYS.get(step++))
                                .encode());
                messages.sent();
                nextDue += periodNanos;
            }
            if (step < length()) {
                vertx.setTimer(Math.max(1, (nextDue - now) / 1_000_000), t -> tick());
            }
        }

        private void maybeFinish() {
            if (step >= length() && pending.isEmpty() && ws != null) {
                leavesAfter = 0;
                WebSocket old = ws;
                ws = null;
                ready = false;
                // the next conversation starts when its first message would have been due
                long wait = Math.max(1, (nextDue - System.nanoTime()) / 1_000_000);
                old.close().onComplete(v -> vertx.setTimer(wait, t -> open()));
            }
        }
    }
}
