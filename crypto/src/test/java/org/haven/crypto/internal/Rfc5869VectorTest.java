package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.junit.jupiter.api.Test;

/**
 * RFC 5869 HKDF-SHA256 vectors through the HKDF inside Bouncy Castle's HPKE suite (the KDF that
 * Haven's {@link Hpke} uses for KDF id 0x0001), and through {@link Hkdf} (derived keys such as the
 * audit key).
 */
class Rfc5869VectorTest {
    private static final List<Map<String, String>> RECORDS =
            VectorFile.read("rfc5869-hkdf-sha256.txt");

    /** Verifies that Extract and Expand match test cases 1 to 3. */
    @Test
    void testExtractExpandMatchVectors() {
        HPKEContext ctx = anyContext();
        for (Map<String, String> r : RECORDS) {
            byte[] prk = ctx.extract(hex(r, "salt"), hex(r, "ikm"));
            assertEquals(r.get("prk"), Bytes.hex(prk), "case " + r.get("case"));
            assertEquals(
                    r.get("okm"),
                    Bytes.hex(ctx.expand(prk, hex(r, "info"), Integer.parseInt(r.get("length")))),
                    "case " + r.get("case"));
        }
    }

    /**
     * Verifies that {@link Hkdf}, which derives signing keys and the audit key, matches test cases
     * 1 to 3.
     */
    @Test
    void testHkdfMatchesVectors() {
        for (Map<String, String> r : RECORDS) {
            assertEquals(
                    r.get("okm"),
                    Bytes.hex(
                            Hkdf.sha256(
                                    hex(r, "salt"),
                                    hex(r, "ikm"),
                                    hex(r, "info"),
                                    Integer.parseInt(r.get("length")))),
                    "case " + r.get("case"));
        }
    }

    private static HPKEContext anyContext() {
        Map<String, String> a1 = VectorFile.read("rfc9180-a1-base.txt").get(0);
        return Hpke.setupBaseR(
                Hpke.AEAD_AES_256_GCM,
                hex(a1, "enc"),
                hex(a1, "skRm"),
                hex(a1, "pkRm"),
                hex(a1, "info"));
    }
}
