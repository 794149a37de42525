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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A role one gateway of a cluster has at a time, for as long as it lives: a session-level advisory
 * lock ({@code pg_try_advisory_lock}) held on a connection of its own, outside the pool. Another
 * gateway asking meanwhile is told no, at once. When the holder dies or its connection drops,
 * PostgreSQL releases the lock and the next gateway to ask takes it: no lease, no clean-up. The lock
 * key is the first 8 bytes of SHA-256 over {@code haven.held.} and the name, apart from the keys of
 * {@code ClusterJobs}.
 *
 * <p>Calls come from one timer at a time (not concurrently).
 */
public final class HeldLock {
    private static final Logger LOG = LoggerFactory.getLogger(HeldLock.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final String name;
    private final long key;
    private PgConnection conn;
    private boolean held;
    private boolean closed;

    public HeldLock(Vertx vertx, PgConnectOptions options, String name) {
        this.vertx = vertx;
        this.options = new PgConnectOptions(options);
        this.name = name;
        this.key = key(name);
    }

    /**
     * Whether this gateway holds the lock now: if it did, checks its connection still answers; if
     * not, connects when needed and tries to take it. Never fails: a database that does not answer
     * means no.
     */
    public synchronized Future<Boolean> hold() {
        if (closed) {
            return Future.succeededFuture(false);
        }
        Future<PgConnection> c = conn != null ? Future.succeededFuture(conn) : PgConnection.connect(vertx, options).map(opened -> {
            synchronized (this) {
                if (closed) {
                    opened.close();
                    throw new IllegalStateException("closed");
                }
                conn = opened;
                opened.closeHandler(v -> lost(opened));
            }
            return opened;
        });
        return c.compose(open -> held
                ? open.query("SELECT 1").execute().map(true)
                : open.preparedQuery("SELECT pg_try_advisory_lock($1)").execute(Tuple.of(key)).map(rs -> {
                    boolean now = rs.iterator().next().getBoolean(0);
                    synchronized (this) {
                        held = now;
                    }
                    if (now) {
                        LOG.info("event=lock_taken lock={}", name);
                    }
                    return now;
                })).recover(err -> {
                    synchronized (this) {
                        if (conn != null) {
                            conn.close();
                        }
                    }
                    return Future.succeededFuture(false);
                });
    }

    private synchronized void lost(PgConnection which) {
        if (conn == which) {
            if (held && !closed) {
                LOG.warn("event=lock_lost lock={}", name);
            }
            conn = null;
            held = false;
        }
    }

    /** Lets go of the lock (closing its connection releases it). */
    public synchronized Future<Void> close() {
        closed = true;
        held = false;
        PgConnection c = conn;
        conn = null;
        return c == null ? Future.succeededFuture() : c.close();
    }

    static long key(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("haven.held." + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest, 0, 8).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
