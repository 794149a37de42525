package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/**
 * Runs work in one transaction, like {@code Pool.withTransaction}, but without waiting for
 * {@code BEGIN} to be answered: the client sends it together with the work's first statements
 * (PostgreSQL runs them in order on the connection), one round trip fewer on every dialogue
 * step. Commits when the work succeeds; rolls back, and fails with the work's error, otherwise.
 */
public final class Transactions {
    private Transactions() {
    }

    /** Runs {@code work} in a transaction on a connection of {@code pool}. */
    public static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
        return pool.getConnection().compose(conn -> {
            Future<Transaction> begun = conn.begin();
            Future<T> result;
            try {
                result = work.apply(conn);
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            Future<T> done = result;
            return begun.compose(tx -> done.transform(ar -> ar.succeeded()
                    ? tx.commit().map(ar.result())
                    : tx.rollback().transform(rolledBack -> Future.<T>failedFuture(ar.cause()))))
                    .andThen(ar -> conn.close());
        });
    }
}
