package org.haven.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.admin.CannedReplySeed;
import org.haven.gateway.admin.IntakeScripts;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.ContactUpgrade;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;
import org.haven.gateway.channel.webchat.WebChatChannel;
import org.haven.gateway.channel.webchat.WebChatConfig;
import org.haven.gateway.cluster.ClusterJobs;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.HttpTimeouts;
import org.haven.gateway.config.Redaction;
import org.haven.gateway.http.ClientAddress;
import org.haven.gateway.http.HealthRoute;
import org.haven.gateway.http.RequestTimeouts;
import org.haven.gateway.inbox.Inbox;
import org.haven.gateway.inbox.LiveUpdates;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Spool;
import org.haven.gateway.keys.ServerKeysCheck;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.resume.PhrasePool;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.ExclusiveRole;
import org.haven.gateway.store.WorkingGroupStore;
import org.haven.gateway.warmup.WarmUp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Haven gateway: database, keys, channels, inbox and the HTTP server that carries them.
 */
public final class Haven implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Haven.class);

    /**
     * How long requests in flight (a webhook's dialogue step, say) may take to finish at shutdown.
     */
    private static final Duration SERVER_GRACE = Duration.ofSeconds(5);

    /**
     * The most dialogue steps one transaction commits when they wait for the database together
     * ({@code HAVEN_STEP_BATCH}; docs/performance.md §14).
     */
    static final int STEP_BATCH_DEFAULT = 8;

    /**
     * The longest a gateway waits, before it reports ready, for its pool of resume phrases in the
     * default language (256 take about 5 s of one core, beside the warm-up): so the pool's thread
     * does not take a processor from the first real messages.
     */
    private static final Duration PHRASES_PRIMED_WAIT = Duration.ofSeconds(60);

    /**
     * The kernel's send buffer for each HTTP connection, in bytes (Linux doubles it for its
     * bookkeeping).
     */
    static final int SEND_BUFFER = 64 * 1024;

    /** How long the periodic workers may take to finish what they are doing at shutdown. */
    private static final Duration WORKER_GRACE = Duration.ofSeconds(15);

    /**
     * How often a gateway that does not export the database-wide metrics tries to take that role.
     */
    private static final Duration REPORTER_RETRY = Duration.ofSeconds(5);

    /**
     * At most how long {@link #close} takes after SIGTERM: the HTTP server's grace and its 2 s
     * margin, the workers' grace, the pool's 10 s and the embedded server's fast shutdown (5 s).
     * Every shipped deploy file gives the process at least this before it kills it
     * (DeployFilesTest).
     */
    public static final Duration SHUTDOWN_BOUND =
            SERVER_GRACE.plusSeconds(2).plus(WORKER_GRACE).plusSeconds(10 + 5);

    private final Vertx vertx;
    private final Database database;
    private final ClusterNotifications cluster;
    private final TeamKeys teamKeys;
    private final Inbox inbox;
    private final HttpServer server;
    private final List<Channel> channels;
    private final HavenMetrics metrics;
    private final Workers workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** What runs on its own timers and uses the pool: stopped before the pool closes. */
    private record Workers(
            Outbox outbox,
            Conversations conversations,
            Retention retention,
            ClusterJobs jobs,
            ExclusiveRole reporter) {}

    private Haven(
            Vertx vertx,
            Database database,
            ClusterNotifications cluster,
            TeamKeys teamKeys,
            Inbox inbox,
            HttpServer server,
            List<Channel> channels,
            HavenMetrics metrics,
            Workers workers) {
        this.vertx = vertx;
        this.channels = channels;
        this.metrics = metrics;
        this.database = database;
        this.cluster = cluster;
        this.teamKeys = teamKeys;
        this.inbox = inbox;
        this.server = server;
        this.workers = workers;
    }

    /** Starts Haven and blocks until it serves, or throws. */
    public static Haven start(HavenConfig config) throws Exception {
        return start(config, Clock.systemUTC());
    }

    /**
     * The same, reading the time from {@code clock} wherever the dialogue and the inbox ask for it
     * (second-factor steps, session idle times, resume windows): tests move it forward instead of
     * waiting.
     */
    public static Haven start(HavenConfig config, Clock clock) throws Exception {
        long t0 = System.nanoTime();
        ClientAddress clients = ClientAddress.from(config.settings());
        WebChatConfig webChatConfig = WebChatConfig.parse(config.settings());
        HttpTimeouts httpTimeouts = config.httpTimeouts();
        if (httpTimeouts.idle().compareTo(webChatConfig.pingInterval().multipliedBy(2)) < 0) {
            // else the server's idle timeout could cut a healthy web chat socket between two pings
            throw new ConfigException(
                    "HAVEN_HTTP_IDLE_TIMEOUT must be at least twice the web chat's ping interval ("
                            + webChatConfig.pingInterval().toSeconds()
                            + " s, a quarter of HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS)");
        }
        HavenMetrics metrics = HavenMetrics.prometheus();
        // metrics enabled: the database pool reports its use to them (PoolMeters)
        Vertx vertx =
                Vertx.builder()
                        .with(
                                new VertxOptions()
                                        .setMetricsOptions(new MetricsOptions().setEnabled(true)))
                        .withMetrics(metrics.vertxMetrics())
                        .build();
        Database database = null;
        ExclusiveRole reporter = null;
        ClusterNotifications cluster = null;
        TeamKeys refreshing = null;
        Outbox delivering = null;
        Conversations replaying = null;
        try {
            database = Database.open(vertx, config.database(), config.dataDir());
            // read the server keys once this gateway is known to serve: a rotation at the command
            // line waits for
            // no gateway to run, and a gateway starting meanwhile waits for it here, then reads the
            // rotated keys
            await(database.holdServingLock(vertx));
            ServerSecrets secrets =
                    ServerSecrets.resolve(
                            config.settings().get("server_keys"),
                            config.settings().get("server_keys_file").map(Path::of),
                            serverKeysFile(config));
            // before anything is served or written under them: other keys than the cluster's would
            // end resumed
            // conversations and fail correct logins
            await(ServerKeysCheck.verify(database, secrets));
            await(new AuditLog(database.db(), secrets.auditKey()).keyChain());
            cluster =
                    await(
                            ClusterNotifications.start(
                                    vertx, database.connectOptions(), database.db()));
            AccountStore accounts = new AccountStore(database.db());
            metrics.disk(config.dataDir());
            ClusterNotifications listener = cluster;
            metrics.gauge(
                    "haven.cluster.listener.connected",
                    "1 while this gateway listens for the others' notifications",
                    () -> listener.connected() ? 1 : 0);
            metrics.counter(
                    "haven.cluster.listener.losses",
                    "Times the listening connection was lost",
                    listener::losses);
            TeamKeys teamKeys =
                    new TeamKeys(
                                    vertx,
                                    accounts,
                                    config.dataDir(),
                                    config.settings().get("team_key_pin"),
                                    secrets.auditKey())
                            .metrics(metrics);
            await(teamKeys.initialise());
            teamKeys.refreshEvery(10_000);
            refreshing = teamKeys;
            // the intake's referral lookup answers an agency's key only when its signed record
            // verifies
            CaseStore cases = new CaseStore(database.db(), teamKeys);
            await(
                    ContactUpgrade.run(
                            database.db(),
                            secrets,
                            new CaseEntries(cases, teamKeys, secrets.auditKey())));

            EngineSettings engineSettings =
                    new EngineSettings(config.duressWord().orElse(null), config.resumeWindow());
            IntakeScripts scripts = new IntakeScripts(vertx, database.db(), engineSettings);
            Intake intake = await(scripts.current());
            // the script's working groups, for the accounts the database checks against them
            await(WorkingGroupStore.ensure(database.db(), IntakeScripts.groupsOf(intake)));
            Engine engine = new Engine(intake, engineSettings);
            WarmUp warmUp = WarmUp.from(config.settings(), vertx, engine);
            Outbox outbox = new Outbox(vertx, database.pool(), secrets.keyring());
            Conversations conversations =
                    new Conversations(
                            database.db(), engine, secrets, teamKeys, cases, outbox, clock);
            scripts.attach(conversations);
            PhrasePool phrasePool =
                    conversations.preparePhrases(
                            config.settings()
                                    .intIn(
                                            "resume_phrases_prepared",
                                            PhrasePool.DEFAULT_SIZE,
                                            0,
                                            100_000));
            String phraseLanguage = engine.script().defaultLanguage();

            conversations.metrics(metrics);
            conversations.batchSteps(
                    config.settings().intIn("step_batch", STEP_BATCH_DEFAULT, 1, 64));
            outbox.coordinatorPrefix(conversations::coordinatorPrefix);
            if (config.settings().get("max_recipient_gap_ms").isPresent()) {
                outbox.maxRecipientGap(
                        Duration.ofMillis(
                                config.settings().intIn("max_recipient_gap_ms", 0, 0, 60_000)));
            }
            outbox.metrics(metrics);

            Router router = Router.router(vertx);
            clients.mount(router);
            Spool spool = new Spool(config.dataDir(), secrets.keyring());
            if (spool.pending() > 0) {
                // under the newest server key, so that a rotation's 'retire' may drop the older
                // ones
                try {
                    spool.rewriteUnderPrimary();
                } catch (IOException e) {
                    // a full disk: the gateway starts anyway, the records stay under their key and
                    // replay
                    LOG.error("event=spool_rekey_failed kind={}", e.getClass().getSimpleName());
                }
            }
            conversations.spool(spool, vertx);
            replaying = conversations;
            metrics.instrument(router);
            HealthRoute.mount(
                    router,
                    database,
                    conversations::spooled,
                    conversations::spoolQuarantined,
                    conversations::spoolUnreadable,
                    conversations::spoolReplayedFromStart,
                    warmUp::done);
            metrics.gauge(
                    "haven.resume.phrases.prepared",
                    "Resume phrases prepared ahead in the script's default language",
                    () -> phrasePool.available(phraseLanguage));
            metrics.counter(
                    "haven.resume.phrases.missed",
                    "Hand-offs that found no prepared resume phrase of their language",
                    phrasePool::missed);
            metrics.gauge(
                    "haven.spool.pending",
                    "Acknowledged messages waiting in this gateway's spool",
                    conversations::spooled);
            metrics.gauge(
                    "haven.spool.quarantined",
                    "Spool records set aside as unreadable (never replayed)",
                    conversations::spoolQuarantined);
            metrics.gauge(
                    "haven.spool.unreadable",
                    "1 while this gateway's spool cannot be read",
                    () -> conversations.spoolUnreadable() ? 1 : 0);
            metrics.mount(router, config.metricsToken());
            ChannelContext channelContext =
                    new ChannelContext(
                            vertx, conversations, outbox, config, database, secrets.keyring());
            List<Channel> channels = new ArrayList<>();
            WebChatChannel webChat =
                    new WebChatChannel(
                            vertx,
                            conversations,
                            outbox,
                            config.quickExitUrl(),
                            cluster,
                            webChatConfig);
            metrics.gauge(
                    "haven.webchat.sockets",
                    "Web chat sockets open on this gateway",
                    webChat::openSockets);
            metrics.gauge(
                    "haven.webchat.queued.bytes",
                    "Bytes written to web chat sockets and not yet taken by the network",
                    webChat::queuedBytes);
            channels.add(webChat);
            for (ChannelKind kind : ChannelKind.registered()) {
                kind.create(channelContext).ifPresent(channels::add);
            }
            for (Channel channel : channels) {
                channel.secretSettings()
                        .forEach(key -> config.settings().get(key).ifPresent(Redaction::register));
                channel.mount(router);
                channel.sender().ifPresent(outbox::register);
                LOG.info("event=channel_enabled channel={}", channel.name());
                metrics.channelEnabled(channel.name());
            }
            outbox.start();
            delivering = outbox;
            LiveUpdates live = new LiveUpdates(vertx, cluster);
            conversations.events(live);
            outbox.onReplyChanged(caseId -> live.publish("case_changed", caseId));
            Inbox inbox =
                    new Inbox(
                            vertx,
                            accounts,
                            cases,
                            teamKeys,
                            secrets,
                            outbox,
                            live,
                            scripts,
                            clock,
                            config.sessionIdleTimeout(),
                            config.sessionAbsoluteTimeout(),
                            config.secureCookies(),
                            config.retentionDays(),
                            conversations.activeScript(),
                            channels.stream().map(Channel::name).toList());
            // the canned replies were the script's canned_* messages: copied into their store once
            await(CannedReplySeed.seedOnce(database.db(), conversations.activeScript()));
            inbox.mount(router);
            inbox.follow(cluster);
            router.get("/").handler(ctx -> ctx.redirect("/chat"));
            router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());

            HttpServerOptions options =
                    new HttpServerOptions()
                            .setHost(config.httpHost())
                            .setPort(config.httpPort())
                            .setMaxWebSocketFrameSize(WebChatChannel.MAX_FRAME)
                            .setMaxWebSocketMessageSize(WebChatChannel.MAX_FRAME)
                            // frames are small JSON; accepting the browsers' permessage-deflate
                            // offer kept two zlib
                            // contexts per socket, about 100 KiB of native memory each
                            // (docs/performance.md)
                            .setPerMessageWebSocketCompressionSupported(false)
                            .setPerFrameWebSocketCompressionSupported(false)
                            .setMaxFormAttributeSize(1024 * 1024)
                            // the kernel's send buffer per connection, fixed instead of grown up to
                            // 4 MiB (tcp_wmem) for a
                            // client that does not read: with the web chat's own 64 KiB queue, what
                            // one socket can hold
                            .setSendBufferSize(SEND_BUFFER)
                            .setCompressionSupported(true);
            RequestTimeouts timeouts = RequestTimeouts.apply(options, httpTimeouts);
            HttpServer server =
                    await(
                            vertx.createHttpServer(options)
                                    .connectionHandler(timeouts)
                                    .requestHandler(router)
                                    .listen());
            for (Channel channel : channels) {
                await(channel.start());
            }
            // ready only once the hot path is compiled: not awaited, the gateway serves meanwhile
            // and once the first of the default language's resume phrases are prepared (the rest
            // of the reserve fills after, in idle time)
            warmUp.run(
                    server.actualPort(),
                    database::ping,
                    () ->
                            phrasePool.primed(
                                    vertx,
                                    phraseLanguage,
                                    PhrasePool.READY_SIZE,
                                    PHRASES_PRIMED_WAIT));
            // one gateway of a cluster exports the database-wide figures, so that a sum over
            // gateways is right
            ExclusiveRole role =
                    ExclusiveRole.follow(
                            vertx,
                            database,
                            "metrics.reporter",
                            REPORTER_RETRY,
                            new ExclusiveRole.Holder() {
                                @Override
                                public void acquired() {
                                    LOG.info("event=metrics_reporter_acquired");
                                }

                                @Override
                                public void released() {
                                    LOG.info("event=metrics_reporter_released");
                                }
                            });
            reporter = role;
            metrics.startPolling(vertx, database.db(), () -> Future.succeededFuture(role.held()));
            Retention retention =
                    new Retention(database.db(), config.retentionDays(), secrets.auditKey());
            ClusterJobs jobs = new ClusterJobs(vertx, database.db());
            retention.schedule(vertx, jobs);
            retention.scheduleExpiry(vertx, jobs, config.resumeWindow());
            LOG.info(
                    "event=started port={} millis={}",
                    server.actualPort(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return new Haven(
                    vertx,
                    database,
                    cluster,
                    teamKeys,
                    inbox,
                    server,
                    channels,
                    metrics,
                    new Workers(outbox, conversations, retention, jobs, reporter));
        } catch (Exception | Error e) {
            // the same order as close(): what uses the pool first
            if (refreshing != null) {
                refreshing.stopRefreshing();
            }
            settle(
                    Map.of(
                            "outbox",
                            delivering == null ? Future.succeededFuture() : delivering.stop(),
                            "spool_replay",
                            replaying == null ? Future.succeededFuture() : replaying.stopReplay()),
                    WORKER_GRACE);
            metrics.stop(vertx);
            if (reporter != null) {
                reporter.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (database != null) {
                try {
                    database.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            try {
                await(vertx.close());
            } catch (Exception ignored) {
                // already failing
            }
            throw e;
        }
    }

    /**
     * Where a single node keeps its server keys when neither HAVEN_SERVER_KEYS nor
     * HAVEN_SERVER_KEYS_FILE is set.
     */
    public static Path serverKeysFile(HavenConfig config) {
        return config.dataDir().resolve("secrets").resolve("server-keys");
    }

    /** The port the HTTP server listens on (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }

    /** The Vert.x instance it runs on (tests look at the pools on it). */
    public Vertx vertx() {
        return vertx;
    }

    /** The database, for tools and tests. */
    public Database database() {
        return database;
    }

    /** The metrics registry (tests refresh its depth gauges without waiting for the poll). */
    public HavenMetrics metrics() {
        return metrics;
    }

    /** The team key service (where the setup code lives). */
    public TeamKeys teamKeys() {
        return teamKeys;
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /**
     * Stops Haven, in the order that lets each part finish with the next one still there: the
     * channels' own loops and the HTTP server (requests in flight finish, bounded), then the
     * periodic workers (outbox, spool replay, cluster jobs, retention, refreshers; a sweep in
     * flight finishes, bounded), then the sessions, the cluster listener, the pool and last the
     * embedded database. Idempotent.
     */
    @Override
    public void close() throws Exception {
        if (closed.getAndSet(true)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            for (Channel channel : channels) {
                try {
                    await(channel.stop());
                } catch (Exception e) {
                    LOG.warn(
                            "event=channel_stop_failed channel={} kind={}",
                            channel.name(),
                            e.getClass().getSimpleName());
                }
            }
            settle(
                    Map.of(
                            "http_server",
                            server.shutdown(SERVER_GRACE.toMillis(), TimeUnit.MILLISECONDS)),
                    SERVER_GRACE.plusSeconds(2));
            teamKeys.stopRefreshing();
            metrics.stop(vertx);
            workers.retention().cancel(vertx);
            settle(
                    Map.of(
                            "outbox",
                            workers.outbox().stop(),
                            "spool_replay",
                            workers.conversations().stopReplay(),
                            "cluster_jobs",
                            workers.jobs().stop()),
                    WORKER_GRACE);
            workers.reporter().close();
            workers.conversations().stopPreparingPhrases();
            inbox.close();
        } finally {
            try {
                cluster.close();
            } finally {
                try {
                    database.close();
                } finally {
                    await(vertx.close());
                    LOG.info(
                            "event=stopped millis={}",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
            }
        }
    }

    /** Waits for each named part to finish, at most {@code bound} in all; says which did not. */
    private static void settle(Map<String, Future<?>> parts, Duration bound) {
        try {
            Future.join(List.copyOf(parts.values()))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            parts.forEach(
                    (name, f) -> {
                        if (!f.isComplete()) {
                            LOG.warn(
                                    "event=shutdown_wait_exceeded part={} waited_ms={}",
                                    name,
                                    bound.toMillis());
                        } else if (f.failed()) {
                            LOG.warn(
                                    "event=shutdown_part_failed part={} kind={}",
                                    name,
                                    f.cause().getClass().getSimpleName());
                        }
                    });
        }
    }
}
