package org.haven.gateway.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;

/**
 * Where Argon2id runs for logins, passphrase re-entry and passphrase changes: a worker pool of its
 * own, as many threads as processors (at most 4), one per Vert.x ({@link #of}). Each run holds its
 * memory cost (46 MiB at {@code Argon2Params.defaults()}) for as long as it runs, so the pool
 * bounds that memory whatever the number of logins at once, and leaves Vert.x's general worker
 * pool to everything else; more threads than processors would not finish the work any sooner.
 *
 * <p>What waits for the pool is bounded too: at most {@link #queueLimit()} tasks wait beyond the
 * running ones, and one client has at most {@value #PER_CLIENT} tasks running or waiting. A task
 * past either limit is not run: it fails at once with {@link Busy}, which the routes answer with
 * 503 (the whole queue) or 429 (the client's share) and a {@code Retry-After}. So a client sending
 * logins by the dozen delays another's by at most the runs already under way, and a flood from many
 * clients is turned away in microseconds instead of waiting minutes.
 *
 * <p>A browser an account logged in from lately ({@link DeviceCookie}, a client key starting
 * {@code device:}) goes ahead of every other waiting task and has {@link #RESERVED} places of its
 * own beyond the queue limit: a flood from unknown clients does not keep coordinators' usual
 * browsers out.
 */
final class PassphraseWork {
    /** The pool's name (its threads are named after it). */
    static final String POOL = "haven-passphrase";
    /** Tasks one client may have running or waiting at once. */
    static final int PER_CLIENT = 2;
    /** Places beyond the queue limit that only known devices' tasks may take. */
    static final int RESERVED = 4;
    /** The client of tasks started by no request (the command line). */
    static final String LOCAL = "local";

    private static final Map<Vertx, PassphraseWork> BY_VERTX = new WeakHashMap<>();

    /** Why a task was not run. */
    static final class Busy extends RuntimeException {
        private final boolean queueFull;

        Busy(boolean queueFull) {
            super(queueFull ? "passphrase queue full" : "too many passphrase checks from one client", null, false, false);
            this.queueFull = queueFull;
        }

        /** True when the whole queue was full (503), false when the client had its share (429). */
        boolean queueFull() {
            return queueFull;
        }
    }

    private final ThreadPoolExecutor executor;
    private final AtomicLong sequence = new AtomicLong();
    private final int threads;
    private final int queueLimit;
    private final Map<String, Integer> byClient = new HashMap<>();
    private final LongAdder argon2Runs = new LongAdder();
    private int inFlight;
    private int peak;

    private PassphraseWork(int threads, int queueLimit) {
        this.threads = threads;
        this.queueLimit = queueLimit;
        AtomicInteger named = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new PriorityBlockingQueue<>(), r -> {
            Thread t = new Thread(r, POOL + "-" + named.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);   // a closed Vert.x leaves no threads behind
    }

    /** A task in the queue: known devices' first, then in arrival order. */
    private record Task(boolean known, long seq, Runnable body) implements Runnable, Comparable<Task> {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(Task o) {
            return known != o.known ? (known ? -1 : 1) : Long.compare(seq, o.seq);
        }
    }

    /** The pool of {@code vertx}: one per Vert.x, shared by everything that checks passphrases on it. */
    static PassphraseWork of(Vertx vertx) {
        synchronized (BY_VERTX) {
            return BY_VERTX.computeIfAbsent(vertx, v -> new PassphraseWork(size(), 4 * size()));
        }
    }

    /** The pool's size: the processors, at most 4. */
    static int size() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** How many tasks may wait beyond the running ones. */
    int queueLimit() {
        return queueLimit;
    }

    /** The threads the pool has now (at most {@link #size()}). */
    int threads() {
        return executor.getPoolSize();
    }

    /** The most tasks that were running or waiting at once since start. */
    synchronized int peak() {
        return peak;
    }

    /** Argon2id runs made through {@link #verify} and {@link #open} since start. */
    long argon2Runs() {
        return argon2Runs.sum();
    }

    /**
     * Runs {@code work} (blocking: Argon2id) on the pool for {@code client} (a client address or
     * device key, or {@link #LOCAL}), or fails at once with {@link Busy}.
     */
    <T> Future<T> run(String client, Callable<T> work) {
        boolean known = client.startsWith("device:");
        synchronized (this) {
            if (inFlight >= threads + queueLimit + (known ? RESERVED : 0)) {
                return Future.failedFuture(new Busy(true));
            }
            int mine = byClient.getOrDefault(client, 0);
            if (mine >= PER_CLIENT && !LOCAL.equals(client)) {
                return Future.failedFuture(new Busy(false));
            }
            byClient.put(client, mine + 1);
            inFlight++;
            peak = Math.max(peak, inFlight);
        }
        Context context = Vertx.currentContext();
        Promise<T> promise = Promise.promise();
        executor.execute(new Task(known, sequence.incrementAndGet(), () -> {
            T result;
            try {
                result = work.call();
            } catch (Throwable e) {
                done(client);
                answer(context, () -> promise.fail(e));
                return;
            }
            done(client);
            answer(context, () -> promise.complete(result));
        }));
        return promise.future();
    }

    private static void answer(Context context, Runnable completion) {
        if (context == null) {
            completion.run();
        } else {
            context.runOnContext(v -> completion.run());
        }
    }

    private synchronized void done(String client) {
        inFlight--;
        byClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** {@link PassphraseHash#verify}, counted. */
    boolean verify(String hash, String passphrase) throws GeneralSecurityException {
        argon2Runs.increment();
        return PassphraseHash.verify(hash, passphrase.toCharArray());
    }

    /** {@link PassphraseBox#open}, counted. */
    byte[] open(byte[] box, String passphrase) throws GeneralSecurityException {
        argon2Runs.increment();
        return PassphraseBox.open(box, passphrase.toCharArray());
    }
}
