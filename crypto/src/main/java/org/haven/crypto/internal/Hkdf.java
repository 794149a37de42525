package org.haven.crypto.internal;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869), extract then expand, with Bouncy Castle's generator. */
public final class Hkdf {
    private Hkdf() {}

    /**
     * {@code HKDF-Expand(HKDF-Extract(salt, ikm), info, length)}, arguments in the RFC's order. An
     * empty or null salt is the RFC's default (32 zero bytes).
     */
    public static byte[] sha256(byte[] salt, byte[] ikm, byte[] info, int length) {
        if (length < 1 || length > 255 * 32) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1 to 8160 bytes");
        }
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, salt == null || salt.length == 0 ? null : salt, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }
}
