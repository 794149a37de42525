package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;

/**
 * RFC 9180 Appendix A.1.1 through Haven's {@link Hpke} code path. The RFC has no vector for AEAD
 * 0x0002 with this KEM and KDF, so the AEAD id is 0x0001 here; everything else (KEM, KDF, key
 * schedule, single-shot seal and open) is the code that seals Haven's data keys.
 */
class Rfc9180VectorTest {
    private static final List<Map<String, String>> RECORDS = VectorFile.read("rfc9180-a1-base.txt");
    private static final Map<String, String> SETUP = RECORDS.get(0);
    private static final int AEAD = Hpke.AEAD_AES_128_GCM;

    /**
     * Verifies that DeriveKeyPair matches for the ephemeral and the recipient key (RFC 9180 7.1.3).
     * Bouncy Castle stores X25519 scalars clamped (RFC 7748 decodeScalar25519), which is the same
     * key.
     */
    @Test
    void testDeriveKeyPairMatchesVector() {
        AsymmetricCipherKeyPair e = Hpke.deriveKeyPair(AEAD, hex(SETUP, "ikmE"));
        assertEquals(clamped(hex(SETUP, "skEm")), Bytes.hex(Hpke.serializePrivateKey(AEAD, e)));
        assertEquals(Bytes.hex(hex(SETUP, "pkEm")), Bytes.hex(Hpke.serializePublicKey(AEAD, e)));
        AsymmetricCipherKeyPair r = Hpke.deriveKeyPair(AEAD, hex(SETUP, "ikmR"));
        assertEquals(clamped(hex(SETUP, "skRm")), Bytes.hex(Hpke.serializePrivateKey(AEAD, r)));
        assertEquals(Bytes.hex(hex(SETUP, "pkRm")), Bytes.hex(Hpke.serializePublicKey(AEAD, r)));
        assertEquals(
                Bytes.hex(hex(SETUP, "pkRm")),
                Bytes.hex(X25519Keys.publicFromPrivate(hex(SETUP, "skRm"))));
    }

    private static String clamped(byte[] scalar) {
        X25519.clampPrivateKey(scalar);
        return Bytes.hex(scalar);
    }

    /**
     * Verifies that single-shot seal with the vector's ephemeral key gives the vector's enc and ct.
     */
    @Test
    void testSealMatchesVector() throws Exception {
        Map<String, String> first = RECORDS.get(1);
        AsymmetricCipherKeyPair e = Hpke.deriveKeyPair(AEAD, hex(SETUP, "ikmE"));
        Hpke.Sealed sealed =
                Hpke.seal(
                        AEAD,
                        hex(SETUP, "pkRm"),
                        hex(SETUP, "info"),
                        hex(first, "aad"),
                        hex(first, "pt"),
                        e);
        assertEquals(SETUP.get("enc"), Bytes.hex(sealed.enc()));
        assertEquals(first.get("ct"), Bytes.hex(sealed.ciphertext()));
    }

    /** Verifies that single-shot open of the vector's first ciphertext gives its plaintext. */
    @Test
    void testOpenMatchesVector() throws Exception {
        Map<String, String> first = RECORDS.get(1);
        byte[] pt =
                Hpke.open(
                        AEAD,
                        hex(SETUP, "enc"),
                        hex(SETUP, "skRm"),
                        hex(SETUP, "pkRm"),
                        hex(SETUP, "info"),
                        hex(first, "aad"),
                        hex(first, "ct"));
        assertArrayEquals(hex(first, "pt"), pt);
    }

    /** Verifies that the recipient context opens sequence numbers 0 to 2 and exports match. */
    @Test
    void testContextSequenceAndExportMatchVector() throws Exception {
        HPKEContext ctx =
                Hpke.setupBaseR(
                        AEAD,
                        hex(SETUP, "enc"),
                        hex(SETUP, "skRm"),
                        hex(SETUP, "pkRm"),
                        hex(SETUP, "info"));
        int opened = 0;
        int exported = 0;
        for (Map<String, String> record : RECORDS.subList(1, RECORDS.size())) {
            if (record.containsKey("seq")) {
                assertEquals(opened, Integer.parseInt(record.get("seq")));
                assertArrayEquals(
                        hex(record, "pt"), ctx.open(hex(record, "aad"), hex(record, "ct")));
                opened++;
            } else {
                assertEquals(
                        record.get("exported_value"),
                        Bytes.hex(ctx.export(hex(record, "exporter_context"), 32)));
                exported++;
            }
        }
        assertEquals(3, opened);
        assertEquals(2, exported);
    }
}
