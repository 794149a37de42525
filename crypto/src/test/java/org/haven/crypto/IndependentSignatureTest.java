package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import org.junit.jupiter.api.Test;

/**
 * Derives a Haven signing key and checks its signatures with the JDK's own HKDF (through {@link
 * JdkHpke}) and Ed25519 (SunEC), following only docs/crypto.md: an independent reader can check a
 * key record without Haven's code.
 */
class IndependentSignatureTest {
    /**
     * Verifies that HKDF-SHA256 over the clamped X25519 private key with the documented label gives
     * the seed of Haven's signing key: the JDK signs the same record to the same 64 bytes (Ed25519
     * is deterministic) and verifies Haven's signature with Haven's public key.
     */
    @Test
    void testJdkDerivesSameSigningKeyAndVerifies() throws Exception {
        RecipientPrivateKey recipient = RecipientKeyPair.generate().privateKey();
        Signer signer = Signer.derive(recipient);
        byte[] record = SignedRecord.builder("haven/team-key/v1").text("0123456789abcdef").encode();
        byte[] havenSignature = signer.sign(record);

        byte[] k = recipient.toBytes(SecretKeyAccess.INSECURE);
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
        byte[] prk = JdkHpke.extract(new byte[32], k);
        byte[] seed =
                JdkHpke.expand(prk, "haven/signing-key/v1".getBytes(StandardCharsets.US_ASCII), 32);

        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey jdkPrivate =
                kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(jdkPrivate);
        jdk.update(record);
        assertArrayEquals(havenSignature, jdk.sign());

        PublicKey jdkPublic = kf.generatePublic(jdkPublicSpec(signer.signatureKey().toBytes()));
        jdk.initVerify(jdkPublic);
        jdk.update(record);
        assertTrue(jdk.verify(havenSignature));
        record[record.length - 1] ^= 1;
        jdk.initVerify(jdkPublic);
        jdk.update(record);
        assertFalse(jdk.verify(havenSignature));
    }

    /**
     * The JDK's spec of an RFC 8032 public key encoding: y little-endian, x's sign in the top bit.
     */
    private static EdECPublicKeySpec jdkPublicSpec(byte[] encoded) {
        byte[] le = encoded.clone();
        boolean xOdd = (le[31] & 0x80) != 0;
        le[31] &= 0x7f;
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = le[31 - i];
        }
        return new EdECPublicKeySpec(
                NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be)));
    }
}
