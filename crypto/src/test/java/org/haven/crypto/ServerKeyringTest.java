package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;
import org.haven.crypto.internal.Bytes;
import org.junit.jupiter.api.Test;

/** The server working keyring. */
class ServerKeyringTest {
    private static final byte[] STATE = "{\"step\":\"language\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = "conversation:42".getBytes(StandardCharsets.UTF_8);

    /** Verifies that ciphertexts round-trip and carry the primary key id. */
    @Test
    void testEncryptDecryptRoundTrip() throws Exception {
        ServerKeyring ring = ServerKeyring.generate();
        byte[] ct = ring.encrypt(STATE, AD);
        assertArrayEquals(STATE, ring.decrypt(ct, AD));
        assertEquals(1, ServerKeyring.keyIdOf(ct));
        assertArrayEquals(new byte[0], ring.decrypt(ring.encrypt(new byte[0], AD), AD));
    }

    /** Verifies that after rotation old ciphertexts decrypt and new ones use the new primary. */
    @Test
    void testRotateKeepsOldKeysForDecryption() throws Exception {
        ServerKeyring v1 = ServerKeyring.generate();
        byte[] old = v1.encrypt(STATE, AD);
        ServerKeyring v2 = v1.rotate();
        assertArrayEquals(STATE, v2.decrypt(old, AD));
        byte[] fresh = v2.encrypt(STATE, AD);
        assertEquals(2, ServerKeyring.keyIdOf(fresh));
        assertThrows(GeneralSecurityException.class, () -> v1.decrypt(fresh, AD));
        ServerKeyring v3 = v2.retire(1);
        assertEquals(Set.of(2), v3.keyIds());
        assertThrows(GeneralSecurityException.class, () -> v3.decrypt(old, AD));
        assertArrayEquals(STATE, v3.decrypt(fresh, AD));
        assertThrows(IllegalArgumentException.class, () -> v3.retire(2));
        assertThrows(IllegalArgumentException.class, () -> v3.retire(7));
    }

    /** Verifies that serialization round-trips and keys survive it. */
    @Test
    void testSerializationRoundTrip() throws Exception {
        ServerKeyring ring = ServerKeyring.generate().rotate().rotate().retire(2);
        byte[] ct = ring.encrypt(STATE, AD);
        ServerKeyring back =
                ServerKeyring.fromBytes(
                        ring.toBytes(SecretKeyAccess.INSECURE), SecretKeyAccess.INSECURE);
        assertEquals(3, back.primaryKeyId());
        assertEquals(Set.of(1, 3), back.keyIds());
        assertArrayEquals(STATE, back.decrypt(ct, AD));
    }

    /**
     * Verifies that malformed keyrings are refused: counts, ids, lengths, primary, trailing bytes.
     */
    @Test
    void testFromBytesFailsForMalformedKeyring() throws Exception {
        byte[] good = ServerKeyring.generate().toBytes(SecretKeyAccess.INSECURE);
        String hex = Bytes.hex(good);
        String key = hex.substring(2 * 16);
        String[] bad = {
            "48564e520100000001" + "0000",
            "48564e520100000002" + "0001" + "0000000120" + key,
            "48564e520100000001" + "0001" + "0000000010" + key.substring(0, 32),
            "48564e520100000000" + "0001" + "0000000020" + key,
            "48564e520100000001" + "0002" + "0000000120" + key + "0000000120" + key,
            "48564e520100000001" + "0001" + "8000000020" + key,
            hex + "00",
            hex.substring(0, hex.length() - 2),
            "48564e520200000001" + "0001" + "0000000120" + key,
        };
        for (String b : bad) {
            assertThrows(
                    GeneralSecurityException.class,
                    () -> ServerKeyring.fromBytes(Bytes.unhex(b), SecretKeyAccess.INSECURE),
                    b);
        }
        ServerKeyring.fromBytes(good, SecretKeyAccess.INSECURE);
    }

    /** Verifies that tampering, truncation, wrong associated data and a wrong key are detected. */
    @Test
    void testDecryptFailsForTamperedOrTruncatedInput() throws Exception {
        ServerKeyring ring = ServerKeyring.generate();
        byte[] ct = ring.encrypt(STATE, AD);
        for (int i = 0; i < ct.length; i++) {
            byte[] tampered = ct.clone();
            tampered[i] ^= 0x01;
            assertThrows(GeneralSecurityException.class, () -> ring.decrypt(tampered, AD));
        }
        for (int n = 0; n < ct.length; n++) {
            byte[] cut = Arrays.copyOf(ct, n);
            assertThrows(GeneralSecurityException.class, () -> ring.decrypt(cut, AD));
        }
        assertThrows(GeneralSecurityException.class, () -> ring.decrypt(ct, new byte[0]));
        assertThrows(
                GeneralSecurityException.class, () -> ServerKeyring.generate().decrypt(ct, AD));
    }
}
