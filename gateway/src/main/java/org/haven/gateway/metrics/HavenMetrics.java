package org.haven.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Haven's Prometheus metrics at {@code /metrics}. Labels are channel names, statuses, working
 * groups, HTTP methods, status classes and fixed path areas: never anything a person wrote, an
 * address or an id. Depths come from a query every {@link #POLL_MS} ms, not one per scrape.
 */
public final class HavenMetrics {
    /** Metrics that go nowhere, for parts built without a registry (tools, tests). */
    public static final HavenMetrics NONE = new HavenMetrics(new CompositeMeterRegistry(), null);

    static final long POLL_MS = 15_000;
    private static final Set<String> AREAS = Set.of("chat", "inbox", "health", "metrics", "webhooks", "telegram", "sms", "twilio");

    private final MeterRegistry registry;
    // meters on the path of every message, looked up once per tag combination
    private final java.util.Map<String, Counter> meters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<String, Timer> steps = new java.util.concurrent.ConcurrentHashMap<>();
    private final PrometheusMeterRegistry prometheus;
    private final AtomicLong outboxDepth = new AtomicLong();
    private final MultiGauge queueDepth;
    private long poller = -1;

    private HavenMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
        Gauge.builder("haven.outbox.depth", outboxDepth, AtomicLong::get)
                .description("Messages waiting in the outbox (pending)").register(registry);
        this.queueDepth = MultiGauge.builder("haven.cases.queue.depth")
                .description("Open cases by status and working group").register(registry);
    }

    /** A fresh Prometheus registry. */
    public static HavenMetrics prometheus() {
        PrometheusMeterRegistry p = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new HavenMetrics(p, p);
    }

    /** A value read at each scrape (cheap to read: no query, no lock). */
    public void gauge(String name, String description, java.util.function.Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** A message came in on a channel. */
    public void messageIn(String channel) {
        meters.computeIfAbsent("in:" + channel, k -> Counter.builder("haven.messages.in").description("Messages received")
                .tag("channel", channel).register(registry)).increment();
    }

    /** The outbox finished a message: {@code result} is sent, failed or expired. */
    public void messageOut(String channel, String result) {
        meters.computeIfAbsent("out:" + channel + ":" + result, k -> Counter.builder("haven.messages.out")
                .description("Outbound messages by result").tag("channel", channel).tag("result", result).register(registry))
                .increment();
    }

    /**
     * A key record failed verification and is not used ({@code kind}: team, agency or account);
     * counted once per distinct bad record on each gateway.
     */
    public void keyRejected(String kind) {
        meters.computeIfAbsent("key_rejected:" + kind, k -> Counter.builder("haven.keys.rejected")
                .description("Key records that failed verification and are never used").tag("kind", kind).register(registry))
                .increment();
    }

    /** Times one dialogue step (from receipt to commit). */
    public Timer.Sample startStep() {
        return Timer.start(registry);
    }

    /** Ends the timing of a dialogue step. */
    public void endStep(Timer.Sample sample, String channel, boolean ok) {
        sample.stop(steps.computeIfAbsent(channel + (ok ? ":ok" : ":error"), k -> Timer.builder("haven.dialogue.step")
                .description("Dialogue step latency").tag("channel", channel).tag("outcome", ok ? "ok" : "error")
                .register(registry)));
    }

    /** Times every HTTP request by method, status class and path area. Mount first. */
    public void instrument(Router router) {
        router.route().order(-10_000).handler(ctx -> {
            long t0 = System.nanoTime();
            ctx.addEndHandler(v -> Timer.builder("haven.http.requests").description("HTTP request latency")
                    .tag("method", ctx.request().method().name())
                    .tag("status", (ctx.response().getStatusCode() / 100) + "xx")
                    .tag("area", area(ctx.request().path()))
                    .register(registry).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS));
            ctx.next();
        });
    }

    static String area(String path) {
        if (path == null || path.length() < 2) {
            return "root";
        }
        int end = path.indexOf('/', 1);
        String first = path.substring(1, end < 0 ? path.length() : end);
        return AREAS.contains(first) ? first : "other";
    }

    /** Serves {@code /metrics}, behind a bearer token if one is set. */
    public void mount(Router router, Optional<String> token) {
        router.get("/metrics").handler(ctx -> {
            if (token.isPresent() && !authorised(ctx, token.get())) {
                ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
                return;
            }
            String body = prometheus == null ? "" : prometheus.scrape();
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").end(body);
        });
    }

    private static boolean authorised(RoutingContext ctx, String token) {
        String header = ctx.request().getHeader("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : "";
        return MessageDigest.isEqual(sha(given), sha(token));   // equal length, constant time
    }

    private static byte[] sha(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls the outbox and queue depths now and every {@link #POLL_MS} ms. */
    public void startPolling(Vertx vertx, Pool pool) {
        vertx.setTimer(1, id -> poll(pool));
        poller = vertx.setPeriodic(POLL_MS, id -> poll(pool));
    }

    /** Stops polling. */
    public void stop(Vertx vertx) {
        if (poller >= 0) {
            vertx.cancelTimer(poller);
        }
    }

    /** Reads the depths once. */
    public Future<Void> poll(Pool pool) {
        Future<Void> outbox = pool.query("SELECT count(*) FROM outbox WHERE status = 'pending'").execute()
                .map(rs -> {
                    outboxDepth.set(rs.iterator().next().getLong(0));
                    return null;
                });
        Future<Void> queues = pool.query("SELECT status, coalesce(working_group, 'any'), count(*) FROM cases WHERE status <> 'closed'"
                        + " GROUP BY status, working_group").execute()
                .map(rs -> {
                    List<MultiGauge.Row<?>> rows = new ArrayList<>();
                    for (Row r : rs) {
                        rows.add(MultiGauge.Row.of(Tags.of("status", r.getString(0), "working_group", r.getString(1)), r.getLong(2)));
                    }
                    queueDepth.register(rows, true);
                    return null;
                });
        return Future.all(outbox, queues).mapEmpty();
    }
}
