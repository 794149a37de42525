package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StepBatches}: steps that wait in one lane commit in one transaction, each in its own
 * savepoint, on a real PostgreSQL. A first step that the test holds open keeps the lane busy, so
 * that the steps queued behind it form the next batch, deterministically.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StepBatchesTest {
    private static final byte[] KEY = {1, 2, 3, 4};

    private Vertx vertx;
    private Pool pool;
    private final List<Integer> sizes = Collections.synchronizedList(new ArrayList<>());
    private StepBatches batches;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        pool = TestPostgres.newPool(vertx, 2);
        await(
                pool.query(
                                "CREATE TABLE t (n int PRIMARY KEY);"
                                        + " CREATE TABLE d (n int UNIQUE DEFERRABLE INITIALLY DEFERRED);"
                                        + " CREATE TABLE inbound_seen (message_key bytea PRIMARY KEY)")
                        .execute());
        batches = new StepBatches(Db.of(pool), 2, 8, sizes::add);
    }

    @AfterEach
    void tearDown() throws Exception {
        await(pool.close());
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private List<Integer> rows(String table) throws Exception {
        List<Integer> found = new ArrayList<>();
        await(pool.query("SELECT n FROM " + table + " ORDER BY n").execute())
                .forEach(r -> found.add(r.getInteger(0)));
        return found;
    }

    private static Future<Long> insert(Db tx, String table, int n) {
        return tx.preparedQuery("INSERT INTO " + table + " VALUES ($1) RETURNING txid_current()")
                .execute(Tuple.of(n))
                .map(rs -> rs.iterator().next().getLong(0));
    }

    /** Holds the lane: its step inserts 0, then waits for the returned promise. */
    private Promise<Void> holdLane() {
        Promise<Void> gate = Promise.promise();
        batches.run(KEY, tx -> insert(tx, "t", 0).compose(v -> gate.future()));
        return gate;
    }

    private <T> Future<T> step(Function<Db, Future<T>> work) {
        return batches.run(KEY, work);
    }

    /**
     * Verifies that steps queued in a busy lane commit together in one transaction (one commit for
     * all), each completing only after that commit, and that the batch sizes are reported.
     */
    @Test
    void testStepsWaitingTogetherShareOneTransaction() throws Exception {
        Promise<Void> gate = holdLane();
        List<Future<Long>> steps = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int row = n;
            steps.add(step(tx -> insert(tx, "t", row)));
        }
        gate.complete();
        long first = await(steps.get(0));
        for (Future<Long> s : steps) {
            assertEquals(first, await(s), "the waiting steps ran in different transactions");
        }
        assertEquals(List.of(0, 1, 2, 3), rows("t"));
        assertEquals(List.of(1, 3), sizes);
    }

    /**
     * Verifies that a step that fails inside a batch (a real unique violation) fails alone: the
     * others of its batch commit, its after-commit action does not run, and theirs run only once
     * the commit is done (they see their rows from another connection).
     */
    @Test
    void testAFailingStepFailsAloneAndTheOthersCommit() throws Exception {
        Promise<Void> gate = holdLane();
        List<Future<String>> said = Collections.synchronizedList(new ArrayList<>());
        Future<Long> a = step(tx -> insert(tx, "t", 1).andThen(v -> tx.afterCommit(seen(1, said))));
        Future<Long> b =
                step(
                        tx ->
                                insert(tx, "t", 2)
                                        .andThen(v -> tx.afterCommit(seen(2, said)))
                                        .compose(v -> insert(tx, "t", 1)));
        Future<Long> c = step(tx -> insert(tx, "t", 3).andThen(v -> tx.afterCommit(seen(3, said))));
        gate.complete();
        assertEquals(await(a), await(c));
        ExecutionException failed = assertExceptionOf(b);
        assertInstanceOf(PgException.class, failed.getCause());
        assertEquals("23505", ((PgException) failed.getCause()).getSqlState());
        assertEquals(List.of(0, 1, 3), rows("t"), "the failed step's first row stayed");
        assertEquals(List.of("1 committed", "3 committed"), awaitAll(said));
        assertEquals(List.of(1, 2), sizes);
    }

    /**
     * Verifies that a message delivered twice inside one batch is applied once, and that a step
     * undone after its de-duplication insert takes that insert with it, so its retry is applied.
     */
    @Test
    void testADuplicateInsideOneBatchIsAppliedOnce() throws Exception {
        byte[] once = {7};
        byte[] undone = {8};
        Promise<Void> gate = holdLane();
        Future<Boolean> first = step(tx -> InboundSeen.firstSeen(tx, once));
        Future<Boolean> again = step(tx -> InboundSeen.firstSeen(tx, once));
        Future<Boolean> failing =
                step(
                        tx ->
                                InboundSeen.firstSeen(tx, undone)
                                        .compose(
                                                v ->
                                                        Future.failedFuture(
                                                                new IllegalStateException(
                                                                        "the step's work failed"))));
        Future<Boolean> retry = step(tx -> InboundSeen.firstSeen(tx, undone));
        gate.complete();
        assertTrue(await(first));
        assertEquals(false, await(again), "the duplicate was applied again");
        assertExceptionOf(failing);
        assertTrue(await(retry), "the retry of an undone step was taken for a duplicate");
        assertEquals(
                2L,
                await(pool.query("SELECT count(*) FROM inbound_seen").execute())
                        .iterator()
                        .next()
                        .getLong(0));
        assertEquals(List.of(1, 3), sizes);
    }

    /**
     * Verifies that when the batch's COMMIT fails (a deferred unique constraint), every step of it
     * fails, none of its rows stays and no after-commit action runs; the lane then goes on.
     */
    @Test
    void testABatchThatCannotCommitFailsEveryStep() throws Exception {
        Promise<Void> gate = holdLane();
        List<Future<String>> said = Collections.synchronizedList(new ArrayList<>());
        Future<Long> a = step(tx -> insert(tx, "d", 1).andThen(v -> tx.afterCommit(seen(1, said))));
        Future<Long> b = step(tx -> insert(tx, "d", 1).andThen(v -> tx.afterCommit(seen(2, said))));
        gate.complete();
        assertExceptionOf(a);
        assertExceptionOf(b);
        assertEquals(List.of(), rows("d"));
        assertEquals(List.of(), awaitAll(said));
        assertEquals(List.of(0), rows("t"));
        assertNotEquals(0L, (long) await(step(tx -> insert(tx, "t", 5))));
        assertEquals(List.of(0, 5), rows("t"));
    }

    /**
     * Verifies that a step alone in its batch (no savepoint then) that fails leaves nothing behind,
     * and that its lane goes on.
     */
    @Test
    void testAStepAloneThatFailsLeavesNothing() throws Exception {
        Future<Long> alone = step(tx -> insert(tx, "t", 1).compose(v -> insert(tx, "t", 1)));
        assertExceptionOf(alone);
        assertEquals(List.of(), rows("t"));
        await(step(tx -> insert(tx, "t", 2)));
        assertEquals(List.of(2), rows("t"));
        assertEquals(List.of(1), sizes);
    }

    /**
     * Verifies that with one step per batch each step is its own transaction, as without batches.
     */
    @Test
    void testOneStepPerBatchIsOneTransactionPerStep() throws Exception {
        StepBatches single = new StepBatches(Db.of(pool), 2, 1, sizes::add);
        Future<Long> a = single.run(KEY, tx -> insert(tx, "t", 1));
        Future<Long> b = single.run(KEY, tx -> insert(tx, "t", 2));
        assertNotEquals(await(a), await(b));
        assertEquals(List.of(), sizes);
    }

    /** An after-commit action that looks, from another connection, whether row n is there. */
    private Runnable seen(int n, List<Future<String>> said) {
        return () ->
                said.add(
                        pool.query("SELECT 1 FROM t WHERE n = " + n)
                                .execute()
                                .map(rs -> n + (rs.size() == 1 ? " committed" : " not yet")));
    }

    private static List<String> awaitAll(List<Future<String>> said) throws Exception {
        List<String> done = new ArrayList<>();
        for (Future<String> f : List.copyOf(said)) {
            done.add(await(f));
        }
        return done;
    }

    private static ExecutionException assertExceptionOf(Future<?> f) {
        try {
            await(f);
        } catch (ExecutionException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the step succeeded");
    }
}
