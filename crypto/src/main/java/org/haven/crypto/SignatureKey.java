package org.haven.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.Ed25519Keys;

/**
 * An Ed25519 public key (RFC 8032) that checks what a {@link Signer} signed.
 *
 * <p>Encoding: the 32-byte RFC 8032 public key. Import rejects a wrong length, a non-canonical
 * encoding, a point off the curve and a point of small order. Signatures are pure Ed25519 (no
 * prehash, no context), 64 bytes, over a {@link SignedRecord} encoding.
 */
public final class SignatureKey {
    private final byte[] encoded;

    private SignatureKey(byte[] encoded) {
        this.encoded = encoded;
    }

    /** Imports a 32-byte Ed25519 public key. */
    public static SignatureKey fromBytes(byte[] encoded) throws GeneralSecurityException {
        if (encoded == null || encoded.length != Ed25519Keys.PUBLIC_LENGTH) {
            throw new GeneralSecurityException("signature key must be 32 bytes");
        }
        byte[] copy = encoded.clone();
        if (!Ed25519Keys.isValidPublic(copy)) {
            throw new GeneralSecurityException("signature key is not a valid Ed25519 point");
        }
        return new SignatureKey(copy);
    }

    static SignatureKey trusted(byte[] encoded) {
        return new SignatureKey(encoded.clone());
    }

    /** The 32-byte encoding (a copy). */
    public byte[] toBytes() {
        return encoded.clone();
    }

    /**
     * Checks that {@code signature} is this key's signature over {@code record}.
     *
     * @throws GeneralSecurityException when it is not (wrong key, other bytes, malformed signature,
     *     or {@code record} is not a {@link SignedRecord} encoding)
     */
    public void verify(byte[] record, byte[] signature) throws GeneralSecurityException {
        if (!SignedRecord.looksLikeRecord(record)) {
            throw new GeneralSecurityException("not a signed record");
        }
        if (signature == null || !Ed25519Keys.verify(encoded, record, signature)) {
            throw new GeneralSecurityException("signature does not verify");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignatureKey other && Arrays.equals(encoded, other.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "SignatureKey[" + Bytes.hex(Arrays.copyOf(encoded, 8)) + "]";
    }
}
