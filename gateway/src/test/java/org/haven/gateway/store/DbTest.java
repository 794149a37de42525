package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Transactions}: the work runs inside one transaction that commits on success and rolls back
 * on failure.
 */
class DbTest {
    private Vertx vertx;
    private Pool pool;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        pool = TestPostgres.newPool(vertx, 2);
        await(pool.query("CREATE TABLE t (n int PRIMARY KEY)").execute());
    }

    @AfterEach
    void tearDown() throws Exception {
        await(pool.close());
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private long rows() throws Exception {
        return await(pool.query("SELECT count(*) FROM t").execute()).iterator().next().getLong(0);
    }

    /**
     * Verifies that statements sent before BEGIN is answered are inside the transaction, and are
     * committed together.
     */
    @Test
    void testWorkIsOneCommittedTransaction() throws Exception {
        long[] xids =
                await(
                        Db.of(pool)
                                .transaction(
                                        tx -> {
                                            Future<Long> a =
                                                    tx.preparedQuery(
                                                                    "INSERT INTO t VALUES ($1) RETURNING txid_current()")
                                                            .execute(Tuple.of(1))
                                                            .map(
                                                                    rs ->
                                                                            rs.iterator()
                                                                                    .next()
                                                                                    .getLong(0));
                                            Future<Long> b =
                                                    tx.preparedQuery(
                                                                    "INSERT INTO t VALUES ($1) RETURNING txid_current()")
                                                            .execute(Tuple.of(2))
                                                            .map(
                                                                    rs ->
                                                                            rs.iterator()
                                                                                    .next()
                                                                                    .getLong(0));
                                            return Future.all(a, b)
                                                    .map(v -> new long[] {a.result(), b.result()});
                                        }));
        assertEquals(xids[0], xids[1], "the two statements ran in different transactions");
        assertEquals(2, rows());
    }

    /**
     * Verifies that a failing statement rolls back what the work did before it, and the caller gets
     * the error.
     */
    @Test
    void testFailureRollsBackEverything() throws Exception {
        ExecutionException e =
                assertThrows(
                        ExecutionException.class,
                        () ->
                                await(
                                        Db.of(pool)
                                                .transaction(
                                                        tx ->
                                                                tx.preparedQuery(
                                                                                "INSERT INTO t VALUES ($1)")
                                                                        .execute(Tuple.of(1))
                                                                        .compose(
                                                                                v ->
                                                                                        tx.preparedQuery(
                                                                                                        "INSERT INTO t VALUES ($1)")
                                                                                                .execute(
                                                                                                        Tuple
                                                                                                                .of(
                                                                                                                        1))))));
        assertEquals("23505", ((PgException) e.getCause()).getSqlState());
        assertEquals(0, rows());
    }

    /**
     * Verifies that work failing in Java (not in SQL) also rolls back, and that the connection goes
     * back to the pool.
     */
    @Test
    void testJavaFailureRollsBackAndReleasesConnection() throws Exception {
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertThrows(
                    ExecutionException.class,
                    () ->
                            await(
                                    Db.of(pool)
                                            .transaction(
                                                    tx ->
                                                            tx.preparedQuery(
                                                                            "INSERT INTO t VALUES ($1)")
                                                                    .execute(Tuple.of(n))
                                                                    .map(
                                                                            rs -> {
                                                                                throw new IllegalStateException(
                                                                                        "the engine failed");
                                                                            }))));
        }
        assertEquals(0, rows(), "a failed step left rows behind");
    }
}
