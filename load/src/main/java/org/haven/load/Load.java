package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The load driver: {@code java -jar load/target/haven-load.jar [options]} (see
 * docs/performance.md). Starts the packaged gateway on loopback with a throw-away data dir (or
 * attaches to one already running with {@code --url}), runs web chat sockets and signed SMS
 * webhooks for a bounded time, prints throughput and latency percentiles, and exits 1 when a check
 * it was asked for fails. Traffic goes to loopback only.
 */
public final class Load {
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");
    // fictional Twilio account for the gateway the driver starts; its token signs the webhooks
    private static final String ACCOUNT = "AC" + "0123456789abcdef0123456789abcdef";
    static final String TOKEN = "load-test-token-not-a-secret-0001";

    private Load() {}

    // Vert.x logs dropped connections (expected while a gateway is killed) through
    // java.util.logging
    private static final Logger VERTX_LOG = Logger.getLogger("io.vertx");

    public static void main(String[] args) throws Exception {
        VERTX_LOG.setLevel(Level.OFF);
        // SLF4J is on the classpath (for the outage run's PostgreSQL) without a binding: no warning
        // about it
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        Map<String, String> o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        if (o.containsKey("help")) {
            usage();
            return;
        }
        System.exit(run(o));
    }

    private static void usage() {
        System.err.println(
                """
                usage: load.sh [--jar gateway/target/haven.jar | --url http://127.0.0.1:PORT]
                               [--rate 50] [--sockets N] [--lockstep] [--sms-rate 0] [--seconds 30] [--warmup 5] [--driver-warmup 10] [--phrases-ready N] [--heap 512m] [--jvm-opts "-Xlog:gc:/tmp/gc.log"]
                               [--pgbench scripts/pgbench-message.sh] [--pgbench-clients 8] [--busy-cores 1]
                               [--max-p50-ms X] [--max-p99-ms X] [--max-p999-ms X] [--min-throughput 0.95] [--max-errors N] [--min-ratio 0.8]
                               [--twilio-account AC… --public-url URL]   (attached; the token comes from HAVEN_TWILIO_AUTH_TOKEN)
                  --rate      web chat messages a second over all sockets (0: none); each socket sends at most 2.5/s
                              (the server allows 30 frames in 10 s per socket), so --sockets defaults to rate/2
                  --lockstep  every socket's first conversation is a whole intake, so that all reach the hand-off
                              in the same half second of every cycle (by default the first ones are cut short at
                              staggered points, and hand-offs fall evenly over the cycle, as people's would)
                  --phrases-ready N  after ready, waits until the gateway has N resume phrases of its default
                              language prepared (its reserve, HAVEN_RESUME_PHRASES_PREPARED), as a gateway that has
                              run a while has: a surge measured against a full reserve
                  --driver-warmup  seconds the driver first runs its own web chat client against an in-process
                              echo, before it starts the gateway (default 10; 0: none), so that a cold gateway's
                              first seconds are not measured through a cold driver
                  --sms-rate  inbound SMS webhooks a second (0: none); skipped when the gateway answers 404 there
                  --sms-send-rate  the started gateway's Twilio sending limit a second (default 1000)
                  --busy-cores N  stress-ng --cpu N beside the gateway for the whole run, start included (a busy machine)
                  --min-ratio R  with --pgbench: fails when the gateway's steps/s are below R times pgbench's transactions/s
                  --crash N   crash-safety run: SMS load (--sms-rate, default 50), the gateway killed N times (see docs)
                  --outage N  outage run: SMS load (--sms-rate, default 40) on a PostgreSQL of its own, stopped for N seconds (see docs)
                  --sessions N  hold N web chat conversations open at once (--ramp 100/s, --rate N/100 msg/s, --heap 1g,
                              --deflate on|off, --source-ips K, --histogram ROWS, --max-heap-mib X; see docs and scripts/sessions.sh)
                  --abuse     what one client can take: sockets, conversations, queued bytes, logins under 60 bogus ones,
                              a login after 100 failures (see docs and scripts/abuse.sh)""");
    }

    /**
     * Waits until the gateway has {@code want} resume phrases of its default language prepared (at
     * most 5 minutes): a surge that meets a gateway whose reserve is full.
     */
    private static void awaitPhrases(String host, int port, int want) throws InterruptedException {
        StepCounts counts = new StepCounts(host, port, System.getenv("HAVEN_METRICS_TOKEN"));
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(5);
        StepCounts.Reading r = counts.read();
        while ((r == null || r.phrasesPrepared() < want) && System.nanoTime() < deadline) {
            Thread.sleep(500);
            r = counts.read();
        }
        System.out.printf(
                Locale.ROOT,
                "phrases  %.0f resume phrases prepared (asked for %d) after %d ms more%n",
                r == null ? 0 : r.phrasesPrepared(),
                want,
                (System.nanoTime() - t0) / 1_000_000);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        Set<String> flags = Set.of("help", "keep-data", "abuse", "lockstep");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected " + args[i]);
            }
            String k = args[i].substring(2);
            if (flags.contains(k) || k.equals("h")) {
                o.put(k.equals("h") ? "help" : k, "true");
            } else if (i + 1 < args.length) {
                o.put(k, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + k + " needs a value");
            }
        }
        return o;
    }

    private static double num(Map<String, String> o, String k, double dflt) {
        String v = o.get(k);
        return v == null ? dflt : Double.parseDouble(v);
    }

    static int run(Map<String, String> o) throws Exception {
        if (o.containsKey("abuse")) {
            return AbuseRun.run(o, Path.of(o.getOrDefault("jar", "gateway/target/haven.jar")));
        }
        if (o.containsKey("sessions")) {
            return SessionsRun.run(o, Path.of(o.getOrDefault("jar", "gateway/target/haven.jar")));
        }
        double rate = num(o, "rate", 50);
        double smsRate = num(o, "sms-rate", 0);
        int seconds = (int) num(o, "seconds", 30);
        int warmup = (int) num(o, "warmup", 5);
        if (seconds < 1
                || seconds > 3600
                || warmup < 0
                || warmup > 600
                || rate < 0
                || smsRate < 0) {
            System.err.println("load: --seconds 1..3600, --warmup 0..600, rates >= 0");
            return 2;
        }
        int sockets = rate == 0 ? 0 : (int) num(o, "sockets", Math.max(1, Math.ceil(rate / 2)));
        if (sockets > 0 && rate / sockets > 2.5) {
            System.err.println(
                    "load: more than 2.5 messages/s per socket would hit the server's rate limit; raise --sockets");
            return 2;
        }

        if (o.containsKey("crash")) {
            return CrashRun.run(
                    o,
                    Path.of(o.getOrDefault("jar", "gateway/target/haven.jar")),
                    ACCOUNT,
                    TOKEN,
                    smsRate == 0 ? 50 : smsRate,
                    seconds,
                    (int) num(o, "crash", 3));
        }
        if (o.containsKey("outage")) {
            int outage = (int) num(o, "outage", 30);
            if (outage < 1 || outage > 600) {
                System.err.println("load: --outage 1..600 seconds");
                return 2;
            }
            return OutageRun.run(
                    o,
                    Path.of(o.getOrDefault("jar", "gateway/target/haven.jar")),
                    ACCOUNT,
                    TOKEN,
                    smsRate == 0 ? 40 : smsRate,
                    o.containsKey("seconds") ? seconds : 20,
                    outage);
        }
        BusyCores busy = null;
        if (o.containsKey("busy-cores")) {
            busy = BusyCores.start((int) num(o, "busy-cores", 1));
            System.out.println(
                    "busy: stress-ng --cpu " + o.get("busy-cores") + " runs for the whole run");
        }
        try {
            return measure(o, rate, smsRate, seconds, warmup, sockets, busy);
        } finally {
            if (busy != null) {
                busy.close();
            }
        }
    }

    private static int measure(
            Map<String, String> o,
            double rate,
            double smsRate,
            int seconds,
            int warmup,
            int sockets,
            BusyCores busy)
            throws Exception {
        HavenProcess haven = null;
        String host;
        int port;
        String account = o.getOrDefault("twilio-account", ACCOUNT);
        String token = TOKEN;
        String publicUrl;
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        FakeTwilioApi twilio = null;
        try {
            if (o.containsKey("url")) {
                URI u = URI.create(o.get("url"));
                host = u.getHost();
                port = u.getPort();
                if (host == null || !LOOPBACK.contains(host) || port <= 0) {
                    System.err.println("load: --url must be http://127.0.0.1:PORT (loopback only)");
                    return 2;
                }
                token = System.getenv().getOrDefault("HAVEN_TWILIO_AUTH_TOKEN", "");
                publicUrl = o.getOrDefault("public-url", "http://" + host + ":" + port);
            } else {
                twilio = FakeTwilioApi.start(vertx, ACCOUNT);
                Map<String, String> env =
                        twilio.gatewayEnv(ACCOUNT, TOKEN, o.getOrDefault("sms-send-rate", "1000"));
                Path jar = Path.of(o.getOrDefault("jar", "gateway/target/haven.jar"));
                System.out.println(
                        "starting " + jar + " (heap " + o.getOrDefault("heap", "512m") + ") …");
                long t0 = System.nanoTime();
                List<String> jvmOptions =
                        o.containsKey("jvm-opts")
                                ? List.of(o.get("jvm-opts").trim().split("\\s+"))
                                : List.of();
                int driverWarmUp = (int) num(o, "driver-warmup", 10);
                if (driverWarmUp > 0 && sockets > 0) {
                    // the driver's code warm before the gateway's first second is measured
                    DriverWarmUp.run(vertx, sockets, rate, driverWarmUp);
                    System.out.printf(
                            Locale.ROOT,
                            "driver warmed up for %d s against an in-process echo (--driver-warmup 0: not)%n",
                            driverWarmUp);
                }
                haven = HavenProcess.start(jar, o.getOrDefault("heap", "512m"), jvmOptions, env);
                long up = System.nanoTime();
                haven.awaitReady(); // warmed up: what a proxy's health check waits for
                System.out.printf(
                        Locale.ROOT,
                        "gateway pid %d on 127.0.0.1:%d, up in %d ms, ready (warm) %d ms later%n",
                        haven.pid(),
                        haven.port,
                        (up - t0) / 1_000_000,
                        (System.nanoTime() - up) / 1_000_000);
                host = "127.0.0.1";
                port = haven.port;
                publicUrl = "http://127.0.0.1:" + port;
            }
            if (o.containsKey("phrases-ready")) {
                awaitPhrases(host, port, (int) num(o, "phrases-ready", 0));
            }

            SmsLoad sms = null;
            if (smsRate > 0) {
                int probe = SmsLoad.probe(vertx, host, port);
                if (probe == 404) {
                    System.out.println(
                            "sms: "
                                    + SmsLoad.PATH
                                    + " answers 404 (no SMS channel in this gateway): SMS load skipped");
                } else if (token.isEmpty()) {
                    System.out.println(
                            "sms: attached without HAVEN_TWILIO_AUTH_TOKEN: SMS load skipped");
                } else {
                    sms = new SmsLoad(vertx, host, port, account, token, publicUrl, smsRate);
                }
            }
            WebChatLoad chat =
                    sockets > 0
                            ? new WebChatLoad(
                                    vertx, host, port, sockets, rate, o.containsKey("lockstep"))
                            : null;
            System.out.printf(
                    Locale.ROOT,
                    "load: web chat %.1f msg/s over %d sockets, sms %.1f/s, %d s warm-up + %d s measured%n",
                    chat == null ? 0 : rate,
                    sockets,
                    sms == null ? 0 : smsRate,
                    warmup,
                    seconds);
            if (chat != null) {
                chat.start();
            }
            if (sms != null) {
                sms.start();
            }
            Thread.sleep(warmup * 1000L);
            long deliveredBefore = twilio == null ? 0 : twilio.delivered.get();
            long[] cpuBefore = haven == null ? null : haven.cpuMillis();
            if (chat != null) {
                chat.measure();
            }
            if (sms != null) {
                sms.stats.measure();
            }
            GcPauses gc = new GcPauses(host, port, System.getenv("HAVEN_METRICS_TOKEN"));
            gc.start();
            StepCounts stepCounts =
                    new StepCounts(host, port, System.getenv("HAVEN_METRICS_TOKEN"));
            StepCounts.Reading stepsBefore = stepCounts.read();
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                gc.tick();
                if (haven != null && !haven.alive()) {
                    System.out.println("the gateway died during the run; see " + haven.log);
                    return 1;
                }
                if (busy != null && !busy.alive()) {
                    System.out.println("stress-ng ended during the run: not a busy machine");
                    return 1;
                }
            }
            long[] cpuAfter = haven == null ? null : haven.cpuMillis();
            StepCounts.Reading stepsAfter = stepCounts.read();
            String memory = haven == null ? null : haven.memory();
            if (chat != null) {
                chat.stop();
            }
            if (sms != null) {
                sms.stop();
            }
            long delivered = twilio == null ? 0 : twilio.delivered.get() - deliveredBefore;
            Thread.sleep(1000); // let answers in flight arrive; they are no longer counted

            System.out.println();
            List<Stats> all = new ArrayList<>();
            if (chat != null) {
                all.add(chat.messages);
                all.add(chat.sessions);
            }
            if (sms != null) {
                all.add(sms.stats);
            }
            all.forEach(s -> System.out.println(s.report()));
            for (Stats s : all) {
                if (s.completed() > 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "%-8s slowest seconds: %s%n%-8s p99 per 10 s: %s%n",
                            s.name,
                            s.worstSeconds(6, gc::millisIn),
                            s.name,
                            s.windowP99s());
                }
            }
            System.out.println(gc.report());
            if (sms != null) {
                System.out.printf(
                        Locale.ROOT,
                        "sms out  replies delivered to the fake Twilio while measuring: %d (%.1f/s)%n",
                        delivered,
                        delivered / (double) seconds);
            }
            if (memory != null) {
                System.out.println("gateway  " + memory);
            }
            double total =
                    all.stream()
                            .filter(s -> !s.name.equals("session"))
                            .mapToDouble(Stats::throughput)
                            .sum();
            System.out.printf(Locale.ROOT, "total    %.1f dialogue steps/s%n", total);
            String committedSteps = StepCounts.report(stepsBefore, stepsAfter, seconds);
            double committedPerSecond = StepCounts.perSecond(stepsBefore, stepsAfter, seconds);
            if (committedSteps != null) {
                System.out.println(committedSteps);
            }
            double steps = total * seconds;
            double jvmPerStep = -1;
            double dbPerStep = -1;
            if (cpuBefore != null && cpuBefore[0] >= 0 && steps > 0) {
                // CPU per step does not depend on how much of the machine the gateway got:
                // comparable across runs
                jvmPerStep = (cpuAfter[0] - cpuBefore[0]) / steps;
                dbPerStep = cpuBefore[1] < 0 ? -1 : (cpuAfter[1] - cpuBefore[1]) / steps;
                System.out.printf(
                        Locale.ROOT,
                        "cpu      gateway JVM %.2f ms/step, PostgreSQL %.2f ms/step (%.0f%% and %.0f%% of one core)%n",
                        jvmPerStep,
                        dbPerStep,
                        (cpuAfter[0] - cpuBefore[0]) / (seconds * 10.0),
                        (cpuAfter[1] - cpuBefore[1]) / (seconds * 10.0));
                if (committedPerSecond > 0) {
                    double committed = committedPerSecond * seconds;
                    System.out.printf(
                            Locale.ROOT,
                            "cpu      per committed step: gateway JVM %.2f ms, PostgreSQL %.2f ms%n",
                            (cpuAfter[0] - cpuBefore[0]) / committed,
                            cpuBefore[1] < 0 ? -1 : (cpuAfter[1] - cpuBefore[1]) / committed);
                }
            }

            double ratio = Double.NaN;
            if (o.containsKey("pgbench") && haven != null) {
                int dbPort =
                        haven.databasePort()
                                .orElseThrow(
                                        () ->
                                                new IllegalStateException(
                                                        "no embedded database port"));
                int clients = (int) num(o, "pgbench-clients", 8);
                boolean outbox = sms != null;
                // pgbench gets the database alone: the gateway (its outbox may still be working
                // through a backlog) is paused with SIGSTOP for the run and resumed after it
                Thread.sleep(1000);
                haven.signal("STOP");
                long dbBefore = haven.cpuMillis()[1];
                double tps;
                try {
                    tps =
                            Pgbench.run(
                                    Path.of(o.get("pgbench")),
                                    dbPort,
                                    haven.databasePassword(),
                                    seconds,
                                    clients,
                                    outbox);
                } finally {
                    haven.signal("CONT");
                }
                long dbAfter = haven.cpuMillis()[1];
                System.out.printf(
                        Locale.ROOT,
                        "pgbench  %.1f tps (same PostgreSQL, %d clients, outbox insert %s)%n",
                        tps,
                        clients,
                        outbox ? "on" : "off");
                ratio = total / tps;
                System.out.printf(
                        Locale.ROOT,
                        "ratio    gateway/pgbench = %.3f (%.1f / %.1f)%n",
                        total / tps,
                        total,
                        tps);
                if (committedPerSecond > 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "ratio    committed steps/pgbench = %.3f (%.1f / %.1f)%n",
                            committedPerSecond / tps,
                            committedPerSecond,
                            tps);
                }
                if (dbBefore >= 0 && dbPerStep >= 0) {
                    // seeding and clean-up are inside the window: a slight overestimate of
                    // PostgreSQL's cost per transaction
                    double dbPerTx = (dbAfter - dbBefore) / (tps * seconds);
                    System.out.printf(
                            Locale.ROOT,
                            "ratio    CPU per message: gateway JVM + PostgreSQL %.2f ms vs pgbench's PostgreSQL %.2f ms"
                                    + " = %.1fx; steps per CPU-second %.0f vs %.0f = %.3f%n",
                            jvmPerStep + dbPerStep,
                            dbPerTx,
                            (jvmPerStep + dbPerStep) / dbPerTx,
                            1000 / (jvmPerStep + dbPerStep),
                            1000 / dbPerTx,
                            dbPerTx / (jvmPerStep + dbPerStep));
                }
            }
            double offered =
                    all.stream()
                            .filter(x -> !x.name.equals("session"))
                            .mapToDouble(x -> x.sentCount() / x.seconds())
                            .sum();
            return check(o, all, offered, total, ratio);
        } finally {
            if (haven != null) {
                haven.closeAndClean(o.containsKey("keep-data"));
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static int check(
            Map<String, String> o, List<Stats> all, double offered, double total, double ratio) {
        List<String> failed = new ArrayList<>();
        for (Stats s : all) {
            if (s.name.equals("session")) {
                continue;
            }
            if (s.completed() == 0) {
                failed.add(s.name + ": nothing answered");
            }
            limit(o, "max-p50-ms", s, 50, failed);
            limit(o, "max-p99-ms", s, 99, failed);
            limit(o, "max-p999-ms", s, 99.9, failed);
            if (o.containsKey("max-errors") && s.errorCount() > num(o, "max-errors", 0)) {
                failed.add(s.name + ": " + s.errorCount() + " errors " + s.errors());
            }
        }
        if (o.containsKey("min-throughput") && total < offered * num(o, "min-throughput", 0)) {
            failed.add(
                    String.format(
                            Locale.ROOT,
                            "throughput %.1f/s below %s of the %.1f/s sent",
                            total,
                            o.get("min-throughput"),
                            offered));
        }
        if (o.containsKey("min-ratio")) {
            if (Double.isNaN(ratio)) {
                failed.add("no ratio to check: --min-ratio needs --pgbench on a started gateway");
            } else if (ratio < num(o, "min-ratio", 0)) {
                failed.add(
                        String.format(
                                Locale.ROOT,
                                "ratio gateway/pgbench %.3f below %s",
                                ratio,
                                o.get("min-ratio")));
            }
        }
        if (failed.isEmpty()) {
            System.out.println("checks   passed");
            return 0;
        }
        failed.forEach(f -> System.out.println("FAILED   " + f));
        return 1;
    }

    private static void limit(
            Map<String, String> o, String key, Stats s, double pct, List<String> failed) {
        if (o.containsKey(key)) {
            double max = num(o, key, 0);
            double got = s.percentileMillis(pct);
            if (got > max) {
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
}
