package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 8032 Ed25519 vectors through {@link Ed25519Keys}. */
class Rfc8032VectorTest {
    private static final List<Map<String, String>> RECORDS = VectorFile.read("rfc8032-ed25519.txt");

    /**
     * Verifies that the public keys and signatures of TEST 1 to 3 match, and that each verifies.
     */
    @Test
    void testSignMatchesVectors() {
        assertEquals(3, RECORDS.size());
        for (Map<String, String> r : RECORDS) {
            byte[] seed = hex(r, "secret");
            assertEquals(
                    r.get("public"),
                    Bytes.hex(Ed25519Keys.publicFromSeed(seed)),
                    "test " + r.get("test"));
            assertEquals(
                    r.get("signature"),
                    Bytes.hex(Ed25519Keys.sign(seed, hex(r, "message"))),
                    "test " + r.get("test"));
            assertTrue(
                    Ed25519Keys.verify(hex(r, "public"), hex(r, "message"), hex(r, "signature")));
            assertTrue(Ed25519Keys.isValidPublic(hex(r, "public")));
        }
    }

    /** Verifies that a changed message, signature or key, or a short signature, does not verify. */
    @Test
    void testVerifyFailsForTamperedInput() {
        Map<String, String> r = RECORDS.get(2);
        byte[] message = hex(r, "message");
        byte[] signature = hex(r, "signature");
        byte[] publicKey = hex(r, "public");
        byte[] otherMessage = message.clone();
        otherMessage[0] ^= 1;
        assertFalse(Ed25519Keys.verify(publicKey, otherMessage, signature));
        for (int i : new int[] {0, 31, 32, 63}) {
            byte[] s = signature.clone();
            s[i] ^= 1;
            assertFalse(Ed25519Keys.verify(publicKey, message, s), "byte " + i);
        }
        assertFalse(Ed25519Keys.verify(hex(RECORDS.get(1), "public"), message, signature));
        assertFalse(Ed25519Keys.verify(publicKey, message, Arrays.copyOf(signature, 63)));
    }

    /** Verifies that the identity point and another small-order point are not valid public keys. */
    @Test
    void testSmallOrderPublicKeysAreInvalid() {
        byte[] identity = new byte[32];
        identity[0] = 1;
        assertFalse(Ed25519Keys.isValidPublic(identity));
        byte[] minusOne = new byte[32];
        minusOne[0] = (byte) 0xec;
        for (int i = 1; i < 31; i++) {
            minusOne[i] = (byte) 0xff;
        }
        minusOne[31] = 0x7f;
        assertFalse(Ed25519Keys.isValidPublic(minusOne));
    }
}
