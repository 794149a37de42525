package org.haven.crypto;

import java.security.GeneralSecurityException;
import org.haven.crypto.internal.Bytes;
import org.haven.crypto.internal.X25519Keys;

/**
 * An X25519 private key that opens data keys sealed to its {@link RecipientPublicKey}.
 *
 * <p>Encoding: the 32-byte RFC 7748 scalar, as HPKE's {@code SerializePrivateKey}. At rest it is
 * stored only inside a {@link PassphraseBox}. {@link #destroy()} wipes the bytes; any later use
 * throws {@link IllegalStateException}.
 */
public final class RecipientPrivateKey {
    private final byte[] scalar;
    private final RecipientPublicKey publicKey;
    private volatile boolean destroyed;

    RecipientPrivateKey(byte[] scalar, RecipientPublicKey publicKey) {
        this.scalar = scalar;
        this.publicKey = publicKey;
    }

    /** Imports a 32-byte private key; its public key is recomputed and must not be low order. */
    public static RecipientPrivateKey fromBytes(byte[] encoded, SecretKeyAccess access)
            throws GeneralSecurityException {
        SecretKeyAccess.require(access);
        if (encoded == null || encoded.length != X25519Keys.LENGTH) {
            throw new GeneralSecurityException("recipient private key must be 32 bytes");
        }
        byte[] copy = encoded.clone();
        RecipientPublicKey pub = RecipientPublicKey.fromBytes(X25519Keys.publicFromPrivate(copy));
        return new RecipientPrivateKey(copy, pub);
    }

    /** The raw 32-byte scalar (a copy); seal it with {@link PassphraseBox} before storing. */
    public byte[] toBytes(SecretKeyAccess access) {
        SecretKeyAccess.require(access);
        return scalarNoCopy().clone();
    }

    /** The matching public key. */
    public RecipientPublicKey publicKey() {
        return publicKey;
    }

    /** Wipes the key bytes; later use throws {@link IllegalStateException}. */
    public void destroy() {
        destroyed = true;
        Bytes.wipe(scalar);
    }

    /** Whether {@link #destroy()} was called. */
    public boolean isDestroyed() {
        return destroyed;
    }

    byte[] scalarNoCopy() {
        if (destroyed) {
            throw new IllegalStateException("private key destroyed");
        }
        return scalar;
    }

    @Override
    public String toString() {
        return "RecipientPrivateKey[" + publicKey.keyId() + "]";
    }
}
