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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.haven.crypto.Argon2Memory;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;

/**
 * Where Argon2id runs for logins, passphrase re-entry and passphrase changes: worker threads of its
 * own, one set per Vert.x ({@link #of}), as many as processors (at most 4). Each thread holds its
 * memory cost (46 MiB at {@code Argon2Params.defaults()}), reused from run to run, until 60 s after
 * its last run, so the threads bound that memory whatever the number of logins at once, and leave
 * Vert.x's general worker pool to everything else; more threads than processors would not finish
 * the work any sooner.
 *
 * <p>The threads are in two lanes. The <b>open lane</b> ({@link #size()} − 1 threads, at least one)
 * runs every client's checks. The <b>known lane</b> (one thread) runs only those of browsers an
 * account logged in from lately ({@link DeviceCookie}, a client key starting {@code device:}) and
 * of the command line; such a check takes an idle open thread when its own lane is busy. So a flood
 * of logins from unknown clients holds at most all processors but one, and a coordinator's usual
 * browser finds a processor and a thread free: its login does not wait behind the flood's.
 *
 * <p>What waits is bounded too: at most {@link #queueLimit()} tasks wait beyond the running ones,
 * and one client has at most {@value #PER_CLIENT} tasks running or waiting. A task past either
 * limit is not run: it fails at once with {@link Busy}, which the routes answer with 503 (the whole
 * queue) or 429 (the client's share) and a {@code Retry-After}. Known devices have {@link
 * #RESERVED} places of their own beyond the queue limit.
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
            super(
                    queueFull
                            ? "passphrase queue full"
                            : "too many passphrase checks from one client",
                    null,
                    false,
                    false);
            this.queueFull = queueFull;
        }

        /** True when the whole queue was full (503), false when the client had its share (429). */
        boolean queueFull() {
            return queueFull;
        }
    }

    private final ThreadPoolExecutor open;
    private final ThreadPoolExecutor known;
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
        this.open = lane(Math.max(1, threads - 1), named);
        this.known = lane(1, named);
    }

    private static ThreadPoolExecutor lane(int threads, AtomicInteger named) {
        ThreadPoolExecutor lane =
                new ThreadPoolExecutor(
                        threads,
                        threads,
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> new WorkThread(r, POOL + "-" + named.incrementAndGet()));
        lane.allowCoreThreadTimeOut(true); // a closed Vert.x leaves no threads behind
        return lane;
    }

    /**
     * The pool of {@code vertx}: one per Vert.x, shared by everything that checks passphrases on
     * it.
     */
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

    /** The threads the pool has now (at most {@link #maxThreads()}). */
    int threads() {
        return open.getPoolSize() + known.getPoolSize();
    }

    /** The most threads the pool has: {@link #size()}, or two on one processor (one a lane). */
    static int maxThreads() {
        return Math.max(1, size() - 1) + 1;
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
        boolean knownClient = client.startsWith("device:") || LOCAL.equals(client);
        synchronized (this) {
            if (inFlight >= threads + queueLimit + (knownClient ? RESERVED : 0)) {
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
        lane(knownClient)
                .execute(
                        () -> {
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
                        });
        return promise.future();
    }

    /**
     * The lane a task runs in: known clients' own, unless it is busy and an open thread is idle.
     */
    private ThreadPoolExecutor lane(boolean knownClient) {
        if (!knownClient) {
            return open;
        }
        boolean knownBusy = known.getActiveCount() > 0 || !known.getQueue().isEmpty();
        boolean openIdle =
                open.getActiveCount() < open.getMaximumPoolSize() && open.getQueue().isEmpty();
        return knownBusy && openIdle ? open : known;
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
        return PassphraseHash.verify(hash, passphrase.toCharArray(), memory());
    }

    /** {@link PassphraseBox#open}, counted. */
    byte[] open(byte[] box, String passphrase) throws GeneralSecurityException {
        argon2Runs.increment();
        return PassphraseBox.open(box, passphrase.toCharArray(), memory());
    }

    /**
     * The working memory of the pool's thread that runs this, or null on any other thread (a run
     * there allocates its own).
     */
    static Argon2Memory memory() {
        return Thread.currentThread() instanceof WorkThread t ? t.memory : null;
    }

    /**
     * A thread of the pool, with Argon2id's working memory at the default cost kept from one run to
     * the next (a fifth of a run's time was allocating it): the memory a running thread holds
     * anyway, now held until the thread ends, 60 s after its last run.
     */
    private static final class WorkThread extends Thread {
        final Argon2Memory memory = new Argon2Memory(Argon2Params.defaults());

        WorkThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }
}
