package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.haven.crypto.KeyedHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends who did what to which case, and reads and verifies what was appended. Holds identifiers
 * and action names only.
 *
 * <p>The log is a hash chain keyed with the audit key ({@link AuditChain}): an append locks the
 * chain head row, takes the next id and the previous hash from it, inserts a keyed entry, and seals
 * the head; a trigger checks that the entry extends the head and moves the head, so two appends can
 * never chain from the same entry. Given a pool, an append runs in its own transaction; given a
 * connection inside a transaction, in that one (the entry commits or rolls back with the caller's
 * change, and the head stays locked until then). Other triggers refuse UPDATE, DELETE and TRUNCATE
 * of the log.
 *
 * <p>The first append to a log of unkeyed entries (written before Haven keyed it) first appends
 * {@code audit_chain_keyed:<n>} ({@link #keyChain()} does it at start-up): from there on the whole
 * chain, those n entries included, is fixed by the key.
 */
public final class AuditLog {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int BATCH = 2000;

    /** The actor of the entry that keys a chain of unkeyed entries. */
    static final String KEYING_ACTOR = "system:audit";

    private final Db client;
    private final KeyedHash key;

    /** An audit log on {@code client} (the pool, or one transaction) under the audit key. */
    public AuditLog(Db client, KeyedHash auditKey) {
        this.client = client;
        this.key = Objects.requireNonNull(auditKey, "audit key");
    }

    /** One entry as stored. */
    public record Entry(long id, OffsetDateTime at, String actor, String action, UUID caseId) {}

    /**
     * What to list; null fields do not filter.
     *
     * @param action an action name or its beginning ({@code status} finds {@code status_closed})
     * @param since entries at or after this instant
     * @param until entries before this instant
     * @param limit at most this many, the newest
     */
    public record Query(
            String actor,
            String action,
            UUID caseId,
            OffsetDateTime since,
            OffsetDateTime until,
            int limit) {}

    /** The first place where the chain does not hold. */
    public record Break(long entryId, Kind kind, String detail) {
        @Override
        public String toString() {
            return "entry " + entryId + " " + kind.word + ": " + detail;
        }
    }

    /** How the chain was broken. */
    public enum Kind {
        EDITED("edited"),
        MISSING("missing (deleted)"),
        REORDERED("reordered"),
        HIDDEN("past the chain head");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /**
     * The outcome of {@link #verify()}: how many entries were checked, the first break if any, the
     * head's hash, and the first keyed entry (0 when none is keyed yet) and when it was written.
     */
    public record Verification(
            long entries,
            Optional<Break> firstBreak,
            byte[] headHash,
            long keyedFrom,
            OffsetDateTime keyedAt) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /** Appends an entry. */
    public Future<Void> record(String actor, String action, UUID caseId) {
        return inTransaction(c -> append(c, actor, action, caseId));
    }

    /**
     * Keys a chain that holds unkeyed entries and no keyed one yet, by appending {@code
     * audit_chain_keyed:<n>}; does nothing to a chain already keyed or empty. Answers whether it
     * appended. Haven calls it at start-up, so the chain is keyed from the upgrade on.
     */
    public Future<Boolean> keyChain() {
        return inTransaction(
                c -> lockHead(c).compose(head -> keyIfNeeded(c, head)).map(head -> head.keyed));
    }

    private <T> Future<T> inTransaction(Function<Db, Future<T>> work) {
        return client.transaction(work);
    }

    /** The locked chain head; {@code keyed} says whether this transaction just keyed the chain. */
    private record Head(
            long lastId, byte[] lastHash, boolean sealed, OffsetDateTime now, boolean keyed) {}

    private static Future<Head> lockHead(Db c) {
        return c.query(
                        "SELECT last_id, last_hash, seal IS NOT NULL, clock_timestamp() FROM audit_head WHERE id = 1 FOR UPDATE")
                .execute()
                .map(
                        rs -> {
                            Row r = rs.iterator().next();
                            return new Head(
                                    r.getLong(0),
                                    r.getBuffer(1).getBytes(),
                                    r.getBoolean(2),
                                    r.getOffsetDateTime(3),
                                    false);
                        });
    }

    private Future<Void> append(Db c, String actor, String action, UUID caseId) {
        return lockHead(c)
                .compose(head -> keyIfNeeded(c, head))
                .compose(head -> insert(c, head, actor, action, caseId))
                .mapEmpty();
    }

    /**
     * An unsealed head after unkeyed entries: the chain was never keyed, so the keying entry comes
     * first.
     */
    private Future<Head> keyIfNeeded(Db c, Head head) {
        if (head.sealed() || head.lastId() == 0) {
            return Future.succeededFuture(head);
        }
        long unkeyed = head.lastId();
        return insert(c, head, KEYING_ACTOR, "audit_chain_keyed:" + unkeyed, null)
                .map(
                        keyed -> {
                            // said outside the database, once committed: a second keying of one
                            // database means someone
                            // made it look unkeyed again
                            Runnable say =
                                    () ->
                                            LOG.warn(
                                                    "event=audit_chain_keyed unkeyed_entries={} entry={}",
                                                    unkeyed,
                                                    keyed.lastId());
                            c.afterCommit(say);
                            return keyed;
                        });
    }

    /** Inserts a keyed entry after {@code head} and seals the head at it. */
    private Future<Head> insert(Db c, Head head, String actor, String action, UUID caseId) {
        long id = head.lastId() + 1;
        byte[] prev = head.lastHash();
        OffsetDateTime at = head.now();
        byte[] hash = AuditChain.keyedHash(key, id, at, actor, action, caseId, prev);
        byte[] seal = AuditChain.headSeal(key, id, hash);
        return c.preparedQuery(
                        "INSERT INTO audit_log (id, at, actor, action, case_id, chain, prev_hash, hash)"
                                + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .execute(
                        Tuple.from(
                                Arrays.asList(
                                        id,
                                        at,
                                        actor,
                                        action,
                                        caseId,
                                        (short) AuditChain.KEYED,
                                        Buffer.buffer(prev),
                                        Buffer.buffer(hash))))
                .compose(
                        v ->
                                c.preparedQuery(
                                                "UPDATE audit_head SET seal = $1 WHERE id = 1 AND last_id = $2")
                                        .execute(Tuple.of(Buffer.buffer(seal), id)))
                .map(v -> new Head(id, hash, true, at, !head.sealed()));
    }

    /** Entries matching a query, newest first (reading needs no key). */
    public static Future<List<Entry>> list(Db client, Query q) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        if (q.actor() != null) {
            params.add(q.actor());
            where.append(" AND actor = $").append(params.size());
        }
        if (q.action() != null) {
            params.add(
                    q.action().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
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
        return client.preparedQuery(
                        "SELECT id, at, actor, action, case_id FROM audit_log"
                                + where
                                + " ORDER BY id DESC LIMIT $"
                                + params.size())
                .execute(Tuple.from(params))
                .map(
                        rs -> {
                            List<Entry> out = new ArrayList<>();
                            rs.forEach(
                                    r ->
                                            out.add(
                                                    new Entry(
                                                            r.getLong(0),
                                                            r.getOffsetDateTime(1),
                                                            r.getString(2),
                                                            r.getString(3),
                                                            r.getUUID(4))));
                            return out;
                        });
    }

    /**
     * Walks the chain from entry 1 to the head, in one snapshot of the database, and reports the
     * first break: an entry whose contents no longer match its hash (edited), a gap in the ids or
     * entries missing before the head (deleted), an entry that links to another than the one before
     * it (reordered), or one that links to nothing (the one before it was edited and re-hashed); an
     * unkeyed entry after a keyed one (rewritten without the key); entries past the head (the head
     * was moved back); a head whose seal does not verify (replaced, or the entries before it
     * rewritten).
     */
    public Future<Verification> verify() {
        if (!client.inTransaction()) {
            return client.transaction(
                    tx ->
                            tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                                    .execute()
                                    .compose(v -> verify(tx)));
        }
        return verify(client);
    }

    private Future<Verification> verify(Db c) {
        return c.query("SELECT last_id, last_hash, seal FROM audit_head WHERE id = 1")
                .execute()
                .compose(
                        rs -> {
                            if (rs.size() == 0) {
                                return Future.succeededFuture(
                                        new Verification(
                                                0,
                                                Optional.of(
                                                        new Break(
                                                                1,
                                                                Kind.MISSING,
                                                                "the chain head (audit_head) is gone")),
                                                null,
                                                0,
                                                null));
                            }
                            Row head = rs.iterator().next();
                            Buffer seal = head.getBuffer(2);
                            return new Walk(
                                            c,
                                            head.getLong(0),
                                            head.getBuffer(1).getBytes(),
                                            seal == null ? null : seal.getBytes())
                                    .next(0);
                        });
    }

    /** One verification walk, batch by batch. */
    private final class Walk {
        final Db c;
        final long headId;
        final byte[] headHash;
        final byte[] headSeal;
        long expected = 1;
        byte[] prev = AuditChain.GENESIS;
        long keyedFrom;
        OffsetDateTime keyedAt;

        Walk(Db c, long headId, byte[] headHash, byte[] headSeal) {
            this.c = c;
            this.headId = headId;
            this.headHash = headHash;
            this.headSeal = headSeal;
        }

        Future<Verification> next(long after) {
            return c.preparedQuery(
                            "SELECT id, at, actor, action, case_id, chain, prev_hash, hash FROM audit_log"
                                    + " WHERE id > $1 AND id <= $2 ORDER BY id LIMIT "
                                    + BATCH)
                    .execute(Tuple.of(after, headId))
                    .compose(
                            rs -> {
                                long last = after;
                                for (Row r : rs) {
                                    last = r.getLong("id");
                                    Optional<Future<Optional<Break>>> problem = check(r);
                                    if (problem.isPresent()) {
                                        return problem.get().map(b -> verification(b));
                                    }
                                }
                                return rs.size() == BATCH ? next(last) : finish();
                            });
        }

        private Verification verification(Optional<Break> b) {
            return new Verification(expected - 1, b, headHash, keyedFrom, keyedAt);
        }

        private Future<Verification> finish() {
            long checked = expected - 1;
            if (checked < headId) {
                return done(
                        new Break(
                                expected,
                                Kind.MISSING,
                                checked + 1 == headId
                                        ? "the last entry is gone (the chain head names entry "
                                                + headId
                                                + ")"
                                        : "entries "
                                                + expected
                                                + " to "
                                                + headId
                                                + " at the end are gone (the chain head names entry "
                                                + headId
                                                + ")"));
            }
            if (!Arrays.equals(prev, headHash)) {
                return done(
                        new Break(headId, Kind.EDITED, "its hash does not match the chain head"));
            }
            return c.preparedQuery("SELECT min(id) FROM audit_log WHERE id > $1 OR id < 1")
                    .execute(Tuple.of(headId))
                    .compose(
                            rs -> {
                                Long stray = rs.iterator().next().getLong(0);
                                if (stray != null) {
                                    return done(
                                            new Break(
                                                    stray,
                                                    Kind.HIDDEN,
                                                    "the chain head names entry "
                                                            + headId
                                                            + ", so the head was moved back (or the entry put there)"));
                                }
                                if (keyedFrom == 0 && headSeal == null) {
                                    return Future.succeededFuture(
                                            verification(Optional.empty())); // nothing keyed yet
                                }
                                if (headSeal == null) {
                                    return done(
                                            new Break(
                                                    headId,
                                                    Kind.EDITED,
                                                    "the chain head carries no seal after keyed entries"
                                                            + " (the head was replaced)"));
                                }
                                if (!sealHolds()) {
                                    return done(
                                            new Break(
                                                    headId,
                                                    Kind.EDITED,
                                                    "the chain head's seal does not verify: the head was replaced or"
                                                            + " the entries before it rewritten"));
                                }
                                return Future.succeededFuture(verification(Optional.empty()));
                            });
        }

        private boolean sealHolds() {
            return headSeal != null
                    && MessageDigest.isEqual(headSeal, AuditChain.headSeal(key, headId, headHash));
        }

        private Future<Verification> done(Break b) {
            return Future.succeededFuture(verification(Optional.of(b)));
        }

        /**
         * Empty when the entry holds (and the walk moves on); else the break, perhaps after a
         * look-up.
         */
        private Optional<Future<Optional<Break>>> check(Row r) {
            long id = r.getLong("id");
            int format = r.getShort("chain");
            byte[] prevHash = r.getBuffer("prev_hash").getBytes();
            byte[] hash = r.getBuffer("hash").getBytes();
            if (id != expected) {
                if (id < expected) {
                    return broken(new Break(id, Kind.EDITED, "its id is out of sequence"));
                }
                return broken(
                        new Break(
                                expected,
                                Kind.MISSING,
                                id - expected == 1
                                        ? "the entry between "
                                                + (expected - 1)
                                                + " and "
                                                + id
                                                + " is gone"
                                        : "entries " + expected + " to " + (id - 1) + " are gone"));
            }
            if (format != AuditChain.KEYED && keyedFrom != 0) {
                return broken(
                        new Break(
                                id,
                                Kind.EDITED,
                                "it is not keyed, though entry "
                                        + keyedFrom
                                        + " before it is: it was written without the audit key"));
            }
            byte[] computed =
                    AuditChain.hash(
                            format,
                            key,
                            id,
                            r.getOffsetDateTime("at"),
                            r.getString("actor"),
                            r.getString("action"),
                            r.getUUID("case_id"),
                            prevHash);
            boolean selfConsistent = MessageDigest.isEqual(computed, hash);
            boolean linked = Arrays.equals(prevHash, prev);
            if (selfConsistent && linked) {
                prev = hash;
                expected++;
                if (format == AuditChain.KEYED && keyedFrom == 0) {
                    keyedFrom = id;
                    keyedAt = r.getOffsetDateTime("at");
                }
                return Optional.empty();
            }
            String hint =
                    format == AuditChain.KEYED && keyedFrom == 0 && !sealHolds() ? WRONG_KEY : "";
            if (!selfConsistent && linked) {
                return broken(
                        new Break(
                                id,
                                Kind.EDITED,
                                "its contents (time, actor, action or case) do not match its hash"
                                        + hint));
            }
            // It does not link to the entry before it: does it link to another one?
            return Optional.of(
                    c.preparedQuery("SELECT id FROM audit_log WHERE hash = $1 LIMIT 1")
                            .execute(Tuple.of(Buffer.buffer(prevHash)))
                            .map(
                                    rs -> {
                                        Long other =
                                                rs.size() == 0
                                                        ? null
                                                        : rs.iterator().next().getLong(0);
                                        if (other != null && other != id - 1) {
                                            return Optional.of(
                                                    new Break(
                                                            id,
                                                            Kind.REORDERED,
                                                            "it was written right after entry "
                                                                    + other
                                                                    + ", not after entry "
                                                                    + (id - 1)));
                                        }
                                        if (!selfConsistent) {
                                            return Optional.of(
                                                    new Break(
                                                            id,
                                                            Kind.EDITED,
                                                            "its contents do not match its hash"
                                                                    + hint));
                                        }
                                        if (id == 1) {
                                            return Optional.of(
                                                    new Break(
                                                            1,
                                                            Kind.EDITED,
                                                            "it does not start from the genesis value"));
                                        }
                                        return Optional.of(
                                                new Break(
                                                        id - 1,
                                                        Kind.EDITED,
                                                        "its hash was rewritten: entry "
                                                                + id
                                                                + " no longer links to it"));
                                    }));
        }

        private Optional<Future<Optional<Break>>> broken(Break b) {
            return Optional.of(Future.succeededFuture(Optional.of(b)));
        }
    }

    /**
     * Said when neither the first keyed entry nor the head verify: the likelier cause is another
     * key.
     */
    private static final String WRONG_KEY =
            " (or these are not the server keys the log was written with)";
}
