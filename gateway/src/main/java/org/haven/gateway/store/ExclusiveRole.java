package org.haven.gateway.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A role that one gateway of a cluster holds at a time, for as long as it lives: Telegram's long
 * polling (two pollers of one bot would take each other's updates), exporting the database-wide
 * metrics (two exporters would double every sum). The holder keeps a session-level PostgreSQL
 * advisory lock ({@code pg_try_advisory_lock}) on a connection of its own; the others try again
 * every {@code retry} on theirs. When the holder dies, or its connection drops, PostgreSQL releases
 * the lock and another gateway takes the role at its next try: no lease to expire, nothing to clean
 * up. Unlike {@code ClusterJobs}, whose runs hold the lock for one run each, the role is held until
 * {@link #close}. The lock key is the first 8 bytes of SHA-256 over {@code "haven.role."} and the
 * role's name.
 *
 * <p>{@link Holder#acquired} and {@link Holder#released} are called on the event loop, alternately,
 * starting with {@code acquired}.
 */
public final class ExclusiveRole implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,62}");

    /** What the role's holder does when it gets and loses the role. */
    public interface Holder {
        /** This gateway holds the role now. */
        void acquired();

        /**
         * This gateway no longer holds the role (its connection dropped, or the role was closed).
         */
        void released();
    }

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final long key;
    private final long retryMillis;
    private final Holder holder;
    private boolean closed;
    private boolean held;
    private PgConnection connection;
    private long timer = -1;

    private ExclusiveRole(
            Vertx vertx, PgConnectOptions options, String name, Duration retry, Holder holder) {
        this.vertx = vertx;
        this.options = new PgConnectOptions(options);
        this.key = lockKey(name);
        this.retryMillis = retry.toMillis();
        this.holder = holder;
    }

    /**
     * Starts trying to take the role {@code name} on {@code database}, at once and then every
     * {@code retry}.
     */
    public static ExclusiveRole follow(
            Vertx vertx, Database database, String name, Duration retry, Holder holder) {
        ExclusiveRole role =
                new ExclusiveRole(vertx, database.connectOptions(), name, retry, holder);
        vertx.runOnContext(v -> role.attempt());
        return role;
    }

    /** Whether this gateway holds the role now. */
    public synchronized boolean held() {
        return held;
    }

    private void attempt() {
        synchronized (this) {
            timer = -1;
            if (closed) {
                return;
            }
        }
        PgConnection c = connection;
        if (c == null) {
            PgConnection.connect(vertx, new PgConnectOptions(options))
                    .onComplete(
                            ar -> {
                                if (ar.failed()) {
                                    later();
                                    return;
                                }
                                PgConnection fresh = ar.result();
                                synchronized (this) {
                                    if (closed) {
                                        fresh.close();
                                        return;
                                    }
                                    connection = fresh;
                                }
                                fresh.closeHandler(v -> dropped(fresh));
                                attempt();
                            });
            return;
        }
        c.preparedQuery("SELECT pg_try_advisory_lock($1)")
                .execute(Tuple.of(key))
                .onComplete(
                        ar -> {
                            boolean took;
                            synchronized (this) {
                                took =
                                        ar.succeeded()
                                                && ar.result().iterator().next().getBoolean(0)
                                                && !closed
                                                && connection == c;
                                held = took;
                            }
                            if (took) {
                                holder.acquired();
                            } else {
                                later();
                            }
                        });
    }

    /** The connection closed: the lock went with it. */
    private void dropped(PgConnection c) {
        boolean wasHeld;
        synchronized (this) {
            if (connection != c) {
                return;
            }
            connection = null;
            wasHeld = held;
            held = false;
            if (closed) {
                return;
            }
        }
        if (wasHeld) {
            holder.released();
        }
        later();
    }

    private synchronized void later() {
        if (!closed && timer < 0) {
            timer = vertx.setTimer(retryMillis, id -> attempt());
        }
    }

    /** Gives the role up (closing the connection releases the lock) and stops trying. */
    @Override
    public void close() {
        boolean wasHeld;
        PgConnection c;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            wasHeld = held;
            held = false;
            c = connection;
            connection = null;
        }
        if (wasHeld) {
            holder.released();
        }
        if (c != null) {
            c.close();
        }
    }

    /**
     * The advisory lock key of the role {@code name} (what {@code pg_locks} shows as classid and
     * objid).
     */
    public static long lockKey(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "role names are lower-case letters, digits, '_', '.', '-'");
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(("haven.role." + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
