package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.haven.crypto.DataKey;
import org.haven.crypto.FieldBinding;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;

/**
 * Seals and opens case entries. Each entry gets a fresh data key; its ciphertext is bound to the
 * case, the entry number and its kind, and the data key is sealed once per recipient with the same
 * binding, so neither can be moved to another case or entry.
 */
public final class EntrySealing {

    /** A sealed entry: ciphertext plus the data key sealed per recipient key id. */
    public record Sealed(byte[] ciphertext, Map<String, byte[]> sealedKeys) {}

    private EntrySealing() {}

    /** Seals {@code plaintext} as entry {@code seq} of kind {@code kind} to every recipient. */
    public static Sealed seal(
            UUID caseId,
            int seq,
            String kind,
            byte[] plaintext,
            List<RecipientPublicKey> recipients)
            throws GeneralSecurityException {
        if (recipients.isEmpty()) {
            throw new GeneralSecurityException("no recipient to seal to");
        }
        byte[] binding = binding(caseId, seq, kind);
        DataKey key = DataKey.generate();
        try {
            byte[] ciphertext = key.encrypt(plaintext, binding);
            Map<String, byte[]> sealed = new LinkedHashMap<>();
            for (RecipientPublicKey r : recipients) {
                sealed.put(r.keyId(), key.sealTo(r, binding));
            }
            return new Sealed(ciphertext, sealed);
        } finally {
            key.destroy();
        }
    }

    /** Opens an entry with whichever of the given private keys it is sealed to. */
    public static byte[] open(
            UUID caseId,
            int seq,
            String kind,
            byte[] ciphertext,
            Map<String, byte[]> sealedKeys,
            Collection<RecipientPrivateKey> keys)
            throws GeneralSecurityException {
        for (RecipientPrivateKey k : keys) {
            if (!k.isDestroyed() && sealedKeys.containsKey(k.publicKey().keyId())) {
                return open(caseId, seq, kind, ciphertext, sealedKeys, k);
            }
        }
        throw new GeneralSecurityException("entry is not sealed to any key held");
    }

    /** Opens an entry with a recipient's private key. */
    public static byte[] open(
            UUID caseId,
            int seq,
            String kind,
            byte[] ciphertext,
            Map<String, byte[]> sealedKeys,
            RecipientPrivateKey recipient)
            throws GeneralSecurityException {
        byte[] sealedKey = sealedKeys.get(recipient.publicKey().keyId());
        if (sealedKey == null) {
            throw new GeneralSecurityException("entry is not sealed to this key");
        }
        byte[] binding = binding(caseId, seq, kind);
        DataKey key = DataKey.openSealed(sealedKey, recipient, binding);
        try {
            return key.decrypt(ciphertext, binding);
        } finally {
            key.destroy();
        }
    }

    /**
     * Re-wraps an entry's data key from one team key to another, leaving the ciphertext untouched.
     */
    public static byte[] rewrap(
            UUID caseId,
            int seq,
            String kind,
            byte[] sealedKey,
            RecipientPrivateKey from,
            RecipientPublicKey to)
            throws GeneralSecurityException {
        byte[] binding = binding(caseId, seq, kind);
        DataKey key = DataKey.openSealed(sealedKey, from, binding);
        try {
            return key.sealTo(to, binding);
        } finally {
            key.destroy();
        }
    }

    private static byte[] binding(UUID caseId, int seq, String kind) {
        return FieldBinding.of(caseId.toString(), "entry/" + seq + "/" + kind);
    }
}
