package org.haven.crypto.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a 96-bit nonce and a 128-bit tag, through the JDK's provider: its AES and GHASH
 * use the processor's AES-NI and carry-less multiply instructions, several times faster than a
 * pure-Java implementation on the hot path (every dialogue step encrypts its state). The format is
 * plain GCM (ciphertext followed by the tag), so either implementation opens the other's output;
 * the tests check that against Bouncy Castle.
 */
public final class AesGcm {
    public static final int KEY_LENGTH = 32;
    public static final int NONCE_LENGTH = 12;
    public static final int TAG_LENGTH = 16;

    // A Cipher is not thread-safe but is reusable after init: one per thread saves the provider
    // lookup.
    private static final ThreadLocal<Cipher> CIPHER =
            ThreadLocal.withInitial(
                    () -> {
                        try {
                            return Cipher.getInstance("AES/GCM/NoPadding");
                        } catch (GeneralSecurityException e) {
                            throw new IllegalStateException(
                                    "AES/GCM/NoPadding is not available", e);
                        }
                    });

    private AesGcm() {}

    public static byte[] encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext)
            throws GeneralSecurityException {
        Cipher cipher = init(Cipher.ENCRYPT_MODE, key, nonce, aad);
        return cipher.doFinal(plaintext);
    }

    /** Returns the whole plaintext or throws; nothing of a failed decryption is returned. */
    public static byte[] decrypt(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext)
            throws GeneralSecurityException {
        if (ciphertext.length < TAG_LENGTH) {
            throw new GeneralSecurityException("ciphertext too short");
        }
        Cipher cipher = init(Cipher.DECRYPT_MODE, key, nonce, aad);
        try {
            return cipher.doFinal(ciphertext);
        } catch (AEADBadTagException | RuntimeException e) {
            throw new GeneralSecurityException("decryption failed");
        }
    }

    private static Cipher init(int mode, byte[] key, byte[] nonce, byte[] aad)
            throws GeneralSecurityException {
        if (key.length != KEY_LENGTH) {
            throw new GeneralSecurityException("AES-256-GCM needs a 32-byte key");
        }
        if (nonce.length != NONCE_LENGTH) {
            throw new GeneralSecurityException("AES-GCM needs a 12-byte nonce");
        }
        Cipher cipher = CIPHER.get();
        SecretKeySpec k = new SecretKeySpec(key, "AES");
        GCMParameterSpec spec = new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        try {
            cipher.init(mode, k, spec);
        } catch (InvalidAlgorithmParameterException e) {
            // the JDK refuses to encrypt twice in a row with one key and nonce on the same Cipher
            // (only known-answer tests do that); a fresh Cipher does what is asked
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, k, spec);
        }
        if (aad != null && aad.length > 0) {
            cipher.updateAAD(aad);
        }
        return cipher;
    }
}
