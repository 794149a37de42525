package org.haven.crypto.internal;

import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 (RFC 7748) key helpers. */
public final class X25519Keys {
    public static final int LENGTH = 32;

    private X25519Keys() {}

    public static byte[] generatePrivate() {
        byte[] sk = new byte[LENGTH];
        X25519.generatePrivateKey(Bytes.secureRandom(), sk);
        return sk;
    }

    public static byte[] publicFromPrivate(byte[] sk) {
        byte[] pk = new byte[LENGTH];
        X25519.generatePublicKey(sk, 0, pk, 0);
        return pk;
    }

    /** RFC 7748 X25519(k, u); returns false when the result is all zero (low-order u). */
    public static boolean agree(byte[] k, byte[] u, byte[] out) {
        return X25519.calculateAgreement(k, 0, u, 0, out, 0);
    }

    /**
     * True when u is a point of small order, for which every clamped scalar gives the all-zero
     * shared secret, so HPKE could never use it.
     */
    public static boolean isLowOrder(byte[] u) {
        byte[] k = generatePrivate();
        byte[] out = new byte[LENGTH];
        boolean ok = agree(k, u, out);
        Bytes.wipe(k);
        Bytes.wipe(out);
        return !ok;
    }
}
