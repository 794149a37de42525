package org.haven.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * Where Argon2id runs for logins and passphrase changes: a worker pool of its own, as many
 * threads as processors (at most 4), shared by everything on one Vert.x. Each run holds its
 * memory cost (46 MiB at {@code Argon2Params.defaults()}) for as long as it runs, so the pool
 * bounds that memory whatever the number of logins at once, and leaves Vert.x's general worker
 * pool to everything else; more threads than processors would not finish the work any sooner.
 * Tasks run unordered: logins arriving on one event loop still run side by side.
 */
final class PassphraseWork {
    /** The pool's name: every {@link PassphraseWork} of one Vert.x shares it. */
    static final String POOL = "haven-passphrase";

    private final WorkerExecutor executor;

    PassphraseWork(Vertx vertx) {
        this.executor = vertx.createSharedWorkerExecutor(POOL, size());
    }

    /** The pool's size: the processors, at most 4. */
    static int size() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    }

    /** Runs {@code work} (blocking: Argon2id) on the pool. */
    <T> Future<T> run(Callable<T> work) {
        return executor.executeBlocking(work, false);
    }
}
