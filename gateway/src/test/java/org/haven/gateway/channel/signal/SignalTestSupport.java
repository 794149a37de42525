package org.haven.gateway.channel.signal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Spool;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.DatabaseDump;

/**
 * What the Signal channel tests share: the settings that point a gateway at a {@link
 * FakeSignalCli}, a gateway's parts wired as {@code Haven.start} wires them for Signal, and the
 * waits and counts the tests poll with.
 */
final class SignalTestSupport {
    private SignalTestSupport() {}

    /**
     * The settings of a gateway talking to {@code daemon} as its account, at most 30 messages a
     * second; a new map the caller may add to.
     */
    static Map<String, String> signalSettings(FakeSignalCli daemon) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_SIGNAL_URL", daemon.url());
        env.put("HAVEN_SIGNAL_ACCOUNT", FakeSignalCli.ACCOUNT);
        env.put("HAVEN_SIGNAL_MAX_PER_SECOND", "30");
        return env;
    }

    /** A condition polled until it holds. */
    interface Check {
        /** Whether the awaited state is reached. */
        boolean holds() throws Exception;
    }

    /** Polls {@code check} every 100 ms for up to 60 seconds, failing with {@code failure}. */
    static void waitFor(Check check, String failure) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            if (check.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(failure);
    }

    /** The result of {@code future}, waited for up to 60 seconds. */
    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** The number a {@code SELECT count(*)} query gives in the database at {@code options}. */
    static long count(PgConnectOptions options, String sql) {
        try {
            return Long.parseLong(DatabaseDump.query(options, sql).get(0).get(0));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The next {@code send} the daemon gets that {@code wanted} accepts, waiting up to {@code
     * seconds} in all, or null.
     */
    static FakeSignalCli.Call nextSend(
            FakeSignalCli daemon, Predicate<FakeSignalCli.Call> wanted, int seconds)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            FakeSignalCli.Call c = daemon.next("send", 1);
            if (c != null && wanted.test(c)) {
                return c;
            }
        }
        return null;
    }

    /**
     * A gateway's parts for Signal, wired as {@code Haven.start} wires them: the database with its
     * audit chain and team keys, the dialogue, the outbox and the Signal channel. {@link #start}
     * then registers the channel's sender, starts the outbox and the channel.
     */
    static final class WiredGateway {
        final HavenConfig config;
        final Database database;
        final Outbox outbox;
        final SignalChannel channel;

        private WiredGateway(
                HavenConfig config, Database database, Outbox outbox, SignalChannel channel) {
            this.config = config;
            this.database = database;
            this.outbox = outbox;
            this.channel = channel;
        }

        /**
         * Wires a gateway on {@code vertx} with its data in {@code dataDir} and the settings {@code
         * env}; with {@code spool}, its dialogue spools what it cannot store yet.
         */
        static WiredGateway wire(Vertx vertx, Path dataDir, Map<String, String> env, boolean spool)
                throws Exception {
            Map<String, String> all = new HashMap<>(env);
            all.put("HAVEN_DATA_DIR", dataDir.toString());
            HavenConfig config = ConfigLoader.load(all, null);
            Database database = Database.open(vertx, config.database(), config.dataDir());
            ServerSecrets secrets = ServerSecrets.loadOrCreate(dataDir.resolve("server-keys"));
            await(new AuditLog(database.db(), secrets.auditKey()).keyChain());
            TeamKeys teamKeys =
                    new TeamKeys(
                            vertx,
                            new AccountStore(database.pool()),
                            dataDir,
                            Optional.empty(),
                            secrets.auditKey());
            await(teamKeys.initialise());
            Engine engine =
                    new Engine(
                            Intake.defaultIntake(),
                            new EngineSettings(
                                    config.duressWord().orElse(null), config.resumeWindow()));
            Outbox outbox = new Outbox(vertx, database.pool(), secrets.keyring());
            // as TestHaven's gateways (HAVEN_MAX_RECIPIENT_GAP_MS=0): a reply right after the one
            // before
            outbox.maxRecipientGap(Duration.ZERO);
            Conversations conversations =
                    new Conversations(
                            database.db(),
                            engine,
                            secrets,
                            teamKeys,
                            new CaseStore(database.pool(), teamKeys),
                            outbox,
                            Clock.systemUTC());
            outbox.coordinatorPrefix(conversations::coordinatorPrefix);
            if (spool) {
                conversations.spool(new Spool(dataDir, secrets.keyring()), vertx);
            }
            SignalChannel channel =
                    (SignalChannel)
                            SignalChannel.create(
                                            new ChannelContext(
                                                    vertx,
                                                    conversations,
                                                    outbox,
                                                    config,
                                                    database,
                                                    secrets.keyring()))
                                    .orElseThrow();
            return new WiredGateway(config, database, outbox, channel);
        }

        /** Registers the channel's sender with the outbox, starts the outbox, then the channel. */
        void start() throws Exception {
            channel.sender().ifPresent(outbox::register);
            outbox.start();
            await(channel.start());
        }
    }
}
