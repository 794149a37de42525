package org.haven.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.haven.gateway.store.EmbeddedPort;

/**
 * One embedded PostgreSQL for the whole test run, standing in for an external server ({@code
 * HAVEN_DB_URL}); each test takes a fresh database in it, so tests that tamper with one do not
 * disturb another, and server and command-line tools can use it at the same time.
 */
public final class TestPostgres {
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    private static synchronized EmbeddedPostgres server() throws Exception {
        if (server == null) {
            server =
                    EmbeddedPostgres.builder()
                            .setPort(EmbeddedPort.free())
                            .setServerConfig("max_connections", "100")
                            .start();
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            server.close();
                                        } catch (Exception ignored) {
                                            // exiting
                                        }
                                    }));
        }
        return server;
    }

    /**
     * Starts the shared server now, if it does not run yet. zonky unpacks the PostgreSQL binaries
     * once per JVM, into the directory of the first server started, and again whenever that
     * directory is gone. Started first, this server's directory (zonky's own, kept between runs)
     * serves every embedded database of the JVM; else the first test's data dir does, deleted with
     * it after its class, and the next start unpacks them again: seconds of xz each time.
     */
    public static void start() throws Exception {
        server();
    }

    /** A new empty database; returns its {@code HAVEN_DB_URL}. */
    public static String newDatabase() throws Exception {
        String name =
                "t_"
                        + UUID.randomUUID()
                                .toString()
                                .replace("-", "")
                                .substring(0, 16)
                                .toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return "postgresql://postgres@127.0.0.1:" + server().getPort() + "/" + name;
    }

    /**
     * A pool of at most {@code size} connections to a new empty database ({@link #newDatabase}).
     */
    public static Pool newPool(Vertx vertx, int size) throws Exception {
        String url = newDatabase();
        int port = Integer.parseInt(url.replaceAll(".*:(\\d+)/.*", "$1"));
        String db = url.substring(url.lastIndexOf('/') + 1);
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size))
                .connectingTo(
                        new PgConnectOptions()
                                .setHost("127.0.0.1")
                                .setPort(port)
                                .setDatabase(db)
                                .setUser("postgres"))
                .using(vertx)
                .build();
    }

    /**
     * A new database that starts as a copy of {@code templateUrl}'s (one {@link #newDatabase} made,
     * with no connection open to it now): a migrated schema without running the migrations again.
     */
    public static String copyOf(String templateUrl) throws Exception {
        String name =
                "t_"
                        + UUID.randomUUID()
                                .toString()
                                .replace("-", "")
                                .substring(0, 16)
                                .toLowerCase(Locale.ROOT);
        String template = templateUrl.substring(templateUrl.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        }
        return "postgresql://postgres@127.0.0.1:" + server().getPort() + "/" + name;
    }

    /** The JDBC URL of a database {@link #newDatabase} made, from its {@code HAVEN_DB_URL}. */
    public static String jdbcOf(String havenDbUrl) throws Exception {
        return jdbc(havenDbUrl.substring(havenDbUrl.lastIndexOf('/') + 1));
    }

    private static String jdbc(String database) throws Exception {
        return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + database;
    }

    /**
     * Runs statements as the superuser with the audit log's append-only triggers skipped ({@code
     * session_replication_role = replica}): how a test tampers with the log.
     */
    public static void tamper(String havenDbUrl, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcOf(havenDbUrl), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /**
     * Takes a database away from every client, as an outage would (its sessions are ended and new
     * connections refused), or gives it back.
     */
    public static void away(String havenDbUrl, boolean away) throws Exception {
        String name = havenDbUrl.substring(havenDbUrl.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(jdbc("postgres"), "postgres", "");
                Statement st = c.createStatement()) {
            st.execute("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + !away);
            if (away) {
                st.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"
                                + name
                                + "'");
            }
        }
    }

    /** Runs statements as the superuser, triggers in force. */
    public static void execute(String havenDbUrl, String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcOf(havenDbUrl), "postgres", "");
                Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
