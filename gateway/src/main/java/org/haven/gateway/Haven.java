package org.haven.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.webchat.WebChatChannel;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.http.HealthRoute;
import org.haven.gateway.inbox.Inbox;
import org.haven.gateway.inbox.LiveUpdates;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Haven gateway: database, keys, channels, inbox and the HTTP server that carries them. */
public final class Haven implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Haven.class);

    private final Vertx vertx;
    private final Database database;
    private final TeamKeys teamKeys;
    private final Inbox inbox;
    private final HttpServer server;
    private final HavenMetrics metrics;

    private Haven(Vertx vertx, Database database, TeamKeys teamKeys, Inbox inbox, HttpServer server, HavenMetrics metrics) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.database = database;
        this.teamKeys = teamKeys;
        this.inbox = inbox;
        this.server = server;
    }

    /** Starts Haven and blocks until it serves, or throws. */
    public static Haven start(HavenConfig config) throws Exception {
        long t0 = System.nanoTime();
        Vertx vertx = Vertx.vertx();
        Database database = null;
        try {
            ServerSecrets secrets = ServerSecrets.loadOrCreate(config.dataDir().resolve("secrets").resolve("server-keys"));
            database = Database.open(vertx, config.database(), config.dataDir());
            AccountStore accounts = new AccountStore(database.pool());
            CaseStore cases = new CaseStore(database.pool());
            TeamKeys teamKeys = new TeamKeys(vertx, accounts, config.dataDir());
            await(teamKeys.initialise());

            Intake intake = Intake.defaultIntake();
            Engine engine = new Engine(intake, new EngineSettings(config.duressWord().orElse(null), config.resumeWindow()));
            Clock clock = Clock.systemUTC();
            Outbox outbox = new Outbox(vertx, database.pool(), secrets.keyring());
            Conversations conversations = new Conversations(database.pool(), engine, secrets, teamKeys, cases, outbox, clock);

            HavenMetrics metrics = HavenMetrics.prometheus();
            conversations.metrics(metrics);
            outbox.metrics(metrics);

            Router router = Router.router(vertx);
            metrics.instrument(router);
            HealthRoute.mount(router, database);
            metrics.mount(router, config.metricsToken());
            ChannelContext channelContext = new ChannelContext(vertx, conversations, outbox, config);
            List<Channel> channels = new ArrayList<>();
            channels.add(new WebChatChannel(vertx, conversations, outbox, config.quickExitUrl()));
            for (Channel channel : channels) {
                channel.mount(router);
                channel.sender().ifPresent(outbox::register);
                LOG.info("event=channel_enabled channel={}", channel.name());
            }
            outbox.start();
            LiveUpdates live = new LiveUpdates(vertx);
            conversations.events(live);
            Inbox inbox = new Inbox(vertx, accounts, cases, teamKeys, secrets, outbox, live, clock, config.sessionIdleTimeout(),
                    config.secureCookies());
            inbox.mount(router);
            router.get("/").handler(ctx -> ctx.redirect("/chat"));
            router.get("/favicon.ico").handler(ctx -> ctx.response().setStatusCode(204).end());

            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.httpHost()).setPort(config.httpPort())
                    .setMaxWebSocketFrameSize(WebChatChannel.MAX_FRAME)
                    .setMaxWebSocketMessageSize(WebChatChannel.MAX_FRAME)
                    .setMaxFormAttributeSize(16 * 1024)
                    .setCompressionSupported(true);
            HttpServer server = await(vertx.createHttpServer(options).requestHandler(router).listen());
            metrics.startPolling(vertx, database.pool());
            new Retention(database.pool(), config.retentionDays()).schedule(vertx);
            LOG.info("event=started port={} millis={}", server.actualPort(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return new Haven(vertx, database, teamKeys, inbox, server, metrics);
        } catch (Exception | Error e) {
            if (database != null) {
                try {
                    database.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            vertx.close();
            throw e;
        }
    }

    /** The port the HTTP server listens on (useful when configured as 0). */
    public int port() {
        return server.actualPort();
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
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        inbox.close();
        try {
            await(server.close());
        } finally {
            try {
                database.close();
            } finally {
                await(vertx.close());
                LOG.info("event=stopped");
            }
        }
    }
}
