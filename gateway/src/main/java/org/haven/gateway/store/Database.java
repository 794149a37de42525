package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.haven.gateway.config.DatabaseUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL Haven keeps everything in: an external server named by {@code HAVEN_DB_URL}, or an
 * embedded one whose data lives under the data dir and survives restarts. The schema is migrated by
 * Flyway before the pool is handed out.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** How long a clean stop of the embedded server may take before the gateway exits anyway. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    /** How long the embedded server may take to accept connections (crash recovery included). */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

    private final Embedded embedded;
    private final PgConnectOptions connectOptions;
    private final Pool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Database(Embedded embedded, PgConnectOptions connectOptions, Pool pool) {
        this.embedded = embedded;
        this.connectOptions = connectOptions;
        this.pool = pool;
    }

    /**
     * The embedded server and what goes with it: the data dir's lock (held until the server is
     * stopped), the postmaster's pid and its watchdog, and the password Haven connects with.
     */
    private record Embedded(
            EmbeddedPostgres server,
            EmbeddedPostmaster.DataDirLock lock,
            Path pgDir,
            long pid,
            Optional<Process> watchdog,
            EmbeddedPassword password) {

        static Embedded start(Path dataDir) throws IOException {
            // Another user of the host may not enter the data dir: nothing under it is theirs to
            // read or replace.
            String was = OwnerOnly.directory(dataDir);
            if (was != null) {
                LOG.info("event=data_dir_permissions_tightened mode_was={} mode=rwx------", was);
            }
            Path pgDir = dataDir.resolve("postgres");
            OwnerOnly.directory(pgDir);
            // Outside pgDir: initdb wants an empty directory.
            EmbeddedPostmaster.DataDirLock lock =
                    EmbeddedPostmaster.lock(dataDir.resolve("postgres.lock"));
            EmbeddedPostgres server = null;
            try {
                if (EmbeddedPostmaster.heldElsewhere(pgDir.resolve("epg-lock"))) {
                    throw new IllegalStateException(
                            "could not lock "
                                    + pgDir.resolve("epg-lock")
                                    + ": in use by another process");
                }
                // No live gateway uses this dir (we hold its lock): a postmaster still running on
                // it was left by one that died.
                EmbeddedPostmaster.stopLeftover(pgDir);
                EmbeddedPassword password =
                        EmbeddedPassword.loadOrCreate(embeddedPasswordFile(dataDir));
                EmbeddedBinaries binaries = EmbeddedBinaries.in(dataDir.resolve("postgres-bin"));
                // the library runs initdb only when there is no postgresql.conf yet
                boolean initialising = !Files.exists(pgDir.resolve("postgresql.conf"));
                EmbeddedPostgres.Builder builder =
                        EmbeddedPostgres.builder()
                                .setDataDirectory(pgDir)
                                // below the ephemeral range: see EmbeddedPort
                                .setPort(EmbeddedPort.free())
                                .setCleanDataDirectory(false)
                                .setOverrideWorkingDirectory(binaries.workingDir().toFile())
                                .setPgBinaryResolver(binaries)
                                // initdb's options (the library passes these as --name=value after
                                // its own "-A trust",
                                // which they override): the superuser's password from the start,
                                // SCRAM for everyone
                                .setLocaleConfig("auth", "scram-sha-256")
                                .setLocaleConfig("pwfile", password.file().toString())
                                // its own readiness check and the DataSource Flyway uses
                                .setConnectConfig("password", password.password())
                                // after unpacking and initdb, before the server starts: the library
                                // made the
                                // binaries' directory writable by everyone, and an older data dir
                                // trusts everyone
                                .setDataDirectoryCustomizer(
                                        dir -> {
                                            try {
                                                binaries.seal();
                                                OwnerOnly.noWriteByOthers(
                                                        pgDir.resolve(
                                                                "epg-lock")); // the library's, made
                                                // under the umask
                                                password.seal(pgDir, binaries, initialising);
                                            } catch (IOException e) {
                                                throw new UncheckedIOException(e);
                                            }
                                        })
                                // Haven stops the server itself, after its own workers and the pool
                                // (see close());
                                // zonky's hook would stop it concurrently with them.
                                .setRegisterShutdownHook(false)
                                // zonky gives up after 10 s; crash recovery after a kill or a power
                                // cut can take longer
                                .setPGStartupWait(STARTUP_WAIT)
                                .setServerConfig("listen_addresses", "127.0.0.1")
                                // no Unix socket (by default one in /tmp, open to every user of the
                                // host)
                                .setServerConfig("unix_socket_directories", "")
                                .setServerConfig("password_encryption", "scram-sha-256")
                                .setServerConfig("max_connections", "100")
                                // An acknowledged message must survive a crash or a power cut:
                                // zonky defaults to
                                // synchronous_commit=off and starts the server with -F (fsync off);
                                // these win over both.
                                .setServerConfig("synchronous_commit", "on")
                                .setServerConfig("fsync", "on")
                                .setServerConfig("full_page_writes", "on");
                // tuning by the operator: -Dhaven.pg.NAME=VALUE sets a server parameter of the
                // embedded database
                for (String name : System.getProperties().stringPropertyNames()) {
                    if (name.startsWith("haven.pg.") && name.length() > "haven.pg.".length()) {
                        builder.setServerConfig(
                                name.substring("haven.pg.".length()), System.getProperty(name));
                    }
                }
                try {
                    server = builder.start();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                long pid =
                        EmbeddedPostmaster.pidInFile(pgDir)
                                .filter(
                                        p ->
                                                EmbeddedPostmaster.identify(p, pgDir)
                                                        == EmbeddedPostmaster.Identity.OURS)
                                .orElse(-1L);
                Optional<Process> watchdog =
                        pid > 0 ? EmbeddedPostmaster.watchdog(pid, pgDir) : Optional.empty();
                return new Embedded(server, lock, pgDir, pid, watchdog, password);
            } catch (IOException | RuntimeException e) {
                try {
                    if (server != null) {
                        server.close();
                    } else {
                        // zonky gave up waiting, but pg_ctl may have started it: do not leave it
                        // running
                        EmbeddedPostmaster.stopLeftover(pgDir);
                    }
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                } finally {
                    lock.close();
                }
                throw e;
            }
        }

        /**
         * Stops the server (fast shutdown), waits until it is gone (bounded), then releases the
         * data dir.
         */
        void stop() throws IOException {
            try {
                watchdog.ifPresent(
                        w -> {
                            w.destroy();
                            try {
                                w.waitFor(5, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        });
                long t0 = System.nanoTime();
                server.close(); // pg_ctl stop -m fast, waiting up to 5 s
                if (pid > 0 && !EmbeddedPostmaster.awaitStopped(pid, pgDir, STOP_WAIT)) {
                    LOG.warn(
                            "event=embedded_database_stop_slow pid={} waited_ms={}",
                            pid,
                            STOP_WAIT.toMillis());
                } else {
                    LOG.info(
                            "event=database_stopped kind=embedded millis={}",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                }
            } finally {
                lock.close();
            }
        }
    }

    /**
     * Starts (if embedded), migrates and connects. Blocking: call before serving.
     *
     * @param vertx the Vert.x instance the pool runs on
     * @param external an external server, or empty for the embedded one
     * @param dataDir the data dir the embedded server keeps its files under
     */
    public static Database open(Vertx vertx, Optional<DatabaseUrl> external, Path dataDir)
            throws IOException {
        Embedded embedded = null;
        PgConnectOptions options;
        try {
            if (external.isPresent()) {
                DatabaseUrl url = external.get();
                Migrations.migrate(
                        flyway().dataSource(url.jdbcUrl(), url.user(), url.password()).load());
                options = connectOptions(url);
                LOG.info(
                        "event=database_ready kind=external host={} port={} sslmode={}",
                        url.host(),
                        url.port(),
                        url.sslMode());
            } else {
                embedded = Embedded.start(dataDir);
                DataSource ds = embedded.server().getPostgresDatabase();
                Migrations.migrate(flyway().dataSource(ds).load());
                options =
                        new PgConnectOptions()
                                .setHost("127.0.0.1")
                                .setPort(embedded.server().getPort())
                                .setDatabase("postgres")
                                .setUser(EmbeddedPassword.SUPERUSER)
                                .setPassword(embedded.password().password());
                LOG.info("event=database_ready kind=embedded port={}", embedded.server().getPort());
            }
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                embedded.stop();
            }
            throw e;
        }
        options.setCachePreparedStatements(true);
        Pool pool =
                PgBuilder.pool()
                        .with(new PoolOptions().setMaxSize(poolSize()))
                        .connectingTo(options)
                        .using(vertx)
                        .build();
        return new Database(embedded, options, pool);
    }

    /** The size of the connection pool: {@code -Dhaven.db.pool}, 8 unless set. */
    static int poolSize() {
        return Integer.getInteger("haven.db.pool", 8);
    }

    /**
     * The pool's connection options for an external server, with the same TLS settings as its
     * {@link DatabaseUrl#jdbcUrl()}.
     */
    public static PgConnectOptions connectOptions(DatabaseUrl url) {
        String sslMode = url.sslMode();
        String sslRootCert = url.sslRootCert();
        PgConnectOptions o =
                new PgConnectOptions()
                        .setHost(url.host())
                        .setPort(url.port())
                        .setDatabase(url.database())
                        .setUser(url.user())
                        .setPassword(url.password());
        switch (sslMode) {
            case "require" ->
                    o.setSslMode(sslRootCert == null ? SslMode.REQUIRE : SslMode.VERIFY_CA);
            case "verify-ca" -> o.setSslMode(SslMode.VERIFY_CA);
            case "verify-full" -> o.setSslMode(SslMode.VERIFY_FULL);
            default -> o.setSslMode(SslMode.DISABLE);
        }
        // the host name is checked against the certificate under verify-full only (as in libpq)
        String names = "verify-full".equals(sslMode) ? "HTTPS" : "";
        if (sslRootCert != null) {
            o.setSslOptions(
                    new ClientSSLOptions()
                            .setHostnameVerificationAlgorithm(names)
                            .setTrustOptions(new PemTrustOptions().addCertPath(sslRootCert)));
        } else if ("require".equals(sslMode)) {
            // libpq's require: encrypted, the certificate not checked (no authority to check it
            // against)
            o.setSslOptions(
                    new ClientSSLOptions()
                            .setHostnameVerificationAlgorithm(names)
                            .setTrustAll(true));
        }
        return o;
    }

    /** Where the embedded server's superuser password is kept (readable by Haven's user only). */
    public static Path embeddedPasswordFile(Path dataDir) {
        return dataDir.resolve("secrets").resolve("postgres-password");
    }

    /**
     * Migrations are additive (docs/operations.md, "Upgrades"): a gateway runs on a schema a newer
     * version migrated further, during a rolling update and after a rollback, so migrations it does
     * not know are ignored rather than refused (Flyway's default, made explicit).
     */
    private static FluentConfiguration flyway() {
        return Flyway.configure()
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .ignoreMigrationPatterns("*:future");
    }

    /**
     * The SQLSTATE of an error of the pool ({@code 57P01}: the server shut down), if {@code t} or a
     * cause is one.
     */
    public static Optional<String> sqlState(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PgException pg && pg.getSqlState() != null) {
                return Optional.of(pg.getSqlState());
            }
        }
        return Optional.empty();
    }

    /** The database as a handle for the store's statements and transactions. */
    public Db db() {
        return Db.of(pool);
    }

    /** The connection pool. */
    public Pool pool() {
        return pool;
    }

    /** Where the database listens: for tools that dump it. */
    /**
     * Marks this process as a gateway serving on the database (see {@link ServingLock}) until
     * {@link #close}; waits while an administrator's tool holds the database for itself.
     */
    public Future<Void> holdServingLock(Vertx vertx) {
        return ServingLock.hold(vertx, connectOptions)
                .map(
                        lock -> {
                            serving = lock;
                            return null;
                        });
    }

    private volatile ServingLock serving;

    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Answers whether the database responds to a trivial query. */
    public Future<Boolean> ping() {
        return pool.query("SELECT 1").execute().map(rs -> true).otherwise(false);
    }

    /**
     * Closes the pool (waiting, bounded, for its connections to go) and then stops the embedded
     * server. Call after everything that uses the pool has stopped. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed.getAndSet(true)) {
            return;
        }
        ServingLock lock = serving;
        if (lock != null) {
            lock.close();
        }
        try {
            pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("event=pool_close_failed kind={}", e.getClass().getSimpleName());
        } finally {
            if (embedded != null) {
                embedded.stop();
            }
        }
    }
}
