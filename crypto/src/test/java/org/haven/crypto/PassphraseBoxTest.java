package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Secrets at rest under a passphrase. Argon2id at 19 MiB is slow, so one box is shared. */
@Timeout(60)
class PassphraseBoxTest {
    private static final char[] PASS = "correct horse battery staple é".toCharArray();
    private static RecipientKeyPair team;
    private static byte[] box;

    @BeforeAll
    static void sealOnce() throws Exception {
        team = RecipientKeyPair.generate();
        box = PassphraseBox.seal(team.privateKey().toBytes(SecretKeyAccess.INSECURE), PASS);
    }

    /** Verifies that a sealed private key opens with the passphrase and still opens data keys. */
    @Test
    void testSealOpenRoundTrip() throws Exception {
        RecipientPrivateKey key =
                RecipientPrivateKey.fromBytes(
                        PassphraseBox.open(box, PASS), SecretKeyAccess.INSECURE);
        assertEquals(team.publicKey(), key.publicKey());
        assertEquals(Argon2Params.defaults(), PassphraseBox.params(box));
        assertEquals(16 + 16 + 12 + 32 + 16, box.length);
    }

    /**
     * Verifies that opening with one working memory reused (a login thread's) gives the secret each
     * time and still refuses a wrong passphrase between two right ones.
     */
    @Test
    void testReusedMemoryOpensTheSameSecret() throws Exception {
        Argon2Memory memory = new Argon2Memory(Argon2Params.defaults());
        byte[] secret = team.privateKey().toBytes(SecretKeyAccess.INSECURE);
        assertArrayEquals(secret, PassphraseBox.open(box, PASS, memory));
        assertThrows(
                GeneralSecurityException.class,
                () ->
                        PassphraseBox.open(
                                box, "correct horse battery staple e".toCharArray(), memory));
        assertArrayEquals(secret, PassphraseBox.open(box, PASS, memory));
    }

    /** Verifies that a wrong passphrase throws the checked exception. */
    @Test
    void testOpenFailsForWrongPassphrase() {
        assertThrows(
                GeneralSecurityException.class,
                () -> PassphraseBox.open(box, "correct horse battery staple e".toCharArray()));
    }

    /** Verifies that tampering with the salt, nonce, body or tag is detected. */
    @Test
    void testOpenFailsForTamperedBody() {
        for (int i : new int[] {16, 31, 32, 44, box.length - 1}) {
            byte[] tampered = box.clone();
            tampered[i] ^= 0x01;
            assertThrows(GeneralSecurityException.class, () -> PassphraseBox.open(tampered, PASS));
        }
    }

    /**
     * Verifies that header fields out of bounds are refused before any Argon2 work: magic, version,
     * algorithm, memory too high or too low, iterations, parallelism, salt length.
     */
    @Test
    void testOpenFailsForTamperedHeader() {
        int[][] edits = {
            {0, 'X'}, {4, 2}, {5, 2}, {6, 0x7f}, {8, 0}, {9, 1}, {13, 1}, {13, 99}, {14, 0},
            {14, 200}, {15, 8}, {15, 200}
        };
        for (int[] edit : edits) {
            byte[] tampered = box.clone();
            tampered[edit[0]] = (byte) edit[1];
            assertThrows(
                    GeneralSecurityException.class,
                    () -> PassphraseBox.open(tampered, PASS),
                    "offset " + edit[0]);
        }
    }

    /** Verifies that every truncation throws the checked exception. */
    @Test
    void testOpenFailsForTruncatedInput() {
        for (int n = 0; n < box.length; n++) {
            byte[] cut = Arrays.copyOf(box, n);
            assertThrows(GeneralSecurityException.class, () -> PassphraseBox.open(cut, PASS));
        }
    }

    /** Verifies that raised parameters are stored in the box and an empty secret round-trips. */
    @Test
    void testSealWithRaisedParamsAndEmptySecret() throws Exception {
        Argon2Params raised = new Argon2Params(20480, 3, 2);
        byte[] raisedBox = PassphraseBox.seal(new byte[0], PASS, raised);
        assertEquals(raised, PassphraseBox.params(raisedBox));
        assertArrayEquals(new byte[0], PassphraseBox.open(raisedBox, PASS));
    }

    /** Verifies that parameters below the minimum are refused. */
    @Test
    void testParamsFailBelowMinimum() {
        assertThrows(IllegalArgumentException.class, () -> new Argon2Params(19455, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Params(19456, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Argon2Params(19456, 2, 0));
    }
}
