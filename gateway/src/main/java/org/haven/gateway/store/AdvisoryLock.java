package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Work that one process at a time may do across every gateway and tool on a database: it runs
 * holding a session-level PostgreSQL advisory lock ({@code pg_try_advisory_lock}) on a connection
 * of its own, given back when the work ends, and when the connection does (a process that dies
 * mid-work frees the lock with its connection).
 */
public final class AdvisoryLock {
    private AdvisoryLock() {}

    /**
     * Runs {@code work} holding the lock {@code key}, if no other session holds it; empty, and
     * {@code work} not run, when one does. Fails with the work's error, once the lock is given
     * back.
     */
    public static <T> Future<Optional<T>> runIfFree(Db db, long key, Supplier<Future<T>> work) {
        return db.connection()
                .compose(
                        conn -> {
                            Db session = Db.of(conn);
                            return session.preparedQuery("SELECT pg_try_advisory_lock($1)")
                                    .execute(Tuple.of(key))
                                    .compose(
                                            rs -> {
                                                if (!rs.iterator().next().getBoolean(0)) {
                                                    return Future.succeededFuture(
                                                            Optional.<T>empty());
                                                }
                                                Future<T> run;
                                                try {
                                                    run = work.get();
                                                } catch (RuntimeException e) {
                                                    run = Future.failedFuture(e);
                                                }
                                                return run.map(Optional::ofNullable)
                                                        .eventually(
                                                                () ->
                                                                        session.preparedQuery(
                                                                                        "SELECT pg_advisory_unlock($1)")
                                                                                .execute(
                                                                                        Tuple.of(
                                                                                                key)));
                                            })
                                    .eventually(conn::close);
                        });
    }
}
