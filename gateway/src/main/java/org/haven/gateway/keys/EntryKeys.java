package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.Db;

/**
 * The entry data keys sealed to one recipient key, as a key rotation (team or agency) re-wraps
 * them: read, opened with the old private key and sealed to the new public key (the entries
 * themselves are not re-encrypted), then swapped in the caller's transaction.
 */
final class EntryKeys {
    private EntryKeys() {
    }

    /** One entry's data key as sealed to the old key. */
    record Wrapped(UUID caseId, int seq, String kind, byte[] sealedKey) {
    }

    /** Every entry data key sealed to {@code keyId}. */
    static Future<List<Wrapped>> sealedTo(Db tx, String keyId) {
        return tx.preparedQuery("SELECT k.case_id, k.seq, e.kind, k.sealed_key FROM entry_keys k"
                        + " JOIN case_entries e ON e.case_id = k.case_id AND e.seq = k.seq WHERE k.key_id = $1")
                .execute(Tuple.of(keyId))
                .map(rows -> {
                    List<Wrapped> wrapped = new ArrayList<>(rows.size());
                    for (Row r : rows) {
                        wrapped.add(new Wrapped(r.getUUID(0), r.getInteger(1), r.getString(2), r.getBuffer(3).getBytes()));
                    }
                    return wrapped;
                });
    }

    /** The same data keys sealed to {@code next} instead, as {@code entry_keys} rows. */
    static List<Tuple> rewrap(List<Wrapped> wrapped, RecipientPrivateKey old, RecipientPublicKey next)
            throws GeneralSecurityException {
        List<Tuple> rows = new ArrayList<>(wrapped.size());
        for (Wrapped w : wrapped) {
            byte[] rewrapped = EntrySealing.rewrap(w.caseId(), w.seq(), w.kind(), w.sealedKey(), old, next);
            rows.add(Tuple.of(w.caseId(), w.seq(), next.keyId(), Buffer.buffer(rewrapped)));
        }
        return rows;
    }

    /** Inserts the re-wrapped rows and deletes every row of {@code oldKeyId}. */
    static Future<Void> replace(Db tx, List<Tuple> rewrapped, String oldKeyId) {
        Future<?> inserted = rewrapped.isEmpty() ? Future.succeededFuture()
                : tx.preparedQuery("INSERT INTO entry_keys (case_id, seq, key_id, sealed_key) VALUES ($1, $2, $3, $4)")
                        .executeBatch(rewrapped);
        return inserted.compose(v -> tx.preparedQuery("DELETE FROM entry_keys WHERE key_id = $1").execute(Tuple.of(oldKeyId)))
                .mapEmpty();
    }
}
