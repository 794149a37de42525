package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SlowHashTest {
    private static final byte[] SALT = "sixteen byte salt".getBytes(StandardCharsets.UTF_8);

    /**
     * Verifies that the hash is found again (the same input and salt give the same bytes) and
     * depends on both.
     */
    @Test
    void testSameInputSameHashOtherInputOrSaltOther() {
        byte[] a =
                SlowHash.derive(
                        bytes("river cloud apple chair milk"), SALT, Argon2Params.minimum(), 64);
        assertEquals(64, a.length);
        assertArrayEquals(
                a,
                SlowHash.derive(
                        bytes("river cloud apple chair milk"), SALT, Argon2Params.minimum(), 64));
        assertFalse(
                Arrays.equals(
                        a,
                        SlowHash.derive(
                                bytes("river cloud apple chair mile"),
                                SALT,
                                Argon2Params.minimum(),
                                64)));
        byte[] otherSalt = SALT.clone();
        otherSalt[0] ^= 1;
        assertFalse(
                Arrays.equals(
                        a,
                        SlowHash.derive(
                                bytes("river cloud apple chair milk"),
                                otherSalt,
                                Argon2Params.minimum(),
                                64)));
    }

    /**
     * Verifies that runs reusing one working memory give exactly the hashes of runs that allocate
     * their own, one after another and for different secrets: nothing of a run carries into the
     * next (Bouncy Castle wipes each block before it goes back).
     */
    @Test
    void testReusedMemoryGivesTheSameHashes() {
        Argon2Memory memory = new Argon2Memory(Argon2Params.minimum());
        String[] secrets = {"river cloud apple chair milk", "x", "river cloud apple chair milk"};
        for (String secret : secrets) {
            assertArrayEquals(
                    SlowHash.derive(bytes(secret), SALT, Argon2Params.minimum(), 64),
                    SlowHash.derive(bytes(secret), SALT, Argon2Params.minimum(), 64, memory),
                    secret);
        }
    }

    /** Verifies that a short salt and an output too short or too long are refused. */
    @Test
    void testDeriveFailsForWeakParameters() {
        assertThrows(
                IllegalArgumentException.class,
                () -> SlowHash.derive(bytes("x"), new byte[8], Argon2Params.minimum(), 32));
        assertThrows(
                IllegalArgumentException.class,
                () -> SlowHash.derive(bytes("x"), SALT, Argon2Params.minimum(), 65));
        assertThrows(
                IllegalArgumentException.class,
                () -> SlowHash.derive(bytes("x"), SALT, Argon2Params.minimum(), 16));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
