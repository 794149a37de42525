package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of dialogue steps: several steps share one transaction, each inside its own
 * savepoint, so that one commit (one write of the log to disk) serves them all.
 *
 * <p>A step is given a key (the keyed hash of its conversation's channel and address) and goes to
 * lane {@code key mod lanes}. A lane runs one batch at a time: when it is free, it takes the steps
 * waiting in it, at most {@code maxSteps}, in arrival order; it never waits to fill a batch, so
 * steps share a transaction only when they queue up anyway. So:
 *
 * <ul>
 *   <li>the steps of one conversation run one after the other, in arrival order, and
 *   <li>two lanes never lock the same conversation (no deadlock between this gateway's batches).
 * </ul>
 *
 * <p>A batch is {@code BEGIN}, then per step {@code SAVEPOINT step} sent with the step's first
 * statements (no round trip of its own; {@code BEGIN} goes in the first step's message); a step
 * that succeeds is kept ({@code RELEASE SAVEPOINT}, sent with the next step's {@code SAVEPOINT}),
 * one that fails is undone ({@code ROLLBACK TO SAVEPOINT}) and fails alone: its de-duplication row
 * goes with it, so a retry is not taken for a duplicate. Then {@code COMMIT}, and only then are the
 * steps' futures completed (so a channel acknowledges only what is committed) and the actions they
 * gave {@link Db#afterCommit} run. If the batch cannot commit (the connection is lost, {@code
 * COMMIT} fails), every step of it fails with that error, as its own transaction would have.
 *
 * <p>With {@code maxSteps} 1 there are no lanes: each step is its own transaction ({@link
 * Db#transaction}), as before group commit.
 */
public final class StepBatches {
    private static final Logger LOG = LoggerFactory.getLogger(StepBatches.class);
    private static final String BEGIN = "BEGIN; SAVEPOINT step";
    private static final String COMMIT = "RELEASE SAVEPOINT step; COMMIT";
    private static final String KEEP = "RELEASE SAVEPOINT step; SAVEPOINT step";
    private static final String UNDO = "ROLLBACK TO SAVEPOINT step";

    private final Db db;
    private final int maxSteps;
    private final Lane[] lanes;
    private final IntConsumer committed;

    /**
     * @param db the pool
     * @param lanes how many batches may run at once (the pool's size: each holds a connection)
     * @param maxSteps the most steps in one transaction; 1: each step its own
     * @param committed told the number of steps each shared transaction committed
     */
    public StepBatches(Db db, int lanes, int maxSteps, IntConsumer committed) {
        if (lanes < 1 || maxSteps < 1) {
            throw new IllegalArgumentException("lanes and steps per batch are at least 1");
        }
        this.db = Objects.requireNonNull(db, "db");
        this.maxSteps = maxSteps;
        this.committed = Objects.requireNonNull(committed, "committed");
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) {
            this.lanes[i] = new Lane();
        }
    }

    /** The pool's size, the default number of lanes. */
    public static int poolSize() {
        return Database.poolSize();
    }

    /** The most steps one transaction takes. */
    public int maxSteps() {
        return maxSteps;
    }

    /**
     * Runs {@code work} with a handle on its transaction (shared with other steps when they wait in
     * the same lane); completes with its result once that transaction committed, or fails.
     *
     * @param key what decides the lane: equal for every step of one conversation
     */
    public <T> Future<T> run(byte[] key, Function<Db, Future<T>> work) {
        if (maxSteps == 1) {
            return db.transaction(work);
        }
        Step<T> step = new Step<>(work);
        Lane lane = lanes[Math.floorMod(hash(key), lanes.length)];
        if (lane.add(step)) {
            next(lane);
        }
        return step.promise.future();
    }

    private static int hash(byte[] key) {
        int h = 0;
        for (int i = 0; i < Math.min(4, key.length); i++) {
            h = h << 8 | key[i] & 0xff;
        }
        return h;
    }

    private void next(Lane lane) {
        List<Step<?>> batch = lane.take(maxSteps);
        if (batch.isEmpty()) {
            return;
        }
        Future<Void> done;
        try {
            done = db.connection().compose(conn -> run(conn, batch).andThen(ar -> conn.close()));
        } catch (RuntimeException e) {
            done = Future.failedFuture(e);
        }
        done.onComplete(
                ar -> {
                    if (ar.failed()) {
                        batch.forEach(s -> s.fail(ar.cause()));
                    }
                    next(lane);
                });
    }

    /**
     * One batch on one connection: fails only when the transaction as a whole did not commit.
     *
     * <p>{@code BEGIN} and {@code COMMIT} are statements of their own here, not the client's {@code
     * Transaction}: that one rolls back at the end once any statement failed, even one undone by
     * {@code ROLLBACK TO SAVEPOINT}. The last {@code RELEASE SAVEPOINT} goes in one message with
     * {@code COMMIT}: it fails if the transaction is aborted after all (a step that recovered from
     * a failed statement on its own), and then {@code COMMIT} is not run.
     */
    private Future<Void> run(SqlConnection conn, List<Step<?>> batch) {
        List<Future<?>> control = new ArrayList<>();
        // a step alone needs no savepoint: it is the whole transaction, as without batches
        boolean alone = batch.size() == 1;
        Future<Void> steps;
        if (alone) {
            // sent with the step's first statements; a failed step rolls the transaction back
            control.add(conn.query("BEGIN").execute());
            Step<?> only = batch.get(0);
            steps = only.start(new Db(conn, only.actions));
        } else {
            steps = stepAt(conn, batch, 0, BEGIN, control);
        }
        return steps.compose(v -> Future.join(control))
                .compose(v -> conn.query(alone ? "COMMIT" : COMMIT).execute())
                .transform(
                        ar -> {
                            if (ar.failed()) {
                                return conn.query("ROLLBACK")
                                        .execute()
                                        .transform(r -> Future.<Void>failedFuture(ar.cause()));
                            }
                            int kept = 0;
                            for (Step<?> s : batch) {
                                kept += s.committed() ? 1 : 0;
                            }
                            committed.accept(kept);
                            return Future.<Void>succeededFuture();
                        });
    }

    /**
     * Runs the step at {@code i} inside a savepoint, then the next; {@code open} is what opens its
     * savepoint (none after an undo: {@code ROLLBACK TO} keeps the savepoint).
     */
    private Future<Void> stepAt(
            SqlConnection conn, List<Step<?>> batch, int i, String open, List<Future<?>> control) {
        if (i == batch.size()) {
            return Future.succeededFuture();
        }
        if (open != null) {
            // not waited for: the step's first statements go out behind it
            control.add(conn.query(open).execute());
        }
        Step<?> step = batch.get(i);
        return step.start(new Db(conn, step.actions))
                .transform(
                        ar -> {
                            if (ar.succeeded()) {
                                return stepAt(conn, batch, i + 1, KEEP, control);
                            }
                            control.add(conn.query(UNDO).execute());
                            return stepAt(conn, batch, i + 1, null, control);
                        });
    }

    /** A step waiting in its lane, then its outcome until the batch's commit says what it is. */
    private static final class Step<T> {
        final Function<Db, Future<T>> work;
        final Promise<T> promise = Promise.promise();
        final List<Runnable> actions = new ArrayList<>();
        T result;
        Throwable error;
        boolean done;

        Step(Function<Db, Future<T>> work) {
            this.work = work;
        }

        /** Runs the work; the future fails when the step is to be undone. */
        Future<Void> start(Db tx) {
            Future<T> f;
            try {
                f = work.apply(tx);
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            return f.transform(
                    ar -> {
                        if (ar.succeeded()) {
                            result = ar.result();
                            done = true;
                            return Future.succeededFuture();
                        }
                        error = ar.cause();
                        actions.clear();
                        return Future.failedFuture(ar.cause());
                    });
        }

        /** After the commit: true if this step was kept (its actions run, its future completes). */
        boolean committed() {
            if (!done) {
                promise.fail(error != null ? error : new IllegalStateException("step not run"));
                return false;
            }
            actions.forEach(Step::runQuietly);
            promise.complete(result);
            return true;
        }

        /** The batch did not commit: this step fails with its own error, or with the batch's. */
        void fail(Throwable batchError) {
            promise.tryFail(error != null ? error : batchError);
        }

        private static void runQuietly(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                // one step's after-commit action must not keep the others' from running
                LOG.warn("event=after_commit_failed kind={}", e.getClass().getSimpleName());
            }
        }
    }

    /** The steps waiting for one lane, and whether a batch of it runs. */
    private static final class Lane {
        private final ArrayDeque<Step<?>> waiting = new ArrayDeque<>();
        private boolean busy;

        /** Queues {@code step}; true if the lane was free, so the caller starts a batch. */
        synchronized boolean add(Step<?> step) {
            waiting.add(step);
            if (busy) {
                return false;
            }
            busy = true;
            return true;
        }

        /** The next batch, at most {@code max} steps; empty (and the lane free) when none wait. */
        synchronized List<Step<?>> take(int max) {
            List<Step<?>> batch = new ArrayList<>(Math.min(max, waiting.size()));
            while (batch.size() < max && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            if (batch.isEmpty()) {
                busy = false;
            }
            return batch;
        }
    }
}
