package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Field encryption under a per-case {@link DataKey}. */
@Timeout(30)
class DataKeyTest {
    private static final byte[] ANSWER = "I was detained in 2019".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AD = FieldBinding.of("case-1", "what_happened");

    /** Verifies that a field ciphertext decrypts to the original plaintext. */
    @Test
    void testEncryptDecryptRoundTrip() throws Exception {
        DataKey key = DataKey.generate();
        byte[] ct = key.encrypt(ANSWER, AD);
        assertArrayEquals(ANSWER, key.decrypt(ct, AD));
        assertEquals(5 + 12 + ANSWER.length + 16, ct.length);
        assertArrayEquals(new byte[] {'H', 'V', 'N', 'D', 1}, Arrays.copyOf(ct, 5));
    }

    /** Verifies that an empty plaintext round-trips to an empty array, not null. */
    @Test
    void testEncryptDecryptEmptyPlaintext() throws Exception {
        DataKey key = DataKey.generate();
        byte[] ct = key.encrypt(new byte[0], AD);
        assertArrayEquals(new byte[0], key.decrypt(ct, AD));
    }

    /** Verifies that two encryptions of the same plaintext differ (random nonce). */
    @Test
    void testEncryptIsRandomized() throws Exception {
        DataKey key = DataKey.generate();
        assertThrows(
                AssertionError.class,
                () -> assertArrayEquals(key.encrypt(ANSWER, AD), key.encrypt(ANSWER, AD)));
    }

    /** Verifies that another data key cannot decrypt. */
    @Test
    void testDecryptFailsForWrongKey() throws Exception {
        byte[] ct = DataKey.generate().encrypt(ANSWER, AD);
        assertThrows(GeneralSecurityException.class, () -> DataKey.generate().decrypt(ct, AD));
    }

    /** Verifies that a ciphertext cannot be moved to another case or another field. */
    @Test
    void testDecryptFailsForSwappedCaseOrField() throws Exception {
        DataKey key = DataKey.generate();
        byte[] ct = key.encrypt(ANSWER, AD);
        assertThrows(
                GeneralSecurityException.class,
                () -> key.decrypt(ct, FieldBinding.of("case-2", "what_happened")));
        assertThrows(
                GeneralSecurityException.class,
                () -> key.decrypt(ct, FieldBinding.of("case-1", "where")));
        assertThrows(GeneralSecurityException.class, () -> key.decrypt(ct, new byte[0]));
    }

    /** Verifies that flipping any single bit anywhere (header, nonce, body, tag) is detected. */
    @Test
    void testDecryptFailsForEveryTamperedByte() throws Exception {
        DataKey key = DataKey.generate();
        byte[] ct = key.encrypt(ANSWER, AD);
        for (int i = 0; i < ct.length; i++) {
            byte[] tampered = ct.clone();
            tampered[i] ^= 0x01;
            assertThrows(
                    GeneralSecurityException.class, () -> key.decrypt(tampered, AD), "byte " + i);
        }
    }

    /** Verifies that every truncation, and null input, throws the checked exception. */
    @Test
    void testDecryptFailsForTruncatedInput() throws Exception {
        DataKey key = DataKey.generate();
        byte[] ct = key.encrypt(ANSWER, AD);
        for (int n = 0; n < ct.length; n++) {
            byte[] cut = Arrays.copyOf(ct, n);
            assertThrows(GeneralSecurityException.class, () -> key.decrypt(cut, AD), "length " + n);
        }
        assertThrows(GeneralSecurityException.class, () -> key.decrypt(null, AD));
    }

    /** Verifies that a destroyed key refuses further use. */
    @Test
    void testUseAfterDestroyFails() throws Exception {
        DataKey key = DataKey.generate();
        key.destroy();
        assertThrows(IllegalStateException.class, () -> key.encrypt(ANSWER, AD));
    }

    /** Verifies that raw export and import round-trip and are gated by the access token. */
    @Test
    void testRawBytesRoundTrip() throws Exception {
        DataKey key = DataKey.generate();
        DataKey copy =
                DataKey.fromBytes(key.toBytes(SecretKeyAccess.INSECURE), SecretKeyAccess.INSECURE);
        assertArrayEquals(ANSWER, copy.decrypt(key.encrypt(ANSWER, AD), AD));
        assertThrows(SecurityException.class, () -> key.toBytes(null));
        assertThrows(
                GeneralSecurityException.class,
                () -> DataKey.fromBytes(new byte[16], SecretKeyAccess.INSECURE));
    }
}
