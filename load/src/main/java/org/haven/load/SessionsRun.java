package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The sessions run ({@code load.sh --sessions N}): can one gateway hold N web chat conversations at
 * once, and in how much heap? Opens N sockets at {@code /chat/ws} at {@code --ramp} a second, each
 * starting a new conversation and then answering the intake at one message every {@code N / --rate}
 * seconds (a person thinking between answers), so every socket is a live intake. Once all are open
 * it waits {@code --warmup} seconds and measures the messages for {@code --seconds}; then, with the
 * sockets still open and the sending paused, it collects the gateway's heap fully and reads heap
 * used, committed and resident memory; then it closes every socket and reads them again. Heap per
 * session is (heap with N open − heap before any) / N.
 *
 * <p>A socket the server closes, a failed connect and an error frame are errors; a run in which
 * fewer than N sessions are open at the end of the hold fails, as does one whose heap after the
 * full GC exceeds {@code --max-heap-mib}.
 */
final class SessionsRun {
    private static final List<String> SAYS =
            Stream.concat(Script.INTAKE.stream(), Script.AFTER.stream()).toList();

    private final Vertx vertx;
    private final List<WebSocketClient> clients = new ArrayList<>();
    private final int port;
    private final long periodNanos;
    final Stats sessions = new Stats("session");
    final Stats ramp = new Stats("ramp");
    final Stats hold = new Stats("webchat");
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<Held> all = new ArrayList<>();
    private volatile boolean sending = true;
    private volatile boolean holding = true;
    private volatile Stats current = ramp;

    private SessionsRun(
            Vertx vertx,
            int port,
            int sessions,
            double rate,
            int sourceAddresses,
            boolean deflate) {
        this.vertx = vertx;
        this.port = port;
        this.periodNanos = (long) (1e9 * sessions / rate);
        int perClient = sessions / sourceAddresses + 16;
        for (int i = 1; i <= sourceAddresses; i++) {
            // every 127.x.y.z is loopback on Linux: each source address has its own ephemeral ports
            clients.add(
                    vertx.createWebSocketClient(
                            new WebSocketClientOptions()
                                    .setMaxConnections(perClient)
                                    .setConnectTimeout(30_000)
                                    .setLocalAddress("127.0.0." + i)
                                    // browsers offer permessage-deflate; a server that accepts
                                    // keeps a zlib context per socket
                                    .setTryUsePerMessageCompression(deflate)));
        }
    }

    private static double num(Map<String, String> o, String k, double dflt) {
        String v = o.get(k);
        return v == null ? dflt : Double.parseDouble(v);
    }

    static int run(Map<String, String> o, Path jar) throws Exception {
        int n = (int) num(o, "sessions", 10_000);
        double rampRate = num(o, "ramp", 100);
        double rate = num(o, "rate", n / 100.0);
        int seconds = (int) num(o, "seconds", 60);
        int settle = (int) num(o, "warmup", 10);
        int sourceAddresses = (int) num(o, "source-ips", Math.max(1, Math.ceil(n / 10_000.0)));
        String heap = o.getOrDefault("heap", "1g");
        boolean deflate = !"off".equals(o.getOrDefault("deflate", "on"));
        if (n < 1
                || n > 200_000
                || rampRate <= 0
                || rate <= 0
                || seconds < 1
                || seconds > 3600
                || settle < 0
                || sourceAddresses < 1
                || sourceAddresses > 250) {
            System.err.println(
                    "load: --sessions 1..200000, --ramp > 0, --rate > 0, --seconds 1..3600, --warmup >= 0, --source-ips 1..250");
            return 2;
        }
        if (rate / n > 2.5) {
            System.err.println(
                    "load: more than 2.5 messages/s per session would hit the server's rate limit");
            return 2;
        }
        if (o.containsKey("url")) {
            System.err.println(
                    "load: --sessions starts its own gateway (it reads the gateway's heap); --url is not supported");
            return 2;
        }
        long ownLimit = GatewayMemory.openFileLimit(ProcessHandle.current().pid());
        if (ownLimit >= 0 && ownLimit < n + 256L) {
            System.err.printf(
                    Locale.ROOT,
                    "load: this process may open %d files, %d sessions need about %d: raise ulimit -n%n",
                    ownLimit,
                    n,
                    n + 256);
            return 2;
        }

        List<String> jvmOptions = new ArrayList<>();
        // the driver starts the gateway with -Xms = -Xmx; let the heap grow instead, as the
        // deployed
        // gateway's does, so that "committed" says how much it needed
        jvmOptions.add("-Xms64m");
        if (o.containsKey("jvm-opts")) {
            jvmOptions.addAll(List.of(o.get("jvm-opts").trim().split("\\s+")));
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HavenProcess haven = null;
        try {
            System.out.println("starting " + jar + " (heap " + heap + ") …");
            haven = HavenProcess.start(jar, heap, jvmOptions, Map.of());
            long pid = haven.pid();
            long limit = GatewayMemory.openFileLimit(pid);
            System.out.printf(
                    Locale.ROOT,
                    "gateway pid %d on 127.0.0.1:%d, open files limit %d%n",
                    pid,
                    haven.port,
                    limit);
            if (limit >= 0 && limit < n + 256L) {
                System.out.printf(
                        Locale.ROOT,
                        "FAILED   the gateway may open %d files, %d sessions need about %d: raise ulimit -n%n",
                        limit,
                        n,
                        n + 256);
                return 2;
            }
            int histogramRows = (int) num(o, "histogram", 0);
            boolean histogram = histogramRows > 0;
            GatewayMemory.Snapshot idle = GatewayMemory.afterFullGc(pid);
            Map<String, GatewayMemory.Row> idleClasses =
                    histogram ? GatewayMemory.histogram(pid) : Map.of();
            System.out.println("idle     " + idle.report());

            SessionsRun run = new SessionsRun(vertx, haven.port, n, rate, sourceAddresses, deflate);
            System.out.printf(
                    Locale.ROOT,
                    "sessions %d at %.0f/s from %d source address(es), permessage-deflate %s; then %.1f msg/s "
                            + "(one every %.0f s per session), %d s settle + %d s measured%n",
                    n,
                    rampRate,
                    sourceAddresses,
                    deflate ? "offered" : "off",
                    rate,
                    n / rate,
                    settle,
                    seconds);
            run.sessions.measure();
            run.ramp.measure();
            long t0 = System.nanoTime();
            run.openAll(n, rampRate);
            long rampEnd = t0 + (long) (1e9 * (n / rampRate + 60));
            while (run.open.get() + run.dropped.get() < n
                    && System.nanoTime() < rampEnd
                    && haven.alive()) {
                Thread.sleep(1000);
                if ((System.nanoTime() - t0) / 1_000_000_000L % 5 == 0) {
                    run.progress(t0, haven.port);
                }
            }
            run.progress(t0, haven.port);
            if (!haven.alive()) {
                System.out.println("FAILED   the gateway died during the ramp; see " + haven.log);
                return 1;
            }
            Thread.sleep(settle * 1000L);
            run.ramp.stop();
            run.current = run.hold;
            run.hold.measure();
            for (int s = 1; s <= seconds; s++) {
                Thread.sleep(1000);
                if (!haven.alive()) {
                    System.out.println(
                            "FAILED   the gateway died during the hold; see " + haven.log);
                    return 1;
                }
                if (s % 10 == 0) {
                    run.progress(t0, haven.port);
                }
            }
            run.hold.stop();
            run.sessions.stop();
            int openAtEnd = run.open.get();
            long serverSide = GatewayMemory.established(haven.port);
            run.sending = false;
            Thread.sleep(2000); // answers in flight arrive before the collection
            GatewayMemory.Snapshot full = GatewayMemory.afterFullGc(pid);
            Map<String, GatewayMemory.Row> fullClasses =
                    histogram ? GatewayMemory.histogram(pid) : Map.of();
            String gauge = gauge(haven.port);
            String beyond = run.oneMore();

            run.holding = false;
            run.closeAll();
            long closeEnd = System.nanoTime() + 60_000_000_000L;
            while (GatewayMemory.established(haven.port) > 0 && System.nanoTime() < closeEnd) {
                Thread.sleep(500);
            }
            Thread.sleep(2000);
            GatewayMemory.Snapshot closed = GatewayMemory.afterFullGc(pid);

            System.out.println();
            System.out.println(run.sessions.report());
            System.out.println(run.ramp.report());
            System.out.println(run.hold.report());
            System.out.printf(
                    Locale.ROOT,
                    "held     %d of %d sessions open at the end of the hold (server side: %d established,"
                            + " haven_webchat_sockets %s), %d dropped%n",
                    openAtEnd,
                    n,
                    serverSide,
                    gauge,
                    run.dropped.get());
            System.out.println("beyond   one more socket with " + openAtEnd + " open: " + beyond);
            System.out.println("idle     " + idle.report());
            System.out.println("with " + n + " " + full.report());
            System.out.println("closed   " + closed.report());
            // per session held: when some were refused or dropped, the heap only holds the others
            int held = Math.max(1, openAtEnd);
            double perSession = (full.heapUsedKib() - idle.heapUsedKib()) / (double) held;
            double perSessionClosed = (full.heapUsedKib() - closed.heapUsedKib()) / (double) held;
            System.out.printf(
                    Locale.ROOT,
                    "per session  %.1f KiB heap (against idle), %.1f KiB (against after close); RSS %.1f KiB"
                            + " (RSS includes heap the JVM committed, not only what sessions use)%n",
                    perSession,
                    perSessionClosed,
                    (full.rssKib() - idle.rssKib()) / (double) held);
            if (histogram) {
                System.out.println("classes that grew most from idle to " + n + " sessions:");
                GatewayMemory.growth(idleClasses, fullClasses, histogramRows, held)
                        .forEach(l -> System.out.println("  " + l));
            }

            List<String> failed = new ArrayList<>();
            if (openAtEnd < n) {
                failed.add(
                        String.format(
                                Locale.ROOT,
                                "only %d of %d sessions open at the end of the hold",
                                openAtEnd,
                                n));
            }
            if (run.hold.completed() == 0) {
                failed.add("no message answered during the hold");
            }
            long errors = run.sessions.errorCount() + run.ramp.errorCount() + run.hold.errorCount();
            if (o.containsKey("max-errors") && errors > num(o, "max-errors", 0)) {
                failed.add(
                        errors
                                + " errors (sessions "
                                + run.sessions.errors()
                                + ", messages "
                                + run.ramp.errors()
                                + " / "
                                + run.hold.errors()
                                + ")");
            }
            if (o.containsKey("max-heap-mib")) {
                double max = num(o, "max-heap-mib", 0);
                if (full.heapUsedKib() < 0 || full.heapUsedKib() / 1024.0 > max) {
                    failed.add(
                            String.format(
                                    Locale.ROOT,
                                    "heap after full GC with %d sessions %.1f MiB > %s MiB",
                                    n,
                                    full.heapUsedKib() / 1024.0,
                                    o.get("max-heap-mib")));
                }
            }
            limit(o, "max-p50-ms", 50, run.hold, failed);
            limit(o, "max-p99-ms", 99, run.hold, failed);
            limit(o, "max-p999-ms", 99.9, run.hold, failed);
            if (failed.isEmpty()) {
                System.out.println("checks   passed");
                return 0;
            }
            failed.forEach(f -> System.out.println("FAILED   " + f));
            return 1;
        } finally {
            if (haven != null) {
                haven.closeAndClean(o.containsKey("keep-data"));
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static void limit(
            Map<String, String> o, String key, double pct, Stats s, List<String> failed) {
        if (o.containsKey(key)) {
            double got = s.percentileMillis(pct);
            if (got > num(o, key, 0)) {
                failed.add(
                        String.format(
                                Locale.ROOT,
                                "%s: p%s %.2f ms > %s ms",
                                s.name,
                                pct == 99.9 ? "99.9" : String.valueOf((int) pct),
                                got,
                                o.get(key)));
            }
        }
    }

    /** The gateway's own count of open web chat sockets, from /metrics; "?" where it has none. */
    private static String gauge(int port) {
        try {
            HttpResponse<String> r =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .timeout(Duration.ofSeconds(10))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("(?m)^haven_webchat_sockets (\\S+)$").matcher(r.body());
            return m.find() ? m.group(1).replaceAll("\\.0$", "") : "?";
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /**
     * Tries one socket more than the run holds: what does the gateway answer (a cap refuses the
     * upgrade)?
     */
    private String oneMore() throws Exception {
        return clients.get(0)
                .connect(port, "127.0.0.1", "/chat/ws")
                .map(
                        ws -> {
                            ws.close();
                            return "accepted (no cap at this count)";
                        })
                .otherwise(
                        err ->
                                err instanceof UpgradeRejectedException u
                                        ? "refused with HTTP " + u.getStatus()
                                        : "failed: " + err.getClass().getSimpleName())
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private void progress(long t0, int gatewayPort) {
        System.out.printf(
                Locale.ROOT,
                "  %4d s  connected %d, sessions open %d (server side %d), dropped %d, messages sent %d answered %d%n",
                (System.nanoTime() - t0) / 1_000_000_000L,
                connected.get(),
                open.get(),
                GatewayMemory.established(gatewayPort),
                dropped.get(),
                ramp.sentCount() + hold.sentCount(),
                ramp.completed() + hold.completed());
    }

    /** Opens the sessions at {@code perSecond}, from a 10 ms tick. */
    private void openAll(int n, double perSecond) {
        for (int i = 0; i < n; i++) {
            all.add(new Held(clients.get(i % clients.size())));
        }
        long start = System.nanoTime();
        int[] next = {0};
        vertx.setPeriodic(
                10,
                id -> {
                    long due =
                            Math.min(n, (long) ((System.nanoTime() - start) / 1e9 * perSecond) + 1);
                    while (next[0] < due) {
                        all.get(next[0]++).open();
                    }
                    if (next[0] >= n) {
                        vertx.cancelTimer(id);
                    }
                });
    }

    private void closeAll() {
        all.forEach(Held::close);
    }

    /** One person's browser tab: a socket, one conversation, an answer every period. */
    private final class Held {
        private final WebSocketClient client;
        private WebSocket ws;
        private final Map<String, Long> pending = new HashMap<>(4);
        private final Map<String, Stats> pendingIn = new HashMap<>(4);
        private int step;
        private int ids;
        private long nextDue;
        private long openedAt;
        private boolean ready;

        Held(WebSocketClient client) {
            this.client = client;
        }

        void open() {
            if (!holding) {
                return;
            }
            openedAt = System.nanoTime();
            client.connect(port, "127.0.0.1", "/chat/ws")
                    .onSuccess(
                            socket -> {
                                ws = socket;
                                connected.incrementAndGet();
                                socket.textMessageHandler(this::onFrame);
                                socket.exceptionHandler(
                                        err ->
                                                sessions.error(
                                                        "socket_"
                                                                + err.getClass().getSimpleName()));
                                socket.closeHandler(
                                        v -> {
                                            if (holding) {
                                                // the server (or the network) ended a conversation
                                                // that should still be going
                                                sessions.error("dropped");
                                                dropped.incrementAndGet();
                                                if (ready) {
                                                    open.decrementAndGet();
                                                }
                                                ready = false;
                                            }
                                        });
                                socket.writeTextMessage("{\"type\":\"start\"}");
                                sessions.sent();
                            })
                    .onFailure(
                            err -> {
                                sessions.error("connect_" + err.getClass().getSimpleName());
                                // as the page does: try again after a pause
                                vertx.setTimer(
                                        1000 + ThreadLocalRandom.current().nextInt(1000),
                                        t -> open());
                            });
        }

        void close() {
            if (ws != null) {
                ws.close();
            }
        }

        private void onFrame(String text) {
            JsonObject f;
            try {
                f = new JsonObject(text);
            } catch (RuntimeException e) {
                current.error("unreadable_frame");
                return;
            }
            switch (f.getString("type", "")) {
                case "session" -> {
                    sessions.done(openedAt);
                    if (!ready) {
                        ready = true;
                        open.incrementAndGet();
                        // the first answer comes at a random point of the period, so that the
                        // messages are spread evenly
                        nextDue =
                                System.nanoTime()
                                        + ThreadLocalRandom.current().nextLong(periodNanos);
                        schedule();
                    }
                }
                case "ack" -> {
                    String id = f.getString("id");
                    Long due = pending.remove(id);
                    Stats in = pendingIn.remove(id);
                    if (due != null && in != null) {
                        in.done(due);
                    }
                }
                case "error" -> {
                    String id = f.getString("id");
                    (id == null ? current : pendingIn.getOrDefault(id, current))
                            .error(f.getString("code", "unknown"));
                    if (id != null) {
                        pending.remove(id);
                        pendingIn.remove(id);
                    }
                }
                default -> {
                    // replies: the dialogue goes on whatever they say
                }
            }
        }

        private void schedule() {
            long delay = Math.max(1, (nextDue - System.nanoTime()) / 1_000_000);
            vertx.setTimer(delay, t -> send());
        }

        private void send() {
            if (!holding || !ready || ws == null) {
                return;
            }
            if (sending) {
                String id = "m" + (++ids);
                Stats in = current;
                pending.put(id, nextDue);
                pendingIn.put(id, in);
                // after the intake, the person keeps writing to the coordinator
                String text =
                        step < SAYS.size()
                                ? SAYS.get(step)
                                : Script.AFTER.get((step - SAYS.size()) % Script.AFTER.size());
                step++;
                ws.writeTextMessage(
                        new JsonObject()
                                .put("type", "message")
                                .put("id", id)
                                .put("text", text)
                                .encode());
                in.sent();
            }
            nextDue += periodNanos;
            schedule();
        }
    }
}
