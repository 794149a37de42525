package org.haven.gateway.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.haven.gateway.store.AdvisoryLock;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic jobs that must run on one gateway at a time when several share one PostgreSQL (retention
 * purge, future housekeeping).
 *
 * <p>A run holds a session-level advisory lock ({@code pg_try_advisory_lock}) on a connection it
 * keeps for the whole run. Another instance that tries meanwhile skips its turn instead of waiting.
 * If the holder dies, its connection drops and PostgreSQL releases the lock, so no lease or
 * clean-up is needed. The lock key is derived from the job's name, under a {@code haven.job.}
 * prefix so it does not collide with other users of advisory locks.
 *
 * <p>The lock only makes runs exclusive, not once-per-period: a job must itself be idempotent (as a
 * purge of what is due is), because instances' timers are not aligned.
 */
public final class ClusterJobs {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterJobs.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");

    private final Vertx vertx;
    private final Db db;
    private final Set<Long> timers = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private int running;
    private boolean stopped;
    private Promise<Void> idle;

    public ClusterJobs(Vertx vertx, Db db) {
        this.vertx = vertx;
        this.db = db;
    }

    /**
     * Stops scheduling and refuses new runs; the future completes once the runs in flight have
     * finished (and released their locks), so the db can close after it.
     */
    public Future<Void> stop() {
        timers.forEach(vertx::cancelTimer);
        synchronized (lock) {
            stopped = true;
            if (running == 0) {
                return Future.succeededFuture();
            }
            if (idle == null) {
                idle = Promise.promise();
            }
            return idle.future();
        }
    }

    private void finished() {
        Promise<Void> done = null;
        synchronized (lock) {
            running--;
            if (running == 0 && stopped && idle != null) {
                done = idle;
            }
        }
        if (done != null) {
            done.tryComplete();
        }
    }

    /**
     * Runs {@code work} unless another instance (or another run here) is running the job of the
     * same name. Completes with {@code true} if it ran, {@code false} if it was skipped; fails if
     * the work failed.
     */
    public Future<Boolean> runExclusively(String name, Supplier<Future<?>> work) {
        long key = lockKey(name);
        synchronized (lock) {
            if (stopped) {
                return Future.succeededFuture(false);
            }
            running++;
        }
        return runLocked(name, key, work).onComplete(ar -> finished());
    }

    private Future<Boolean> runLocked(String name, long key, Supplier<Future<?>> work) {
        long t0 = System.nanoTime();
        return AdvisoryLock.runIfFree(db, key, () -> work.get().map(done -> true))
                .transform(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event=job_failed job={} kind={}",
                                        name,
                                        ar.cause().getClass().getSimpleName());
                                return Future.failedFuture(ar.cause());
                            }
                            if (ar.result().isEmpty()) {
                                LOG.debug("event=job_skipped job={}", name);
                                return Future.succeededFuture(false);
                            }
                            LOG.info(
                                    "event=job_ran job={} millis={}",
                                    name,
                                    (System.nanoTime() - t0) / 1_000_000);
                            return Future.succeededFuture(true);
                        });
    }

    /**
     * Runs the job every {@code period} on this instance, exclusively across instances; returns the
     * timer id (cancel it with {@link Vertx#cancelTimer}, or stop them all with {@link #stop}).
     * Failures are logged, and the job tries again at its next turn.
     */
    public long schedule(String name, Duration period, Supplier<Future<?>> work) {
        lockKey(name);
        long timer =
                vertx.setPeriodic(
                        period.toMillis(), id -> runExclusively(name, work).onFailure(err -> {}));
        timers.add(timer);
        return timer;
    }

    /**
     * The advisory lock key of a job: the first 8 bytes of SHA-256 over "haven.job." and its name.
     */
    static long lockKey(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "job names are lower-case letters, digits, '_', '.', '-'");
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(("haven.job." + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
