package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.Ed25519Keys;
import org.haven.crypto.internal.Hkdf;

/**
 * An Ed25519 signing key (RFC 8032) derived from a {@link RecipientPrivateKey}, so that whoever can
 * open a recipient key can sign for it, and no second private key is ever stored or granted.
 *
 * <p>Derivation: the Ed25519 private key (the 32-byte seed of RFC 8032 5.1.5) is
 *
 * <pre>
 * HKDF-SHA256(salt = none, IKM = clamp(k), info = "haven/signing-key/v1", L = 32)
 * </pre>
 *
 * <p>with {@code k} the recipient's 32-byte X25519 private key and {@code clamp} RFC 7748's {@code
 * decodeScalar25519} clamping (so every encoding of one X25519 key gives one signing key). "salt =
 * none" is RFC 5869's default, 32 zero bytes. The derivation is one-way: the signing key reveals
 * nothing of the recipient key.
 *
 * <p>A signer signs only {@link SignedRecord} encodings. {@link #destroy()} wipes the seed; any
 * later use throws {@link IllegalStateException}.
 */
public final class Signer {
    static final byte[] INFO = "haven/signing-key/v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] seed;
    private final SignatureKey signatureKey;
    private volatile boolean destroyed;

    private Signer(byte[] seed) {
        this.seed = seed;
        this.signatureKey = SignatureKey.trusted(Ed25519Keys.publicFromSeed(seed));
    }

    /** The signing key that belongs to {@code key}. */
    public static Signer derive(RecipientPrivateKey key) {
        byte[] k = key.scalarNoCopy().clone();
        try {
            k[0] &= (byte) 248;
            k[31] &= 127;
            k[31] |= 64;
            return new Signer(Hkdf.sha256(new byte[0], k, INFO, Ed25519Keys.SEED_LENGTH));
        } finally {
            Bytes.wipe(k);
        }
    }

    /** The public half, which checks this signer's signatures. */
    public SignatureKey signatureKey() {
        return signatureKey;
    }

    /**
     * Signs a record (pure Ed25519, deterministic); 64 bytes.
     *
     * @throws IllegalArgumentException when {@code record} is not a {@link SignedRecord} encoding
     */
    public byte[] sign(byte[] record) {
        if (!SignedRecord.looksLikeRecord(record)) {
            throw new IllegalArgumentException("a signer signs only SignedRecord encodings");
        }
        if (destroyed) {
            throw new IllegalStateException("signer destroyed");
        }
        return Ed25519Keys.sign(seed, record);
    }

    /** Wipes the signing key; later use throws {@link IllegalStateException}. */
    public void destroy() {
        destroyed = true;
        Bytes.wipe(seed);
    }

    /** Whether {@link #destroy()} was called. */
    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return "Signer[" + signatureKey + "]";
    }
}
