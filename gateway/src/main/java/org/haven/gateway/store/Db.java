package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where the store's statements run: the pool (each statement on its own, committed at once) or one
 * transaction. The rest of the gateway holds a {@code Db} and hands it to store methods, so that
 * several stores' changes commit together, without ever touching the SQL client: only {@code
 * store/} and {@code outbox/} may (ArchitectureTest).
 */
public final class Db {
    private final SqlClient client;

    /**
     * Where {@link #afterCommit} keeps its actions for a step of a shared transaction ({@link
     * StepBatches}), which runs them only if that step is kept; null: they wait for the
     * transaction's own completion.
     */
    private final List<Runnable> stepActions;

    private Db(SqlClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.stepActions = null;
    }

    /** One step's handle on a transaction shared by several steps ({@link StepBatches}). */
    Db(SqlConnection connection, List<Runnable> stepActions) {
        this.client = Objects.requireNonNull(connection, "connection");
        this.stepActions = stepActions;
    }

    /** Statements on {@code pool}, each on its own. */
    public static Db of(Pool pool) {
        return new Db(pool);
    }

    /**
     * Statements on {@code connection}: in its transaction if one is open, else each on its own
     * ({@link #transaction} then begins one on this connection).
     */
    public static Db of(SqlConnection connection) {
        return new Db(connection);
    }

    /** The SQL client behind this handle: for {@code store/} and {@code outbox/} only. */
    public SqlClient client() {
        return client;
    }

    /** A prepared statement on this handle: for {@code store/} and {@code outbox/} only. */
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return client.preparedQuery(sql);
    }

    /** A simple statement on this handle: for {@code store/} and {@code outbox/} only. */
    public Query<RowSet<Row>> query(String sql) {
        return client.query(sql);
    }

    /**
     * A connection of its own (from the pool; or this handle's connection, which the caller then
     * must not close): for what lives as long as a session, such as an advisory lock.
     */
    Future<SqlConnection> connection() {
        if (client instanceof Pool pool) {
            return pool.getConnection();
        }
        throw new IllegalStateException("a connection of its own is taken from a pool");
    }

    /** Whether statements on this handle run inside an open transaction. */
    public boolean inTransaction() {
        return stepActions != null
                || client instanceof SqlConnection conn && conn.transaction() != null;
    }

    /**
     * Runs {@code work} in one transaction: a new one on a connection of the pool (committed when
     * the work succeeds, rolled back, failing with the work's error, otherwise), or the one this
     * handle is already in (the work then commits or rolls back with the caller's).
     *
     * <p>A new transaction does not wait for {@code BEGIN} to be answered: the client sends it
     * together with the work's first statements (PostgreSQL runs them in order on the connection),
     * one round trip fewer on every dialogue step.
     */
    public <T> Future<T> transaction(Function<Db, Future<T>> work) {
        if (inTransaction()) {
            return work.apply(this);
        }
        if (client instanceof Pool pool) {
            return pool.getConnection()
                    .compose(conn -> inNewTransaction(conn, work).andThen(ar -> conn.close()));
        }
        return inNewTransaction((SqlConnection) client, work);
    }

    /**
     * Runs {@code action} once this handle's transaction commits, or at once outside one: for what
     * must be said only of a change that happened.
     */
    public void afterCommit(Runnable action) {
        if (stepActions != null) {
            // a step of a shared transaction: run only if this step is kept and the whole commits
            stepActions.add(action);
        } else if (client instanceof SqlConnection conn && conn.transaction() != null) {
            conn.transaction().completion().onSuccess(v -> action.run());
        } else {
            action.run();
        }
    }

    private static <T> Future<T> inNewTransaction(
            SqlConnection conn, Function<Db, Future<T>> work) {
        Future<Transaction> begun = conn.begin();
        Future<T> result;
        try {
            result = work.apply(new Db(conn));
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        Future<T> done = result;
        return begun.compose(
                tx ->
                        done.transform(
                                ar ->
                                        ar.succeeded()
                                                ? tx.commit().map(ar.result())
                                                : tx.rollback()
                                                        .transform(
                                                                rolledBack ->
                                                                        Future.<T>failedFuture(
                                                                                ar.cause()))));
    }
}
