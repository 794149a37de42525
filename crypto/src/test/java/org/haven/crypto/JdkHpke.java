package org.haven.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.haven.crypto.internal.Bytes;

/**
 * A second, independent implementation of the RFC 9180 base-mode recipient side (DHKEM(X25519,
 * HKDF-SHA256), HKDF-SHA256, AES-GCM), written from the RFC text on the JDK's own providers (XDH,
 * HmacSHA256, AES/GCM) with no Bouncy Castle code, to show that docs/crypto.md is enough to open a
 * Haven case elsewhere.
 */
final class JdkHpke {
    private static final byte[] V1 = "HPKE-v1".getBytes(StandardCharsets.US_ASCII);

    /** shared_secret, key, base_nonce, exporter_secret. */
    record Schedule(byte[] sharedSecret, byte[] key, byte[] baseNonce, byte[] exporterSecret) {}

    private JdkHpke() {}

    static Schedule setupBaseR(byte[] enc, byte[] skR, byte[] pkR, byte[] info, int aeadId, int nk)
            throws Exception {
        byte[] kemSuite = Bytes.concat(ascii("KEM"), i2osp(0x20, 2));
        byte[] dh = x25519(skR, enc);
        byte[] eaePrk = labeledExtract(kemSuite, new byte[0], "eae_prk", dh);
        byte[] shared =
                labeledExpand(kemSuite, eaePrk, "shared_secret", Bytes.concat(enc, pkR), 32);
        byte[] suite = Bytes.concat(ascii("HPKE"), i2osp(0x20, 2), i2osp(1, 2), i2osp(aeadId, 2));
        byte[] pskIdHash = labeledExtract(suite, new byte[0], "psk_id_hash", new byte[0]);
        byte[] infoHash = labeledExtract(suite, new byte[0], "info_hash", info);
        byte[] context = Bytes.concat(new byte[] {0}, pskIdHash, infoHash);
        byte[] secret = labeledExtract(suite, shared, "secret", new byte[0]);
        return new Schedule(
                shared,
                labeledExpand(suite, secret, "key", context, nk),
                labeledExpand(suite, secret, "base_nonce", context, 12),
                labeledExpand(suite, secret, "exp", context, 32));
    }

    static byte[] aesGcmOpen(byte[] key, byte[] nonce, byte[] aad, byte[] ct) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(
                Cipher.DECRYPT_MODE,
                new SecretKeySpec(key, "AES"),
                new GCMParameterSpec(128, nonce));
        c.updateAAD(aad);
        return c.doFinal(ct);
    }

    static byte[] x25519(byte[] scalar, byte[] u) throws Exception {
        KeyFactory kf = KeyFactory.getInstance("XDH");
        PrivateKey sk =
                kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = u[31 - i];
        }
        be[0] &= 0x7f;
        PublicKey pk =
                kf.generatePublic(
                        new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
        KeyAgreement ka = KeyAgreement.getInstance("XDH");
        ka.init(sk);
        ka.doPhase(pk, true);
        return ka.generateSecret();
    }

    static byte[] extract(byte[] salt, byte[] ikm) throws Exception {
        return hmac(salt.length == 0 ? new byte[32] : salt, ikm);
    }

    static byte[] expand(byte[] prk, byte[] info, int length) throws Exception {
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        for (int done = 0, i = 1; done < length; i++) {
            t = hmac(prk, Bytes.concat(t, info, new byte[] {(byte) i}));
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    private static byte[] labeledExtract(byte[] suite, byte[] salt, String label, byte[] ikm)
            throws Exception {
        return extract(salt, Bytes.concat(V1, suite, ascii(label), ikm));
    }

    private static byte[] labeledExpand(
            byte[] suite, byte[] prk, String label, byte[] info, int length) throws Exception {
        return expand(prk, Bytes.concat(i2osp(length, 2), V1, suite, ascii(label), info), length);
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    private static byte[] i2osp(int value, int length) {
        byte[] out = new byte[length];
        for (int i = length - 1; i >= 0; i--, value >>>= 8) {
            out[i] = (byte) value;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
