package org.haven.crypto;

import org.haven.crypto.internal.X25519Keys;

/**
 * A fresh X25519 key pair for HPKE recipients: the coordinator team key, or an agency's key.
 *
 * <p>Publish {@link #publicKey()}; keep {@link #privateKey()} only inside a {@link PassphraseBox}.
 */
public final class RecipientKeyPair {
    private final RecipientPublicKey publicKey;
    private final RecipientPrivateKey privateKey;

    private RecipientKeyPair(RecipientPublicKey publicKey, RecipientPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** Generates a key pair from the platform's {@link java.security.SecureRandom}. */
    public static RecipientKeyPair generate() {
        byte[] sk = X25519Keys.generatePrivate();
        RecipientPublicKey pub = RecipientPublicKey.trusted(X25519Keys.publicFromPrivate(sk));
        return new RecipientKeyPair(pub, new RecipientPrivateKey(sk, pub));
    }

    /** The public half, to publish and to pass to {@link DataKey#sealTo}. */
    public RecipientPublicKey publicKey() {
        return publicKey;
    }

    /** The private half; store it only sealed in a {@link PassphraseBox}. */
    public RecipientPrivateKey privateKey() {
        return privateKey;
    }
}
