package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.haven.gateway.config.DatabaseUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL Haven keeps everything in: an external server named by {@code HAVEN_DB_URL},
 * or an embedded one whose data lives under the data dir and survives restarts. The schema is
 * migrated by Flyway before the pool is handed out.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final EmbeddedPostgres embedded;
    private final PgConnectOptions connectOptions;
    private final Pool pool;

    private Database(EmbeddedPostgres embedded, PgConnectOptions connectOptions, Pool pool) {
        this.embedded = embedded;
        this.connectOptions = connectOptions;
        this.pool = pool;
    }

    /**
     * Starts (if embedded), migrates and connects. Blocking: call before serving.
     *
     * @param vertx the Vert.x instance the pool runs on
     * @param external an external server, or empty for the embedded one
     * @param dataDir the data dir the embedded server keeps its files under
     */
    public static Database open(Vertx vertx, Optional<DatabaseUrl> external, Path dataDir) throws IOException {
        EmbeddedPostgres embedded = null;
        PgConnectOptions options;
        try {
            if (external.isPresent()) {
                DatabaseUrl url = external.get();
                Flyway flyway = flyway().dataSource(url.jdbcUrl(), url.user(), url.password()).load();
                flyway.migrate();
                options = new PgConnectOptions().setHost(url.host()).setPort(url.port())
                        .setDatabase(url.database()).setUser(url.user()).setPassword(url.password());
                LOG.info("event=database_ready kind=external host={} port={}", url.host(), url.port());
            } else {
                Path pgDir = dataDir.resolve("postgres");
                Files.createDirectories(pgDir);
                embedded = EmbeddedPostgres.builder()
                        .setDataDirectory(pgDir)
                        .setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(dataDir.resolve("postgres-bin").toFile())
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("max_connections", "50")
                        .start();
                DataSource ds = embedded.getPostgresDatabase();
                flyway().dataSource(ds).load().migrate();
                options = new PgConnectOptions().setHost("127.0.0.1").setPort(embedded.getPort())
                        .setDatabase("postgres").setUser("postgres");
                LOG.info("event=database_ready kind=embedded port={}", embedded.getPort());
            }
        } catch (IOException | RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        options.setCachePreparedStatements(true);
        Pool pool = PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(8))
                .connectingTo(options)
                .using(vertx)
                .build();
        return new Database(embedded, options, pool);
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
        return Flyway.configure().locations("classpath:db/migration").failOnMissingLocations(true);
    }

    /** The connection pool. */
    public Pool pool() {
        return pool;
    }

    /** Where the database listens: for tools that dump it. */
    public PgConnectOptions connectOptions() {
        return connectOptions;
    }

    /** Answers whether the database responds to a trivial query. */
    public Future<Boolean> ping() {
        return pool.query("SELECT 1").execute().map(rs -> true).otherwise(false);
    }

    @Override
    public void close() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
