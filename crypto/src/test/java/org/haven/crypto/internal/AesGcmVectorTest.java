package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/** AES-256-GCM known answers through {@link AesGcm}. */
class AesGcmVectorTest {
    /** Verifies that GCM test cases 13 and 14 match both ways and a flipped tag bit fails. */
    @Test
    void testAesGcmMatchesVectors() throws Exception {
        for (Map<String, String> r : VectorFile.read("gcm-aes256.txt")) {
            byte[] ct = AesGcm.encrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), hex(r, "pt"));
            assertEquals(r.get("ct_tag"), Bytes.hex(ct));
            assertArrayEquals(
                    hex(r, "pt"),
                    AesGcm.decrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), ct));
            ct[ct.length - 1] ^= 1;
            assertThrows(
                    GeneralSecurityException.class,
                    () -> AesGcm.decrypt(hex(r, "key"), hex(r, "nonce"), hex(r, "aad"), ct));
        }
    }

    /**
     * Verifies that Bouncy Castle's GCM opens what AesGcm sealed and the other way round, at many
     * lengths.
     */
    @Test
    void testAesGcmAgreesWithBouncyCastle() throws Exception {
        for (int len = 0; len < 300; len += 7) {
            byte[] key = Bytes.random(32);
            byte[] nonce = Bytes.random(12);
            byte[] aad = Bytes.random(len % 40);
            byte[] pt = Bytes.random(len);
            byte[] ours = AesGcm.encrypt(key, nonce, aad, pt);
            assertArrayEquals(pt, bc(false, key, nonce, aad, ours));
            byte[] theirs = bc(true, key, Bytes.random(12), aad, pt);
            assertThrows(
                    GeneralSecurityException.class, () -> AesGcm.decrypt(key, nonce, aad, theirs));
            assertArrayEquals(ours, bc(true, key, nonce, aad, pt));
        }
    }

    /**
     * Verifies that threads encrypting and decrypting at once each get their own, correct result.
     */
    @Test
    void testAesGcmIsSafeAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 500; i++) {
                                        byte[] key = Bytes.random(32);
                                        byte[] nonce = Bytes.random(12);
                                        byte[] pt = Bytes.random(i % 97);
                                        byte[] back =
                                                AesGcm.decrypt(
                                                        key,
                                                        nonce,
                                                        new byte[] {1},
                                                        AesGcm.encrypt(
                                                                key, nonce, new byte[] {1}, pt));
                                        if (!Arrays.equals(pt, back)) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> r : results) {
                assertEquals(true, r.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] bc(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] in)
            throws Exception {
        GCMModeCipher c = GCMBlockCipher.newInstance(AESEngine.newInstance());
        c.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[c.getOutputSize(in.length)];
        int n = c.processBytes(in, 0, in.length, out, 0);
        c.doFinal(out, n);
        return out;
    }
}
