package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the administrator's tools that a gateway is serving on a database: every running gateway
 * holds a shared PostgreSQL advisory lock on a connection of its own, and a tool that must not run
 * beside a gateway (the rotation of a single node's server keyring, which the running gateway holds
 * in memory) asks for the same lock exclusively and is refused while any gateway holds it. The
 * gateway takes the lock again when its connection comes back after an outage.
 */
public final class ServingLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServingLock.class);

    /** The advisory lock key: the first 8 bytes of SHA-256("haven.serving"). */
    static final long KEY = key();

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile PgConnection connection;

    private ServingLock(Vertx vertx, PgConnectOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    /**
     * Takes the shared lock (waiting while a tool holds it exclusively) and keeps it until closed.
     */
    public static Future<ServingLock> hold(Vertx vertx, PgConnectOptions options) {
        ServingLock lock = new ServingLock(vertx, options);
        return lock.connect().map(lock);
    }

    private Future<Void> connect() {
        return PgConnection.connect(vertx, new PgConnectOptions(options))
                .compose(
                        c ->
                                c.preparedQuery("SELECT pg_advisory_lock_shared($1)")
                                        .execute(Tuple.of(KEY))
                                        .map(
                                                rs -> {
                                                    connection = c;
                                                    c.closeHandler(
                                                            v -> {
                                                                if (!closed.get()) {
                                                                    LOG.warn(
                                                                            "event=serving_lock_lost");
                                                                    retry(1000);
                                                                }
                                                            });
                                                    if (closed.get()) {
                                                        c.close();
                                                    }
                                                    return null;
                                                }));
    }

    private void retry(long delay) {
        vertx.setTimer(
                delay,
                id -> {
                    if (!closed.get()) {
                        connect()
                                .onSuccess(v -> LOG.info("event=serving_lock_taken_again"))
                                .onFailure(err -> retry(Math.min(delay * 2, 30_000)));
                    }
                });
    }

    /**
     * Takes the lock exclusively for the work of a tool, if no gateway is serving on the database;
     * false when one is. The lock is the session's: it ends with {@code client}'s connection.
     */
    public static Future<Boolean> tryExclusive(Db client) {
        return client.preparedQuery("SELECT pg_try_advisory_lock($1)")
                .execute(Tuple.of(KEY))
                .map(rs -> rs.iterator().next().getBoolean(0));
    }

    /** Gives back the exclusive lock {@link #tryExclusive} took on {@code client}'s connection. */
    public static Future<Void> release(Db client) {
        return client.preparedQuery("SELECT pg_advisory_unlock($1)")
                .execute(Tuple.of(KEY))
                .mapEmpty();
    }

    /**
     * Runs {@code work} (a tool's) holding the lock exclusively, on a connection of its own taken
     * from {@code database}'s pool; empty, and {@code work} not run, while a gateway serves.
     */
    public static <T> Future<Optional<T>> alone(Database database, Supplier<Future<T>> work) {
        return AdvisoryLock.runIfFree(database.db(), KEY, work);
    }

    private static long key() {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest("haven.serving".getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            PgConnection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
