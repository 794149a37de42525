package org.haven.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.X25519Keys;

/**
 * An X25519 public key that data keys are sealed to with HPKE (RFC 9180, DHKEM(X25519,
 * HKDF-SHA256)).
 *
 * <p>Encoding: the 32-byte RFC 7748 u-coordinate, exactly as HPKE's {@code SerializePublicKey}.
 * Points of small order are rejected on import. The {@link #keyId() key id} is the lowercase hex of
 * the first 8 bytes of SHA-256 over those 32 bytes (16 hex characters).
 */
public final class RecipientPublicKey {
    private final byte[] encoded;
    private final byte[] keyIdBytes;

    private RecipientPublicKey(byte[] encoded) {
        this.encoded = encoded;
        this.keyIdBytes = Arrays.copyOf(sha256(encoded), 8);
    }

    /** Imports a 32-byte X25519 public key; wrong length or a low-order point throws. */
    public static RecipientPublicKey fromBytes(byte[] encoded) throws GeneralSecurityException {
        if (encoded == null || encoded.length != X25519Keys.LENGTH) {
            throw new GeneralSecurityException("recipient public key must be 32 bytes");
        }
        byte[] copy = encoded.clone();
        if (X25519Keys.isLowOrder(copy)) {
            throw new GeneralSecurityException("recipient public key is a low-order point");
        }
        return new RecipientPublicKey(copy);
    }

    static RecipientPublicKey trusted(byte[] encoded) {
        return new RecipientPublicKey(encoded.clone());
    }

    /** The 32-byte encoding (a copy). */
    public byte[] toBytes() {
        return encoded.clone();
    }

    /** Short stable id: lowercase hex of the first 8 bytes of SHA-256(public key bytes). */
    public String keyId() {
        return Bytes.hex(keyIdBytes);
    }

    byte[] keyIdBytes() {
        return keyIdBytes.clone();
    }

    byte[] encodedNoCopy() {
        return encoded;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecipientPublicKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "RecipientPublicKey[" + keyId() + "]";
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
