package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Appends who did what to which case, and reads and verifies what was appended. Holds
 * identifiers and action names only.
 *
 * <p>The log is a hash chain ({@link AuditChain}): an append locks the chain head row, takes the
 * next id and the previous hash from it, and inserts; a trigger checks that the entry extends the
 * head and moves the head, so two appends can never chain from the same entry. Given a pool, an
 * append runs in its own transaction; given a connection inside a transaction, in that one (the
 * entry commits or rolls back with the caller's change, and the head stays locked until then).
 * Other triggers refuse UPDATE, DELETE and TRUNCATE of the log.
 */
public final class AuditLog {
    private static final int BATCH = 2000;

    private final SqlClient client;

    public AuditLog(SqlClient client) {
        this.client = client;
    }

    /** One entry as stored. */
    public record Entry(long id, OffsetDateTime at, String actor, String action, UUID caseId) {
    }

    /**
     * What to list; null fields do not filter.
     *
     * @param action an action name or its beginning ({@code status} finds {@code status_closed})
     * @param since entries at or after this instant
     * @param until entries before this instant
     * @param limit at most this many, the newest
     */
    public record Query(String actor, String action, UUID caseId, OffsetDateTime since, OffsetDateTime until, int limit) {
    }

    /** The first place where the chain does not hold. */
    public record Break(long entryId, Kind kind, String detail) {
        @Override
        public String toString() {
            return "entry " + entryId + " " + kind.word + ": " + detail;
        }
    }

    /** How the chain was broken. */
    public enum Kind {
        EDITED("edited"), MISSING("missing (deleted)"), REORDERED("reordered");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** The outcome of {@link #verify()}: how many entries were checked, and the first break if any. */
    public record Verification(long entries, Optional<Break> firstBreak, byte[] headHash) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /** Appends an entry. */
    public Future<Void> record(String actor, String action, UUID caseId) {
        if (client instanceof Pool pool) {
            return pool.withTransaction(conn -> append(conn, actor, action, caseId));
        }
        if (client instanceof SqlConnection conn && conn.transaction() == null) {
            return conn.begin().compose(tx -> append(conn, actor, action, caseId)
                    .compose(v -> tx.commit(), err -> tx.rollback().transform(ignored -> Future.failedFuture(err))));
        }
        return append(client, actor, action, caseId);
    }

    private static Future<Void> append(SqlClient c, String actor, String action, UUID caseId) {
        return c.query("SELECT last_id, last_hash, clock_timestamp() FROM audit_head WHERE id = 1 FOR UPDATE").execute()
                .compose(rs -> {
                    Row head = rs.iterator().next();
                    long id = head.getLong(0) + 1;
                    byte[] prev = head.getBuffer(1).getBytes();
                    OffsetDateTime at = head.getOffsetDateTime(2);
                    byte[] hash = AuditChain.hash(id, at, actor, action, caseId, prev);
                    return c.preparedQuery("INSERT INTO audit_log (id, at, actor, action, case_id, prev_hash, hash)"
                                    + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
                            .execute(Tuple.from(Arrays.asList(id, at, actor, action, caseId, Buffer.buffer(prev), Buffer.buffer(hash))));
                }).mapEmpty();
    }

    /** Entries matching a query, newest first. */
    public Future<List<Entry>> list(Query q) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (q.actor() != null) {
            params.add(q.actor());
            where.append(" AND actor = $").append(params.size());
        }
        if (q.action() != null) {
            params.add(q.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            where.append(" AND action LIKE $").append(params.size());
        }
        if (q.caseId() != null) {
            params.add(q.caseId());
            where.append(" AND case_id = $").append(params.size());
        }
        if (q.since() != null) {
            params.add(q.since());
            where.append(" AND at >= $").append(params.size());
        }
        if (q.until() != null) {
            params.add(q.until());
            where.append(" AND at < $").append(params.size());
        }
        params.add(Math.max(1, Math.min(q.limit(), 10_000)));
        return client.preparedQuery("SELECT id, at, actor, action, case_id FROM audit_log" + where + " ORDER BY id DESC LIMIT $"
                        + params.size())
                .execute(Tuple.from(params))
                .map(rs -> {
                    List<Entry> out = new ArrayList<>();
                    rs.forEach(r -> out.add(new Entry(r.getLong(0), r.getOffsetDateTime(1), r.getString(2), r.getString(3),
                            r.getUUID(4))));
                    return out;
                });
    }

    /**
     * Walks the chain from entry 1 to the head as it was when the walk began, and reports the first
     * break: an entry whose contents no longer match its hash (edited), a gap in the ids or entries
     * missing before the head (deleted), an entry that links to another than the one before it
     * (reordered), or one that links to nothing (the one before it was edited and re-hashed).
     */
    public Future<Verification> verify() {
        return client.query("SELECT last_id, last_hash FROM audit_head WHERE id = 1").execute().compose(rs -> {
            if (rs.size() == 0) {
                return Future.succeededFuture(new Verification(0, Optional.of(new Break(1, Kind.MISSING,
                        "the chain head (audit_head) is gone")), null));
            }
            Row head = rs.iterator().next();
            Walk walk = new Walk(head.getLong(0), head.getBuffer(1).getBytes());
            return walk.next(0);
        });
    }

    /** One verification walk, batch by batch. */
    private final class Walk {
        final long headId;
        final byte[] headHash;
        long expected = 1;
        byte[] prev = AuditChain.GENESIS;

        Walk(long headId, byte[] headHash) {
            this.headId = headId;
            this.headHash = headHash;
        }

        Future<Verification> next(long after) {
            return client.preparedQuery("SELECT id, at, actor, action, case_id, prev_hash, hash FROM audit_log"
                            + " WHERE id > $1 AND id <= $2 ORDER BY id LIMIT " + BATCH)
                    .execute(Tuple.of(after, headId)).compose(rs -> {
                        long last = after;
                        for (Row r : rs) {
                            last = r.getLong("id");
                            Optional<Future<Optional<Break>>> problem = check(r);
                            if (problem.isPresent()) {
                                return problem.get().map(b -> new Verification(expected - 1, b, headHash));
                            }
                        }
                        return rs.size() == BATCH ? next(last) : Future.succeededFuture(finish());
                    });
        }

        private Verification finish() {
            long checked = expected - 1;
            if (checked < headId) {
                return new Verification(checked, Optional.of(new Break(expected, Kind.MISSING, checked + 1 == headId
                        ? "the last entry is gone (the chain head names entry " + headId + ")"
                        : "entries " + expected + " to " + headId + " at the end are gone (the chain head names entry " + headId + ")")),
                        headHash);
            }
            if (!Arrays.equals(prev, headHash)) {
                return new Verification(checked, Optional.of(new Break(headId, Kind.EDITED,
                        "its hash does not match the chain head")), headHash);
            }
            return new Verification(checked, Optional.empty(), headHash);
        }

        /** Empty when the entry holds (and the walk moves on); else the break, perhaps after a look-up. */
        private Optional<Future<Optional<Break>>> check(Row r) {
            long id = r.getLong("id");
            byte[] prevHash = r.getBuffer("prev_hash").getBytes();
            byte[] hash = r.getBuffer("hash").getBytes();
            if (id != expected) {
                if (id < expected) {
                    return broken(new Break(id, Kind.EDITED, "its id is out of sequence"));
                }
                return broken(new Break(expected, Kind.MISSING, id - expected == 1
                        ? "the entry between " + (expected - 1) + " and " + id + " is gone"
                        : "entries " + expected + " to " + (id - 1) + " are gone"));
            }
            byte[] computed = AuditChain.hash(id, r.getOffsetDateTime("at"), r.getString("actor"), r.getString("action"),
                    r.getUUID("case_id"), prevHash);
            boolean selfConsistent = Arrays.equals(computed, hash);
            boolean linked = Arrays.equals(prevHash, prev);
            if (selfConsistent && linked) {
                prev = hash;
                expected++;
                return Optional.empty();
            }
            if (!selfConsistent && linked) {
                return broken(new Break(id, Kind.EDITED, "its contents (time, actor, action or case) do not match its hash"));
            }
            // It does not link to the entry before it: does it link to another one?
            return Optional.of(client.preparedQuery("SELECT id FROM audit_log WHERE hash = $1 LIMIT 1").execute(Tuple.of(Buffer.buffer(prevHash)))
                    .map(rs -> {
                        Long other = rs.size() == 0 ? null : rs.iterator().next().getLong(0);
                        if (other != null && other != id - 1) {
                            return Optional.of(new Break(id, Kind.REORDERED, "it was written right after entry " + other
                                    + ", not after entry " + (id - 1)));
                        }
                        if (!selfConsistent) {
                            return Optional.of(new Break(id, Kind.EDITED, "its contents do not match its hash"));
                        }
                        if (id == 1) {
                            return Optional.of(new Break(1, Kind.EDITED, "it does not start from the genesis value"));
                        }
                        return Optional.of(new Break(id - 1, Kind.EDITED, "its hash was rewritten: entry " + id
                                + " no longer links to it"));
                    }));
        }

        private Optional<Future<Optional<Break>>> broken(Break b) {
            return Optional.of(Future.succeededFuture(Optional.of(b)));
        }
    }
}
