package org.haven.crypto.internal;

import static org.haven.crypto.internal.VectorFile.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** RFC 9106 Argon2id vector through {@link Argon2id}, the derivation behind passphrase boxes. */
class Rfc9106VectorTest {
    /** Verifies that the section 5.3 Argon2id tag (with secret K and data X) matches. */
    @Test
    void testArgon2idMatchesVector() {
        Map<String, String> r = VectorFile.read("rfc9106-argon2id.txt").get(0);
        byte[] tag =
                Argon2id.derive(
                        hex(r, "password"),
                        hex(r, "salt"),
                        hex(r, "secret"),
                        hex(r, "ad"),
                        Integer.parseInt(r.get("memory_kib")),
                        Integer.parseInt(r.get("iterations")),
                        Integer.parseInt(r.get("parallelism")),
                        32,
                        null);
        assertEquals(r.get("tag"), Bytes.hex(tag));
    }
}
