package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.internal.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Signing keys derived from recipient keys, and the records they sign. */
@Timeout(30)
class SignerTest {
    private static byte[] record(String keyId) {
        return SignedRecord.builder("haven/test/v1")
                .text(keyId)
                .number(42)
                .bytes(new byte[] {1, 2, 3})
                .encode();
    }

    /** Verifies that a signature verifies with the signer's key and is 64 bytes. */
    @Test
    void testSignVerifyRoundTrip() throws Exception {
        Signer signer = Signer.derive(RecipientKeyPair.generate().privateKey());
        byte[] sig = signer.sign(record("a"));
        assertEquals(64, sig.length);
        signer.signatureKey().verify(record("a"), sig);
        SignatureKey.fromBytes(signer.signatureKey().toBytes()).verify(record("a"), sig);
    }

    /**
     * Verifies that derivation is deterministic: the same recipient key, also imported unclamped,
     * gives the same signing key and the same signature; another recipient key gives another.
     */
    @Test
    void testDerivationIsDeterministic() throws Exception {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        byte[] raw = pair.privateKey().toBytes(SecretKeyAccess.INSECURE);
        byte[] unclamped = raw.clone();
        unclamped[0] |= 7;
        unclamped[31] |= (byte) 0x80;
        RecipientPrivateKey again =
                RecipientPrivateKey.fromBytes(unclamped, SecretKeyAccess.INSECURE);
        assertEquals(pair.publicKey(), again.publicKey());
        Signer a = Signer.derive(pair.privateKey());
        Signer b = Signer.derive(again);
        assertEquals(a.signatureKey(), b.signatureKey());
        assertArrayEquals(a.sign(record("x")), b.sign(record("x")));
        assertNotEquals(
                a.signatureKey(),
                Signer.derive(RecipientKeyPair.generate().privateKey()).signatureKey());
    }

    /** Verifies that another key, another record and a changed signature are all refused. */
    @Test
    void testVerifyFailsForWrongKeyRecordOrSignature() throws Exception {
        Signer signer = Signer.derive(RecipientKeyPair.generate().privateKey());
        Signer other = Signer.derive(RecipientKeyPair.generate().privateKey());
        byte[] sig = signer.sign(record("a"));
        assertThrows(
                GeneralSecurityException.class,
                () -> other.signatureKey().verify(record("a"), sig));
        assertThrows(
                GeneralSecurityException.class,
                () -> signer.signatureKey().verify(record("b"), sig));
        for (int i = 0; i < sig.length; i += 7) {
            byte[] t = sig.clone();
            t[i] ^= 0x01;
            assertThrows(
                    GeneralSecurityException.class,
                    () -> signer.signatureKey().verify(record("a"), t));
        }
        assertThrows(
                GeneralSecurityException.class,
                () -> signer.signatureKey().verify(record("a"), Arrays.copyOf(sig, 63)));
        assertThrows(
                GeneralSecurityException.class,
                () -> signer.signatureKey().verify(record("a"), null));
        byte[] tamperedRecord = record("a");
        tamperedRecord[tamperedRecord.length - 1] ^= 1;
        assertThrows(
                GeneralSecurityException.class,
                () -> signer.signatureKey().verify(tamperedRecord, sig));
    }

    /**
     * Verifies that a signer refuses bytes that are not a record, and that a destroyed signer signs
     * nothing.
     */
    @Test
    void testSignRefusesNonRecordAndDestroyedSigner() {
        Signer signer = Signer.derive(RecipientKeyPair.generate().privateKey());
        assertThrows(IllegalArgumentException.class, () -> signer.sign("hello".getBytes()));
        assertThrows(
                GeneralSecurityException.class,
                () -> signer.signatureKey().verify("hello".getBytes(), new byte[64]));
        signer.destroy();
        assertThrows(IllegalStateException.class, () -> signer.sign(record("a")));
    }

    /** Verifies that wrong lengths and small-order points are refused as signature keys. */
    @Test
    void testSignatureKeyImportRefusesBadKeys() {
        assertThrows(GeneralSecurityException.class, () -> SignatureKey.fromBytes(new byte[31]));
        assertThrows(GeneralSecurityException.class, () -> SignatureKey.fromBytes(null));
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertThrows(GeneralSecurityException.class, () -> SignatureKey.fromBytes(identity));
    }

    /**
     * Verifies the record encoding byte for byte: magic, version, label length and label, field
     * count, then each field with its u16 length; and that two ways of splitting the same bytes
     * into fields encode differently.
     */
    @Test
    void testRecordEncoding() {
        byte[] r = SignedRecord.builder("t/v1").text("ab").number(258).bytes(new byte[0]).encode();
        assertEquals(
                "48564e5301"
                        + "04"
                        + "742f7631"
                        + "03"
                        + "0002"
                        + "6162"
                        + "0008"
                        + "0000000000000102"
                        + "0000",
                Bytes.hex(r));
        assertNotEquals(
                Bytes.hex(SignedRecord.builder("t/v1").text("ab").text("c").encode()),
                Bytes.hex(SignedRecord.builder("t/v1").text("a").text("bc").encode()));
        assertNotEquals(
                Bytes.hex(SignedRecord.builder("t/v1").text("x").encode()),
                Bytes.hex(SignedRecord.builder("t/v2").text("x").encode()));
        assertThrows(IllegalArgumentException.class, () -> SignedRecord.builder(""));
        assertThrows(IllegalArgumentException.class, () -> SignedRecord.builder("with space"));
        assertThrows(
                IllegalArgumentException.class,
                () -> SignedRecord.builder("x").bytes(new byte[65536]));
        assertThrows(IllegalArgumentException.class, () -> SignedRecord.builder("x").number(-1));
    }
}
