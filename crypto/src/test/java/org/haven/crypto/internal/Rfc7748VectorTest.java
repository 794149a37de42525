package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 7748 X25519 vectors through {@link X25519Keys}. */
class Rfc7748VectorTest {
    private static final List<Map<String, String>> RECORDS = VectorFile.read("rfc7748-x25519.txt");

    /** Verifies that the section 5.2 scalar multiplication vectors match. */
    @Test
    void testScalarMultMatchesVectors() {
        for (Map<String, String> r : RECORDS.subList(0, 2)) {
            byte[] out = new byte[32];
            assertTrue(X25519Keys.agree(hex(r, "scalar"), hex(r, "u"), out));
            assertEquals(r.get("output"), Bytes.hex(out));
        }
    }

    /** Verifies that the section 5.2 iterated vectors match after 1 and 1000 iterations. */
    @Test
    void testIteratedScalarMultMatchesVectors() {
        byte[] k = new byte[32];
        k[0] = 9;
        byte[] u = k.clone();
        int done = 0;
        for (Map<String, String> r : RECORDS.subList(2, 4)) {
            int target = Integer.parseInt(r.get("iterations"));
            for (; done < target; done++) {
                byte[] out = new byte[32];
                X25519Keys.agree(k, u, out);
                u = k;
                k = out;
            }
            assertEquals(r.get("output"), Bytes.hex(k));
        }
    }

    /** Verifies that the section 6.1 public keys and shared secret match. */
    @Test
    void testDiffieHellmanMatchesVector() {
        Map<String, String> r = RECORDS.get(4);
        assertEquals(
                r.get("alice_public"),
                Bytes.hex(X25519Keys.publicFromPrivate(hex(r, "alice_private"))));
        assertEquals(
                r.get("bob_public"),
                Bytes.hex(X25519Keys.publicFromPrivate(hex(r, "bob_private"))));
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        assertTrue(X25519Keys.agree(hex(r, "alice_private"), hex(r, "bob_public"), ab));
        assertTrue(X25519Keys.agree(hex(r, "bob_private"), hex(r, "alice_public"), ba));
        assertEquals(r.get("shared"), Bytes.hex(ab));
        assertEquals(r.get("shared"), Bytes.hex(ba));
    }
}
