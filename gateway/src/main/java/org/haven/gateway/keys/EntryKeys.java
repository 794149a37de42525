package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.EntryKeyStore;

/**
 * The entry data keys sealed to one recipient key, as a key rotation (team or agency) re-wraps
 * them: read ({@link EntryKeyStore#sealedTo}), opened with the old private key and sealed to the
 * new public key (the entries themselves are not re-encrypted), then swapped in the caller's
 * transaction ({@link EntryKeyStore#replace}).
 */
final class EntryKeys {
    private EntryKeys() {}

    /** The same data keys sealed to {@code next} instead. */
    static List<EntryKeyStore.EntryKey> rewrap(
            List<EntryKeyStore.Wrapped> wrapped, RecipientPrivateKey old, RecipientPublicKey next)
            throws GeneralSecurityException {
        List<EntryKeyStore.EntryKey> rows = new ArrayList<>(wrapped.size());
        for (EntryKeyStore.Wrapped w : wrapped) {
            byte[] rewrapped =
                    EntrySealing.rewrap(w.caseId(), w.seq(), w.kind(), w.sealedKey(), old, next);
            rows.add(new EntryKeyStore.EntryKey(w.caseId(), w.seq(), next.keyId(), rewrapped));
        }
        return rows;
    }
}
