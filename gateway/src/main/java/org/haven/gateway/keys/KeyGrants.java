package org.haven.gateway.keys;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.DataKey;
import org.haven.crypto.FieldBinding;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SecretKeyAccess;

/**
 * A team private key granted to one account: sealed to the account's personal public key and bound
 * to the account and the team key's id.
 *
 * <p>Format: 2-byte big-endian length of the sealed data key, the sealed data key (HPKE, see
 * docs/crypto.md), then the team private key encrypted under that data key (AES-256-GCM). Agency
 * keys travel in the same format under their own bindings (see {@link AgencyKeys}).
 */
public final class KeyGrants {
    private static final int MAX_SEALED = 1024;

    private KeyGrants() {}

    /** Seals {@code teamKey} (whose id is {@code teamKeyId}) to one account's public key. */
    public static byte[] grant(
            RecipientPrivateKey teamKey,
            String teamKeyId,
            long accountId,
            RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return seal(teamKey, binding(accountId, teamKeyId), accountKey);
    }

    /** Opens a grant with the account's personal private key. */
    public static RecipientPrivateKey open(
            byte[] grant, String teamKeyId, long accountId, RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return open(grant, binding(accountId, teamKeyId), accountKey, teamKeyId);
    }

    /** Seals a private key to {@code to} in the grant format, bound by {@code binding}. */
    static byte[] seal(RecipientPrivateKey key, byte[] binding, RecipientPublicKey to)
            throws GeneralSecurityException {
        DataKey dk = DataKey.generate();
        byte[] raw = key.toBytes(SecretKeyAccess.INSECURE);
        try {
            byte[] sealedKey = dk.sealTo(to, binding);
            byte[] ciphertext = dk.encrypt(raw, binding);
            return ByteBuffer.allocate(2 + sealedKey.length + ciphertext.length)
                    .putShort((short) sealedKey.length)
                    .put(sealedKey)
                    .put(ciphertext)
                    .array();
        } finally {
            Arrays.fill(raw, (byte) 0);
            dk.destroy();
        }
    }

    /**
     * Opens what {@link #seal} made, checking that it holds the key whose id is {@code
     * expectedKeyId}.
     */
    static RecipientPrivateKey open(
            byte[] grant, byte[] binding, RecipientPrivateKey with, String expectedKeyId)
            throws GeneralSecurityException {
        if (grant == null || grant.length < 2) {
            throw new GeneralSecurityException("truncated key grant");
        }
        int len = ((grant[0] & 0xff) << 8) | (grant[1] & 0xff);
        if (len == 0 || len > MAX_SEALED || 2 + len >= grant.length) {
            throw new GeneralSecurityException("bad key grant length");
        }
        DataKey dk = DataKey.openSealed(Arrays.copyOfRange(grant, 2, 2 + len), with, binding);
        byte[] raw = null;
        try {
            raw = dk.decrypt(Arrays.copyOfRange(grant, 2 + len, grant.length), binding);
            RecipientPrivateKey key = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
            if (!key.publicKey().keyId().equals(expectedKeyId)) {
                key.destroy();
                throw new GeneralSecurityException("grant holds another key");
            }
            return key;
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
            dk.destroy();
        }
    }

    private static byte[] binding(long accountId, String teamKeyId) {
        return FieldBinding.of("account/" + accountId, "team-key/" + teamKeyId);
    }
}
