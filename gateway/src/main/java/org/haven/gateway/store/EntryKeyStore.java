package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The entry data keys ({@code entry_keys}: one entry's data key sealed to one recipient key), as a
 * key rotation (team or agency) swaps them from the old key to the new one, in its transaction.
 */
public final class EntryKeyStore {
    /**
     * The SQLSTATE of the refusal to seal to a retired team key (migration V16, {@code
     * entry_keys_active_key}).
     */
    private static final String RETIRED_KEY_SQLSTATE = "HVK01";

    /**
     * One entry's data key as sealed to the old key, with the entry's kind (bound into the seal).
     */
    public record Wrapped(UUID caseId, int seq, String kind, byte[] sealedKey) {}

    /** One entry's data key sealed to key {@code keyId}: an {@code entry_keys} row to insert. */
    public record EntryKey(UUID caseId, int seq, String keyId, byte[] sealedKey) {}

    private EntryKeyStore() {}

    /**
     * Locks {@code entry_keys} against new rows until the transaction ends (rows can still be
     * read): nothing is sealed to a team key while it is rotated.
     */
    public static Future<Void> lockAgainstWriters(Db tx) {
        return tx.query("LOCK TABLE entry_keys IN SHARE ROW EXCLUSIVE MODE").execute().mapEmpty();
    }

    /** Every entry data key sealed to {@code keyId}. */
    public static Future<List<Wrapped>> sealedTo(Db tx, String keyId) {
        return tx.preparedQuery(
                        "SELECT k.case_id, k.seq, e.kind, k.sealed_key FROM entry_keys k"
                                + " JOIN case_entries e ON e.case_id = k.case_id AND e.seq = k.seq WHERE k.key_id = $1")
                .execute(Tuple.of(keyId))
                .map(
                        rows -> {
                            List<Wrapped> wrapped = new ArrayList<>(rows.size());
                            for (Row r : rows) {
                                wrapped.add(
                                        new Wrapped(
                                                r.getUUID(0),
                                                r.getInteger(1),
                                                r.getString(2),
                                                r.getBuffer(3).getBytes()));
                            }
                            return wrapped;
                        });
    }

    /** Inserts the re-wrapped keys (one batch) and deletes every row of {@code oldKeyId}. */
    public static Future<Void> replace(Db tx, List<EntryKey> rewrapped, String oldKeyId) {
        List<Tuple> rows = new ArrayList<>(rewrapped.size());
        for (EntryKey k : rewrapped) {
            rows.add(Tuple.of(k.caseId(), k.seq(), k.keyId(), Buffer.buffer(k.sealedKey())));
        }
        Future<?> inserted =
                rows.isEmpty()
                        ? Future.succeededFuture()
                        : tx.preparedQuery(
                                        "INSERT INTO entry_keys (case_id, seq, key_id, sealed_key) VALUES ($1, $2, $3, $4)")
                                .executeBatch(rows);
        return inserted.compose(
                        v ->
                                tx.preparedQuery("DELETE FROM entry_keys WHERE key_id = $1")
                                        .execute(Tuple.of(oldKeyId)))
                .mapEmpty();
    }

    /**
     * Whether {@code error} (or a cause) is the database's refusal to seal an entry to a retired
     * team key: a rotation committed meanwhile, and sealing again to the new key succeeds.
     */
    public static boolean refusedRetiredKey(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && RETIRED_KEY_SQLSTATE.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
