package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which failures of a dialogue step mean "PostgreSQL cannot be reached" (the message is then
 * spooled and acknowledged) and which are errors of their own. The failures are the driver's own,
 * from a real PostgreSQL, except where noted.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DatabaseUnavailableTest {
    private static Vertx vertx;
    private static PgConnectOptions options;

    @BeforeAll
    static void connect() throws Exception {
        vertx = Vertx.vertx();
        URI url = URI.create(TestPostgres.newDatabase());
        options =
                new PgConnectOptions()
                        .setHost(url.getHost())
                        .setPort(url.getPort())
                        .setDatabase(url.getPath().substring(1))
                        .setUser("postgres")
                        .setPassword("x");
    }

    @AfterAll
    static void close() throws Exception {
        await(vertx.close());
    }

    /**
     * Verifies that a write to a connection the server has just closed ("Broken pipe", raised by
     * the transport as a plain IOException while PostgreSQL shuts down) counts as unreachable. It
     * did not: the webhook that met it was answered 500 instead of being spooled, and the outage
     * run failed on it ("1 webhooks were not acknowledged").
     */
    @Test
    void testBrokenPipeOnWriteIsUnavailable() {
        // as netty's NioSocketChannel.doWrite raises it, wrapped as the pool passes it on
        assertTrue(DatabaseUnavailable.is(new IOException("Broken pipe")));
        assertTrue(
                DatabaseUnavailable.is(
                        new IllegalStateException("step failed", new IOException("Broken pipe"))));
        assertTrue(DatabaseUnavailable.is(new SocketException("Connection reset")));
    }

    /** Verifies that a connection refused (nothing listens on the port) counts as unreachable. */
    @Test
    void testRefusedConnectIsUnavailable() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Throwable refused =
                failure(
                        PgBuilder.client()
                                .connectingTo(new PgConnectOptions(options).setPort(closed))
                                .using(vertx)
                                .build()
                                .query("SELECT 1")
                                .execute());
        assertTrue(DatabaseUnavailable.is(refused), refused.toString());
    }

    /**
     * Verifies that a connection the server terminates (what a fast shutdown does to every session:
     * FATAL 57P01, then the socket closes) counts as unreachable, on the statement that meets it
     * and on the next one.
     */
    @Test
    void testTerminatedConnectionIsUnavailable() throws Exception {
        SqlConnection victim = await(PgConnection.connect(vertx, options));
        int pid =
                await(victim.query("SELECT pg_backend_pid()").execute())
                        .iterator()
                        .next()
                        .getInteger(0);
        SqlConnection admin = await(PgConnection.connect(vertx, options));
        await(admin.query("SELECT pg_terminate_backend(" + pid + ")").execute());
        Throwable first = failure(victim.query("SELECT 1").execute());
        Throwable second = failure(victim.query("SELECT 1").execute());
        assertTrue(DatabaseUnavailable.is(first), first.toString());
        assertTrue(DatabaseUnavailable.is(second), second.toString());
        admin.close();
    }

    /**
     * Verifies that a database that accepts no connections (ALLOW_CONNECTIONS false, as for
     * maintenance: SQLSTATE 55000 at connect) counts as unreachable. The outage tests make the
     * database away this way; a busy machine met this error before a terminated connection, and the
     * message was refused instead of spooled.
     */
    @Test
    void testDatabaseNotAcceptingConnectionsIsUnavailable() throws Exception {
        String url = TestPostgres.newDatabase();
        URI u = URI.create(url);
        TestPostgres.away(url, true);
        Throwable closed =
                failure(
                        PgConnection.connect(
                                vertx,
                                new PgConnectOptions(options)
                                        .setPort(u.getPort())
                                        .setDatabase(u.getPath().substring(1))));
        assertTrue(DatabaseUnavailable.is(closed), closed.toString());
    }

    /**
     * Verifies that the server out of a resource (SQLSTATE class 53: disk full, out of memory, too
     * many connections) counts as unreachable: the message is kept in the spool until the database
     * can take it, rather than refused to a provider that may give up retrying.
     */
    @Test
    void testInsufficientResourcesAreUnavailable() {
        for (String state : new String[] {"53000", "53100", "53200", "53300"}) {
            PgException e = new PgException("could not extend file", "ERROR", state, null);
            assertTrue(DatabaseUnavailable.is(new RuntimeException("step failed", e)), state);
        }
        assertFalse(
                DatabaseUnavailable.is(new PgException("lock on a row", "ERROR", "55P03", null)));
    }

    /**
     * Verifies that errors the server answered about a statement, and bugs of ours, are not taken
     * for an outage.
     */
    @Test
    void testStatementErrorsAndBugsAreNotUnavailable() throws Exception {
        SqlConnection c = await(PgConnection.connect(vertx, options));
        try {
            Throwable syntax = failure(c.query("SELEC 1").execute());
            Throwable missing = failure(c.query("SELECT * FROM no_such_table").execute());
            await(
                    c.query(
                                    "CREATE TEMP TABLE once (n int PRIMARY KEY); INSERT INTO once VALUES (1)")
                            .execute());
            Throwable unique = failure(c.query("INSERT INTO once VALUES (1)").execute());
            assertFalse(DatabaseUnavailable.is(syntax), syntax.toString());
            assertFalse(DatabaseUnavailable.is(missing), missing.toString());
            assertFalse(DatabaseUnavailable.is(unique), unique.toString());
        } finally {
            c.close();
        }
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("state decryption failed")));
        assertFalse(
                DatabaseUnavailable.is(
                        new IllegalStateException(
                                "sealing failed",
                                new GeneralSecurityException("no recipient to seal to"))));
    }

    private static Throwable failure(Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
