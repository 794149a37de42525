package org.haven.crypto.internal;

import java.security.GeneralSecurityException;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;

/**
 * RFC 9180 HPKE base mode with DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256, single-shot (one
 * message, sequence number 0). Haven uses AEAD id 0x0002 (AES-256-GCM); the AEAD id is a parameter
 * only so that the RFC test vectors can run through this same code path.
 */
public final class Hpke {
    public static final int KEM_X25519_HKDF_SHA256 = 0x0020;
    public static final int KDF_HKDF_SHA256 = 0x0001;
    public static final int AEAD_AES_128_GCM = 0x0001;
    public static final int AEAD_AES_256_GCM = 0x0002;
    public static final int ENC_LENGTH = 32;
    public static final int KEY_LENGTH = 32;

    /** The KEM output {@code enc} and the AEAD ciphertext including its 16-byte tag. */
    public record Sealed(byte[] enc, byte[] ciphertext) {}

    private Hpke() {}

    static HPKE suite(int aeadId) {
        return new HPKE(
                HPKE.mode_base,
                (short) KEM_X25519_HKDF_SHA256,
                (short) KDF_HKDF_SHA256,
                (short) aeadId);
    }

    /** Seals with a fresh ephemeral key. */
    public static Sealed seal(
            int aeadId, byte[] publicKeyR, byte[] info, byte[] aad, byte[] plaintext)
            throws GeneralSecurityException {
        return seal(aeadId, publicKeyR, info, aad, plaintext, null);
    }

    /** Seals with a given ephemeral key pair (test vectors only) or a fresh one when null. */
    static Sealed seal(
            int aeadId,
            byte[] publicKeyR,
            byte[] info,
            byte[] aad,
            byte[] plaintext,
            AsymmetricCipherKeyPair ephemeral)
            throws GeneralSecurityException {
        try {
            HPKE hpke = suite(aeadId);
            AsymmetricKeyParameter pkR = hpke.deserializePublicKey(publicKeyR);
            HPKEContextWithEncapsulation ctx =
                    ephemeral == null
                            ? hpke.setupBaseS(pkR, info)
                            : hpke.setupBaseS(pkR, info, ephemeral);
            byte[] ct = ctx.seal(aad, plaintext);
            return new Sealed(ctx.getEncapsulation(), ct);
        } catch (Exception e) {
            // Includes the all-zero X25519 shared secret (low-order public key), which RFC 9180
            // 7.1.4
            // requires us to reject.
            throw new GeneralSecurityException("HPKE seal failed", e);
        }
    }

    /** Opens a single-shot HPKE ciphertext; any failure is one checked exception. */
    public static byte[] open(
            int aeadId,
            byte[] enc,
            byte[] privateKeyR,
            byte[] publicKeyR,
            byte[] info,
            byte[] aad,
            byte[] ciphertext)
            throws GeneralSecurityException {
        if (enc.length != ENC_LENGTH) {
            throw new GeneralSecurityException("HPKE enc must be 32 bytes");
        }
        try {
            HPKE hpke = suite(aeadId);
            AsymmetricCipherKeyPair kpR = hpke.deserializePrivateKey(privateKeyR, publicKeyR);
            HPKEContext ctx = hpke.setupBaseR(enc, kpR, info);
            return ctx.open(aad, ciphertext);
        } catch (Exception e) {
            throw new GeneralSecurityException("HPKE open failed");
        }
    }

    /** Recipient context, for the RFC vector tests of later sequence numbers and exports. */
    static HPKEContext setupBaseR(
            int aeadId, byte[] enc, byte[] privateKeyR, byte[] publicKeyR, byte[] info) {
        HPKE hpke = suite(aeadId);
        return hpke.setupBaseR(enc, hpke.deserializePrivateKey(privateKeyR, publicKeyR), info);
    }

    static AsymmetricCipherKeyPair deriveKeyPair(int aeadId, byte[] ikm) {
        return suite(aeadId).deriveKeyPair(ikm);
    }

    static byte[] serializePublicKey(int aeadId, AsymmetricCipherKeyPair kp) {
        return suite(aeadId).serializePublicKey(kp.getPublic());
    }

    static byte[] serializePrivateKey(int aeadId, AsymmetricCipherKeyPair kp) {
        return suite(aeadId).serializePrivateKey(kp.getPrivate());
    }
}
