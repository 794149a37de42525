package org.haven.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.haven.gateway.store.DatabaseFigures;
import org.haven.gateway.store.Db;

/**
 * Haven's Prometheus metrics at {@code /metrics}. Labels are channel names, statuses, working
 * groups, HTTP methods, route templates (as written in the code: {@code /inbox/cases/:id}), status
 * classes and results: never anything a person wrote, an address or an id. Latencies are histograms
 * with the buckets {@link #BUCKETS} (1 ms to 10 s). The process's own figures (JVM, CPU, files,
 * uptime, the data dir's disk, the database pool) come with it.
 *
 * <p>Database-wide figures (outbox depth and age, case queues) are the same on every gateway of a
 * cluster, so only one exports them: the one that {@linkplain #startPolling holds the reporter
 * lock}; the others export none of those series and {@code haven_database_reporter 0}, so a {@code
 * sum} over the gateways is the database's figure. They come from a query every {@link #POLL_MS}
 * ms, not one per scrape.
 */
public final class HavenMetrics {
    /** Metrics that go nowhere, for parts built without a registry (tools, tests). */
    public static final HavenMetrics NONE = new HavenMetrics(new CompositeMeterRegistry(), null);

    /** The histogram buckets of every latency: 1 ms to 10 s. */
    static final Duration[] BUCKETS =
            LongStream.of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
                    .mapToObj(Duration::ofMillis)
                    .toArray(Duration[]::new);

    static final long POLL_MS = 15_000;

    /** Where in a request's context the instrumenting route leaves these metrics ({@link #of}). */
    private static final String CONTEXT_KEY = "haven.metrics";

    /** The route label of a request no route matched (a 404): its path is not a label. */
    static final String UNMATCHED = "unmatched";

    private final MeterRegistry registry;
    // meters on the path of every message, looked up once per tag combination
    private final Map<String, Counter> meters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** What {@link #counter} reads, held here for as long as the registry. */
    private final List<Supplier<Number>> counted = new CopyOnWriteArrayList<>();

    private final PrometheusMeterRegistry prometheus;
    private final MultiGauge outboxDepth;
    private final MultiGauge outboxOldest;
    private final MultiGauge queueDepth;
    private final AtomicInteger reporter = new AtomicInteger();
    private final DistributionSummary stepBatches;
    private final List<AutoCloseable> binders = new ArrayList<>();
    private long poller = -1;
    private volatile Db polled;
    private volatile Supplier<Future<Boolean>> pollReporter;

    private HavenMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.outboxDepth =
                MultiGauge.builder("haven.outbox.depth")
                        .description(
                                "Messages waiting in the outbox (pending), database-wide: exported by the reporter only")
                        .register(registry);
        this.outboxOldest =
                MultiGauge.builder("haven.outbox.oldest.pending")
                        .baseUnit("seconds")
                        .description(
                                "Age of the oldest pending outbox message not waiting for its recipient to come back;"
                                        + " 0 when none: exported by the reporter only")
                        .register(registry);
        this.queueDepth =
                MultiGauge.builder("haven.cases.queue.depth")
                        .description(
                                "Open cases by status and working group, database-wide: exported by the reporter only")
                        .register(registry);
        this.stepBatches =
                DistributionSummary.builder("haven.step.batch.size")
                        .description(
                                "Dialogue steps committed by each transaction that several steps"
                                        + " may share (HAVEN_STEP_BATCH above 1)")
                        .serviceLevelObjectives(1, 2, 4, 8, 16, 32)
                        .register(registry);
        // from 0, so that Prometheus's increase() sees the first one
        loginCounter("failed");
        loginCounter("throttled");
        List.of("team", "agency", "account").forEach(this::keyRejections);
        Gauge.builder("haven.database.reporter", reporter, AtomicInteger::get)
                .description("1 on the one gateway that exports the database-wide figures")
                .register(registry);
    }

    /** A fresh Prometheus registry, with the JVM's and the process's own metrics. */
    public static HavenMetrics prometheus() {
        PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HavenMetrics m = new HavenMetrics(p, p);
        new JvmMemoryMetrics().bindTo(p);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(p);
        m.binders.add(gc); // it listens to the JVM's GC notifications until closed
        new JvmThreadMetrics().bindTo(p);
        new ClassLoaderMetrics().bindTo(p);
        new ProcessorMetrics().bindTo(p);
        new UptimeMetrics().bindTo(p);
        new FileDescriptorMetrics().bindTo(p);
        return m;
    }

    /**
     * The free and total space of the disk that holds {@code dir} (the data dir, and with it the
     * spool).
     */
    public void disk(Path dir) {
        new DiskSpaceMetrics(dir.toFile()).bindTo(registry);
    }

    /**
     * What to build the Vert.x instance with ({@code Vertx.builder().withMetrics(...)}, metrics
     * enabled in its options) so that the database pool's use is measured.
     */
    public VertxMetricsFactory vertxMetrics() {
        return new PoolMeters(registry);
    }

    /** A value read at each scrape (cheap to read: no query, no lock). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A count that only grows, read at each scrape (cheap to read). */
    public void counter(String name, String description, Supplier<Number> value) {
        // Micrometer holds a function counter's object weakly: a method reference passed here
        // would be collected at the next GC, and the counter would stop at its last reading
        counted.add(value);
        FunctionCounter.builder(name, value, v -> v.get().doubleValue())
                .description(description)
                .register(registry);
    }

    /** The Prometheus page as a scrape gets it ("" without a Prometheus registry). */
    String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    /** A message came in on a channel. */
    public void messageIn(String channel) {
        count("in:" + channel, () -> messagesIn(channel));
    }

    /** The outbox finished a message: {@code result} is sent, failed or expired. */
    public void messageOut(String channel, String result) {
        count(
                "out:" + channel + ":" + result,
                () ->
                        Counter.builder("haven.messages.out")
                                .description("Outbound messages by result")
                                .tag("channel", channel)
                                .tag("result", result));
    }

    /**
     * One attempt to hand a message to a channel's provider took {@code nanos}: {@code result} is
     * {@code sent} or the kind of failure ({@code retryable}, {@code rate_limited}, ...).
     */
    public void send(String channel, String result, long nanos) {
        timers.computeIfAbsent(
                        "send:" + channel + ":" + result,
                        k ->
                                Timer.builder("haven.outbox.send")
                                        .description("Outbox send attempts by channel and result")
                                        .tag("channel", channel)
                                        .tag("result", result)
                                        .serviceLevelObjectives(BUCKETS)
                                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * A key record failed verification and is not used ({@code kind}: team, agency, account or
     * group); counted once per distinct bad record on each gateway.
     */
    public void keyRejected(String kind) {
        keyRejections(kind).increment();
    }

    private Counter keyRejections(String kind) {
        return meters.computeIfAbsent(
                "key_rejected:" + kind,
                k ->
                        Counter.builder("haven.keys.rejected")
                                .description(
                                        "Key records that failed verification and are never used")
                                .tag("kind", kind)
                                .register(registry));
    }

    /** An inbox login was refused: wrong passphrase, second factor or username. */
    public void loginFailed() {
        login("failed");
    }

    /** An inbox login was not even checked: too many failures (the login throttle). */
    public void loginThrottled() {
        login("throttled");
    }

    private void login(String reason) {
        loginCounter(reason).increment();
    }

    private Counter loginCounter(String reason) {
        return meters.computeIfAbsent(
                "login:" + reason,
                k ->
                        Counter.builder("haven.login.failures")
                                .description(
                                        "Inbox logins refused (failed) or not checked (throttled)")
                                .tag("reason", reason)
                                .register(registry));
    }

    /**
     * A channel serves on this gateway: its count of messages in is exported from 0, so that rates
     * and "no traffic" work.
     */
    public void channelEnabled(String channel) {
        meters.computeIfAbsent("in:" + channel, k -> messagesIn(channel).register(registry));
    }

    private static Counter.Builder messagesIn(String channel) {
        return Counter.builder("haven.messages.in")
                .description("Messages received")
                .tag("channel", channel);
    }

    private void count(String key, Supplier<Counter.Builder> builder) {
        meters.computeIfAbsent(key, k -> builder.get().register(registry)).increment();
    }

    /**
     * The metrics of the gateway serving this request ({@link #NONE} outside an instrumented
     * router).
     */
    public static HavenMetrics of(RoutingContext ctx) {
        HavenMetrics m = ctx.get(CONTEXT_KEY);
        return m == null ? NONE : m;
    }

    /** Times one dialogue step (from receipt to commit). */
    public Timer.Sample startStep() {
        return Timer.start(registry);
    }

    /** Ends the timing of a dialogue step. */
    public void endStep(Timer.Sample sample, String channel, boolean ok) {
        sample.stop(
                timers.computeIfAbsent(
                        "step:" + channel + (ok ? ":ok" : ":error"),
                        k ->
                                Timer.builder("haven.dialogue.step")
                                        .description("Dialogue step latency")
                                        .tag("channel", channel)
                                        .tag("outcome", ok ? "ok" : "error")
                                        .serviceLevelObjectives(BUCKETS)
                                        .register(registry)));
    }

    /** A transaction of grouped dialogue steps committed {@code steps} of them. */
    public void stepBatch(int steps) {
        stepBatches.record(steps);
    }

    /**
     * Times every HTTP request by method, route template, and status class; leaves these metrics in
     * the request's context ({@link #of}). Mount first.
     */
    public void instrument(Router router) {
        Route instrumenting = router.route().order(-10_000);
        instrumenting.handler(
                ctx -> {
                    long t0 = System.nanoTime();
                    ctx.put(CONTEXT_KEY, this);
                    ctx.addEndHandler(
                            v -> {
                                String route = route(ctx.currentRoute(), instrumenting);
                                String method = ctx.request().method().name();
                                String status = (ctx.response().getStatusCode() / 100) + "xx";
                                timers.computeIfAbsent(
                                                "http:" + method + ":" + route + ":" + status,
                                                k ->
                                                        Timer.builder("haven.http.requests")
                                                                .description("HTTP request latency")
                                                                .tag("method", method)
                                                                .tag("route", route)
                                                                .tag("status", status)
                                                                .serviceLevelObjectives(BUCKETS)
                                                                .register(registry))
                                        .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
                            });
                    ctx.next();
                });
    }

    /**
     * The label of the route that answered: its template as the code wrote it (a fixed set; a
     * parameter stays {@code :id}), or {@link #UNMATCHED} when only the instrumenting route saw the
     * request (or a route without a path: no route of its own answered). A route given by a regular
     * expression is {@code regex}, never the path.
     */
    static String route(Route answered, Route instrumenting) {
        if (answered == null || answered == instrumenting) {
            return UNMATCHED;
        }
        // a template with parameters is matched by a regular expression Vert.x makes, but keeps its
        // path
        String template = answered.getPath();
        return template != null ? template : answered.isRegexPath() ? "regex" : UNMATCHED;
    }

    /** Serves {@code /metrics}, behind a bearer token if one is set. */
    public void mount(Router router, Optional<String> token) {
        router.get("/metrics")
                .handler(
                        ctx -> {
                            if (token.isPresent() && !authorised(ctx, token.get())) {
                                ctx.response()
                                        .setStatusCode(401)
                                        .putHeader("WWW-Authenticate", "Bearer")
                                        .end();
                                return;
                            }
                            String body = scrape();
                            ctx.response()
                                    .putHeader(
                                            "Content-Type",
                                            "text/plain; version=0.0.4; charset=utf-8")
                                    .putHeader("Cache-Control", "no-store")
                                    .end(body);
                        });
    }

    private static boolean authorised(RoutingContext ctx, String token) {
        String header = ctx.request().getHeader("Authorization");
        String given =
                header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        return MessageDigest.isEqual(sha(given), sha(token)); // equal length, constant time
    }

    private static byte[] sha(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Polls the database-wide figures now and every {@link #POLL_MS} ms, exporting them only while
     * {@code reporter} says this gateway holds the reporter lock.
     */
    public void startPolling(Vertx vertx, Db db, Supplier<Future<Boolean>> reporter) {
        this.polled = db;
        this.pollReporter = reporter;
        vertx.setTimer(1, id -> poll(db, reporter));
        poller = vertx.setPeriodic(POLL_MS, id -> poll(db, reporter));
    }

    /** Stops polling and the JVM listeners. */
    public void stop(Vertx vertx) {
        if (poller >= 0) {
            vertx.cancelTimer(poller);
        }
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception ignored) {
                // only a listener to remove
            }
        }
    }

    /** Polls once now, as {@link #startPolling} set up (tests read the figures without waiting). */
    public Future<Void> poll() {
        return polled == null ? Future.succeededFuture() : poll(polled, pollReporter);
    }

    /**
     * Reads the database-wide figures once if this gateway is the reporter, else drops them; a
     * failed read (the database away) keeps the last figures.
     */
    public Future<Void> poll(Db db, Supplier<Future<Boolean>> isReporter) {
        return isReporter
                .get()
                .otherwise(false)
                .compose(
                        mine -> {
                            reporter.set(mine ? 1 : 0);
                            if (!mine) {
                                outboxDepth.register(List.of(), true);
                                outboxOldest.register(List.of(), true);
                                queueDepth.register(List.of(), true);
                                return Future.succeededFuture();
                            }
                            return readDatabaseWide(db);
                        });
    }

    private Future<Void> readDatabaseWide(Db db) {
        Future<Void> outbox =
                DatabaseFigures.outbox(db)
                        .map(
                                o -> {
                                    outboxDepth.register(
                                            List.of(MultiGauge.Row.of(Tags.empty(), o.pending())),
                                            true);
                                    outboxOldest.register(
                                            List.of(
                                                    MultiGauge.Row.of(
                                                            Tags.empty(), o.oldestSeconds())),
                                            true);
                                    return null;
                                });
        Future<Void> queues =
                DatabaseFigures.queues(db)
                        .map(
                                found -> {
                                    List<MultiGauge.Row<?>> rows = new ArrayList<>();
                                    for (DatabaseFigures.Queue q : found) {
                                        rows.add(
                                                MultiGauge.Row.of(
                                                        Tags.of(
                                                                "status",
                                                                q.status(),
                                                                "working_group",
                                                                q.workingGroup()),
                                                        q.cases()));
                                    }
                                    queueDepth.register(rows, true);
                                    return null;
                                });
        return Future.all(outbox, queues).mapEmpty();
    }
}
