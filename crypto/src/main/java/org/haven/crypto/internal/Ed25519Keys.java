package org.haven.crypto.internal;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

/** Ed25519 (RFC 8032, pure, no context) helpers over Bouncy Castle's implementation. */
public final class Ed25519Keys {
    public static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
    public static final int PUBLIC_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    private Ed25519Keys() {}

    /** The public key of a 32-byte RFC 8032 private key (the seed). */
    public static byte[] publicFromSeed(byte[] seed) {
        byte[] pk = new byte[PUBLIC_LENGTH];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return pk;
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        byte[] sig = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** RFC 8032 5.1.7 verification (Bouncy Castle also rejects a non-canonical S). */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        return signature.length == SIGNATURE_LENGTH
                && Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    }

    /**
     * True when the encoding is a canonical point of the prime-order subgroup (not small order).
     */
    public static boolean isValidPublic(byte[] publicKey) {
        return publicKey.length == PUBLIC_LENGTH && Ed25519.validatePublicKeyFull(publicKey, 0);
    }
}
