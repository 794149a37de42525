package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.bcpg.EdDSAPublicBCPGKey;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.junit.jupiter.api.Test;

/** The export signing key derived from the team key. */
class OpenPgpSigningKeyTest {
    /**
     * Verifies that the same team key gives the same public key, byte for byte, whenever it is
     * derived (the creation time is fixed), and another team key another one.
     */
    @Test
    void testDeriveIsDeterministic() throws Exception {
        OpenPgpSigningKey a =
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(1), "Haven exports");
        Thread.sleep(1100);
        OpenPgpSigningKey b =
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(1), "Haven exports");
        assertEquals(a.armoredPublicKey(), b.armoredPublicKey());
        assertEquals(a.fingerprint(), b.fingerprint());
        assertEquals(40, a.fingerprint().length());
        assertNotEquals(
                a.fingerprint(),
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(2), "Haven exports")
                        .fingerprint());
        assertTrue(a.armoredPublicKey().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    }

    /**
     * Verifies the derivation as docs/crypto.md writes it, with the JDK alone: the Ed25519 key of
     * HKDF-SHA256(team key, "haven/export-signing-key/v1") signs, and the published OpenPGP key
     * verifies that signature.
     */
    @Test
    void testDerivedKeyIsEd25519OfHkdfOfTeamKey() throws Exception {
        RecipientPrivateKey team = OpenPgpExportTest.teamKey(3);
        byte[] prk = hmac(new byte[32], team.toBytes(SecretKeyAccess.INSECURE));
        byte[] seed =
                hmac(prk, "haven/export-signing-key/v1\u0001".getBytes(StandardCharsets.US_ASCII));
        Signature jdk = Signature.getInstance("Ed25519");
        jdk.initSign(
                KeyFactory.getInstance("Ed25519")
                        .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
        byte[] message = "the case file".getBytes(StandardCharsets.US_ASCII);
        jdk.update(message);
        byte[] sig = jdk.sign();

        OpenPgpSigningKey signer = OpenPgpSigningKey.derive(team, "Haven exports");
        PGPPublicKeyRing ring =
                new PGPPublicKeyRing(
                        PGPUtil.getDecoderStream(
                                new ByteArrayInputStream(
                                        signer.armoredPublicKey()
                                                .getBytes(StandardCharsets.US_ASCII))),
                        new BcKeyFingerprintCalculator());
        EdDSAPublicBCPGKey point =
                (EdDSAPublicBCPGKey) ring.getPublicKey().getPublicKeyPacket().getKey();
        byte[] encoded = point.getEncodedPoint().toByteArray(); // 0x40 prefix, then the 32-byte key
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(encoded, encoded.length - 32));
        verifier.update(message, 0, message.length);
        assertTrue(verifier.verifySignature(sig));
        assertEquals(OpenPgpSigningKey.CREATED, ring.getPublicKey().getCreationTime().toInstant());
        assertEquals("Haven exports", ring.getPublicKey().getUserIDs().next());
    }

    private static byte[] hmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
