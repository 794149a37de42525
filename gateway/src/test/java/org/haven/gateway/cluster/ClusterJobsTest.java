package org.haven.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.haven.gateway.store.Db;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Exclusive periodic jobs across gateways, against a real PostgreSQL. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClusterJobsTest {
    private static EmbeddedPostgres postgres;
    private static Vertx vertx;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        await(vertx.close());
        postgres.close();
    }

    private static Pool pool() {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(2))
                .connectingTo(
                        new PgConnectOptions()
                                .setHost("127.0.0.1")
                                .setPort(postgres.getPort())
                                .setDatabase("postgres")
                                .setUser("postgres"))
                .using(vertx)
                .build();
    }

    /**
     * Verifies that while one instance runs a job, another instance's attempt is skipped, and runs
     * again afterwards.
     */
    @Test
    void testSecondInstanceSkipsWhileFirstRuns() throws Exception {
        Pool poolA = pool();
        Pool poolB = pool();
        try {
            ClusterJobs a = new ClusterJobs(vertx, Db.of(poolA));
            ClusterJobs b = new ClusterJobs(vertx, Db.of(poolB));
            Promise<Void> release = Promise.promise();
            AtomicInteger runs = new AtomicInteger();
            Future<Boolean> first =
                    a.runExclusively(
                            "retention.purge",
                            () -> {
                                runs.incrementAndGet();
                                return release.future();
                            });
            waitUntil(() -> runs.get() == 1);
            assertFalse(
                    await(
                            b.runExclusively(
                                    "retention.purge",
                                    () -> {
                                        runs.incrementAndGet();
                                        return Future.succeededFuture();
                                    })),
                    "ran twice at once");
            assertTrue(
                    await(b.runExclusively("other.job", Future::succeededFuture)),
                    "an unrelated job was blocked");
            vertx.runOnContext(v -> release.complete());
            assertTrue(await(first));
            assertTrue(
                    await(
                            b.runExclusively(
                                    "retention.purge",
                                    () -> {
                                        runs.incrementAndGet();
                                        return Future.succeededFuture();
                                    })),
                    "the lock was not released");
            assertEquals(2, runs.get());
        } finally {
            await(poolA.close());
            await(poolB.close());
        }
    }

    /** Verifies that a failing job releases the lock and fails the caller. */
    @Test
    void testFailedJobReleasesTheLock() throws Exception {
        Pool p = pool();
        try {
            ClusterJobs jobs = new ClusterJobs(vertx, Db.of(p));
            assertThrows(
                    Exception.class,
                    () ->
                            await(
                                    jobs.runExclusively(
                                            "failing",
                                            () ->
                                                    Future.failedFuture(
                                                            new IllegalStateException("boom")))));
            assertTrue(await(jobs.runExclusively("failing", Future::succeededFuture)));
        } finally {
            await(p.close());
        }
    }

    /**
     * Verifies that when the instance holding a job dies (its connections drop), another instance
     * can run it.
     */
    @Test
    void testDeadHolderReleasesTheLock() throws Exception {
        Pool dying = pool();
        Pool survivor = pool();
        try {
            AtomicInteger started = new AtomicInteger();
            new ClusterJobs(vertx, Db.of(dying))
                    .runExclusively(
                            "sweep",
                            () -> {
                                started.incrementAndGet();
                                return Promise.promise()
                                        .future(); // never finishes: the instance dies mid-run
                            });
            waitUntil(() -> started.get() == 1);
            ClusterJobs other = new ClusterJobs(vertx, Db.of(survivor));
            assertFalse(await(other.runExclusively("sweep", Future::succeededFuture)));
            await(dying.close());
            waitUntil(
                    () -> {
                        try {
                            return await(other.runExclusively("sweep", Future::succeededFuture));
                        } catch (Exception e) {
                            return false;
                        }
                    });
        } finally {
            await(survivor.close());
        }
    }

    /** Verifies that lock keys are stable, distinct per name, and that odd names are refused. */
    @Test
    void testLockKeysAreStableAndNamesChecked() {
        assertEquals(
                ClusterJobs.lockKey("retention.purge"), ClusterJobs.lockKey("retention.purge"));
        assertNotEquals(
                ClusterJobs.lockKey("retention.purge"), ClusterJobs.lockKey("outbox.sweep"));
        assertThrows(IllegalArgumentException.class, () -> ClusterJobs.lockKey("Bad Name"));
        assertThrows(IllegalArgumentException.class, () -> ClusterJobs.lockKey(""));
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            Thread.sleep(50);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }
}
