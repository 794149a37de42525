package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntFunction;

/**
 * The abuse run (issue 18; {@code scripts/abuse.sh}, docs/performance.md): what one client, or a
 * few, can take of a gateway. Starts the packaged gateway behind a trusted proxy address (the
 * driver, on loopback, is the proxy: every client is its own {@code X-Forwarded-For}) with the
 * default limits, and measures:
 *
 * <ul>
 *   <li>the web chat sockets one client can hold, and whether another still gets in;
 *   <li>the conversations one client can open in a minute;
 *   <li>the bytes the gateway queues for clients that never read, and whether it closes them;
 *   <li>a real login's time unloaded and under 60 bogus logins from 60 clients running without
 *       pause, from the browser the account logged in from before (device cookie) and from new
 *       ones;
 *   <li>whether a correct login succeeds after 100 failed ones on the same account from 10 other
 *       clients.
 * </ul>
 *
 * Prints each figure and its bound, and exits 1 when a bound is exceeded.
 */
final class AbuseRun {
    static final int MAX_SOCKETS_PER_CLIENT = 200;
    static final int CONVERSATIONS_PER_MINUTE = 10;

    /** The web chat's queue for one socket (WebChatChannel.MAX_QUEUED) and a frame of slack. */
    static final long QUEUE_PER_SOCKET = 64 * 1024 + 4096;

    private static final int BOGUS = 60;
    private static final int USUAL = 5;
    private static final int NEW = 2;

    private AbuseRun() {}

    static int run(Map<String, String> o, Path jar) throws Exception {
        Map<String, String> env =
                Map.of(
                        "HAVEN_TRUSTED_PROXIES",
                        "127.0.0.1",
                        "HAVEN_WEBCHAT_MAX_SOCKETS_PER_CLIENT",
                        Integer.toString(MAX_SOCKETS_PER_CLIENT),
                        "HAVEN_WEBCHAT_CONVERSATIONS_PER_MINUTE_PER_CLIENT",
                        Integer.toString(CONVERSATIONS_PER_MINUTE));
        System.out.println("starting " + jar + " behind a trusted proxy (127.0.0.1) …");
        HavenProcess haven =
                HavenProcess.start(jar, o.getOrDefault("heap", "512m"), List.of(), env);
        haven.awaitReady(); // warmed up: the warm-up is not measured as load
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        List<String> failed = new ArrayList<>();
        try {
            System.out.printf(
                    Locale.ROOT,
                    "gateway pid %d on 127.0.0.1:%d; %d processors, load average %s%n",
                    haven.pid(),
                    haven.port,
                    Runtime.getRuntime().availableProcessors(),
                    loadAverage());
            InboxLogin admin = InboxLogin.setUp(haven.port, haven.dataDir);
            WebChatAbuse chat = new WebChatAbuse(vertx, haven.port, MAX_SOCKETS_PER_CLIENT + 100);

            WebChatAbuse.Held held =
                    chat.holdSockets("203.0.113.10", MAX_SOCKETS_PER_CLIENT + 60, "203.0.113.11");
            System.out.printf(
                    Locale.ROOT,
                    "sockets        one client opened %d of %d tried (bound %d), the rest answered %d;"
                            + " another client %s%n",
                    held.open(),
                    held.open() + held.refused(),
                    MAX_SOCKETS_PER_CLIENT,
                    held.refusalStatus(),
                    held.otherClientIn() ? "got in" : "was refused");
            check(
                    held.open() <= MAX_SOCKETS_PER_CLIENT,
                    "one client held " + held.open() + " sockets",
                    failed);
            check(held.otherClientIn(), "another client could not open a socket", failed);

            WebChatAbuse.Started started = chat.startConversations("203.0.113.20", 3, 15);
            System.out.printf(
                    Locale.ROOT,
                    "conversations  one client opened %d of %d starts within a minute (bound %d),"
                            + " %d refused (retry after %d s)%n",
                    started.opened(),
                    started.opened() + started.refused(),
                    CONVERSATIONS_PER_MINUTE,
                    started.refused(),
                    started.retryAfter());
            check(
                    started.opened() <= CONVERSATIONS_PER_MINUTE,
                    "one client opened " + started.opened() + " conversations",
                    failed);

            int unreadSockets = 10;
            WebChatAbuse.Unread unread = chat.neverRead("203.0.113.30", unreadSockets, 20_000, 90);
            long closed1008 =
                    Files.readString(haven.log)
                            .lines()
                            .filter(l -> l.contains("event=webchat_slow_reader_closed"))
                            .count();
            System.out.printf(
                    Locale.ROOT,
                    "never reading  %d sockets wrote %d KiB of frames; the gateway queued at most %d KiB"
                            + " (%.1f KiB a socket; bound %d KiB a socket), closed %d of them with 1008, all gone after %.0f s%n",
                    unreadSockets,
                    unread.bytesSent() / 1024,
                    unread.maxQueued() / 1024,
                    unread.maxQueued() / 1024.0 / unreadSockets,
                    QUEUE_PER_SOCKET / 1024,
                    closed1008,
                    unread.closedAfterSeconds());
            System.out.printf(
                    Locale.ROOT,
                    "               so one client holding its %d sockets can make the gateway queue at most"
                            + " %.1f MiB%n",
                    MAX_SOCKETS_PER_CLIENT,
                    MAX_SOCKETS_PER_CLIENT * QUEUE_PER_SOCKET / 1048576.0);
            check(
                    unread.maxQueued() <= unreadSockets * QUEUE_PER_SOCKET,
                    "queued " + unread.maxQueued() + " bytes",
                    failed);
            check(
                    unread.closedAfterSeconds() >= 0,
                    "sockets that never read still open after 90 s",
                    failed);

            InboxLogin.Browser usual = admin.browser("10.1.0.3");
            check(usual.realLogin()[0] == 302, "the usual browser's first login failed", failed);
            for (int i = 0; i < 4; i++) {
                // the gateway's JIT warms up on the login path (right passphrase, wrong code: the
                // same work)
                admin.browser("10.0.1." + (i + 1))
                        .login(InboxLogin.USERNAME, InboxLogin.PASSPHRASE, "000000");
            }
            double[] unloadedUsual = logins(usual, USUAL, null);
            double[] unloadedNew = logins(null, NEW, i -> admin.browser("10.2.0." + (i + 1)));
            System.out.printf(
                    Locale.ROOT,
                    "login          unloaded: usual browser median %.0f ms (%d), new browser median %.0f ms (%d)%n",
                    median(unloadedUsual),
                    unloadedUsual.length,
                    median(unloadedNew),
                    unloadedNew.length);

            AtomicIntegerArray statuses = new AtomicIntegerArray(600);
            AtomicBoolean stop = new AtomicBoolean();
            HttpClient bogus =
                    vertx.createHttpClient(
                            new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(BOGUS + 4));
            for (int k = 0; k < BOGUS; k++) {
                int client = k;
                // on a Vert.x context, so that an answer is never lost between the chain's steps
                vertx.runOnContext(v -> flood(bogus, haven.port, client, 0, statuses, stop));
            }
            Thread.sleep(1500);
            long phase0 = System.nanoTime();
            long gatewayCpu0 = haven.cpuMillis()[0];
            Map<String, Long> threads0 = threadTicks(haven.pid());
            long driverCpu0 = driverCpuMillis();
            double[] loadedUsual = logins(usual, USUAL, null);
            double[] loadedNew = logins(null, NEW, i -> admin.browser("10.3.0." + (i + 1)));
            double phaseMillis = (System.nanoTime() - phase0) / 1e6;
            long gatewayCpu = haven.cpuMillis()[0] - gatewayCpu0;
            long driverCpu = driverCpuMillis() - driverCpu0;
            Map<String, Long> threads = threadTicks(haven.pid());
            stop.set(true);
            Thread.sleep(1000);
            double ratio = median(loadedUsual) / median(unloadedUsual);
            System.out.printf(
                    Locale.ROOT,
                    "login          under %d bogus logins from %d clients: usual browser median %.0f ms,"
                            + " ratio %.2f (bound 2); new browser median %.0f ms (%d of %d logged in); bogus answers 401=%d 429=%d 503=%d%n",
                    BOGUS,
                    BOGUS,
                    median(loadedUsual),
                    ratio,
                    median(loadedNew),
                    loadedNew.length,
                    NEW,
                    statuses.get(401),
                    statuses.get(429),
                    statuses.get(503));
            System.out.printf(
                    Locale.ROOT,
                    "               meanwhile the gateway used %.0f%% of one core and this driver (the bogus"
                            + " clients) %.0f%%, of %d; load average %s%n",
                    100 * gatewayCpu / phaseMillis,
                    100 * driverCpu / phaseMillis,
                    Runtime.getRuntime().availableProcessors() * 100,
                    loadAverage());
            System.out.println(
                    "               busiest gateway threads: "
                            + busiest(threads0, threads, phaseMillis));
            check(
                    loadedUsual.length == USUAL,
                    "the usual browser was turned away under load",
                    failed);
            check(
                    ratio <= 2,
                    String.format(
                            Locale.ROOT, "a real login took %.2f times its unloaded time", ratio),
                    failed);

            int[] failures = new int[600];
            for (int c = 0; c < 10; c++) {
                InboxLogin.Browser guesser = admin.browser("10.5.0." + (c + 1));
                for (int i = 0; i < 10; i++) {
                    failures[
                            guesser.login(
                                            InboxLogin.USERNAME,
                                            "wrong guess " + c + "-" + i,
                                            "123456")
                                    .statusCode()]++;
                }
            }
            long[] usualAfter = usual.realLogin();
            long[] newAfter = admin.browser("10.6.0.1").realLogin();
            System.out.printf(
                    Locale.ROOT,
                    "lockout        after 100 failed logins on the account from 10 other clients (%d checked,"
                            + " %d refused 429): the usual browser's correct login answered %d (%s), a new browser's %d%n",
                    failures[401],
                    failures[429],
                    usualAfter[0],
                    usualAfter[0] == 302 ? "logged in" : "refused",
                    newAfter[0]);
            check(
                    usualAfter[0] == 302,
                    "a correct login failed after 100 failures from other clients",
                    failed);
        } finally {
            haven.closeAndClean(o.containsKey("keep-data"));
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
        return HavenProcess.verdict(failed);
    }

    /**
     * CPU ticks (1/100 s) of each thread of a process, by thread name and id, from /proc; empty
     * where unknown.
     */
    private static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name =
                            Files.readString(task.resolve("comm")).strip()
                                    + "#"
                                    + task.getFileName();
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.put(name, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime + stime
                } catch (IOException | RuntimeException gone) {
                    // the thread ended
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return out;
    }

    /**
     * The three threads that used the most CPU between two samples, with their share of one core.
     */
    private static String busiest(
            Map<String, Long> before, Map<String, Long> after, double millis) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3)
                .map(
                        e ->
                                String.format(
                                        Locale.ROOT,
                                        "%s %.0f%%",
                                        e.getKey(),
                                        1000.0 * e.getValue() / millis))
                .reduce((a, b) -> a + ", " + b)
                .orElse("?");
    }

    /**
     * The machine's 1-minute load average (other work on the same cores shows in it), "?" where
     * unknown.
     */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long driverCpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    /** One bogus client's logins, one after another without pause, until {@code stop}. */
    private static void flood(
            HttpClient http,
            int port,
            int k,
            int n,
            AtomicIntegerArray statuses,
            AtomicBoolean stop) {
        if (stop.get()) {
            return;
        }
        String body = "username=ghost-" + k + "&passphrase=bogus+guess+" + n + "&code=123456";
        http.request(
                        new RequestOptions()
                                .setMethod(HttpMethod.POST)
                                .setHost("127.0.0.1")
                                .setPort(port)
                                .setURI("/inbox/login")
                                .addHeader("X-Forwarded-For", "10.4.0." + (k + 1))
                                .addHeader("Content-Type", "application/x-www-form-urlencoded"))
                .compose(r -> r.send(body))
                .compose(r -> r.body().map(b -> r.statusCode()))
                .onComplete(
                        ar -> {
                            statuses.incrementAndGet(
                                    ar.succeeded() ? Math.min(ar.result(), 599) : 599);
                            flood(http, port, k, n + 1, statuses, stop);
                        });
    }

    /**
     * {@code count} real logins, from {@code browser} or each from a new one; the times of those
     * that logged in, in ms.
     */
    private static double[] logins(
            InboxLogin.Browser browser, int count, IntFunction<InboxLogin.Browser> fresh)
            throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long[] r = (browser != null ? browser : fresh.apply(i)).realLogin();
            if (r[0] == 302) {
                times.add((double) r[1]);
            }
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void check(boolean ok, String problem, List<String> failed) {
        if (!ok) {
            failed.add(problem);
        }
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
