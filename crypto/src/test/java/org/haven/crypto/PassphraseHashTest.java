package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Login passphrase hashes in PHC format. */
@Timeout(60)
class PassphraseHashTest {
    private static final char[] PASS = "a long coordinator passphrase".toCharArray();
    private static String encoded;

    @BeforeAll
    static void hashOnce() {
        encoded = PassphraseHash.hash(PASS, Argon2Params.minimum());
    }

    /** Verifies that the PHC string has the documented shape and the right passphrase verifies. */
    @Test
    void testHashVerifies() {
        assertTrue(
                encoded.matches(
                        "\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"),
                encoded);
        assertTrue(PassphraseHash.verify(encoded, PASS));
        assertFalse(PassphraseHash.needsRehash(encoded, Argon2Params.minimum()));
        assertTrue(PassphraseHash.needsRehash(encoded, new Argon2Params(65536, 3, 1)));
    }

    /**
     * Verifies that a hash made with the defaults costs more than the OWASP minimum, says so in its
     * string, verifies, and that a hash at the minimum needs re-hashing to reach them.
     */
    @Test
    void testDefaultsAreAboveTheOwaspMinimum() {
        Argon2Params d = Argon2Params.defaults();
        assertTrue(
                d.atLeast(Argon2Params.minimum()) && !d.equals(Argon2Params.minimum()),
                d.toString());
        String strong = PassphraseHash.hash(PASS);
        assertTrue(
                strong.startsWith(
                        "$argon2id$v=19$m="
                                + d.memoryKiB()
                                + ",t="
                                + d.iterations()
                                + ",p="
                                + d.parallelism()
                                + "$"),
                strong);
        assertTrue(PassphraseHash.verify(strong, PASS));
        assertFalse(PassphraseHash.needsRehash(strong, d));
        assertTrue(PassphraseHash.needsRehash(encoded, d));
    }

    /**
     * Verifies that the test suite's property makes the defaults the OWASP minimum only while it is
     * {@code true}, and that the defaults are the full cost again once it is gone.
     */
    @Test
    void testTestPropertyLowersTheDefaultsOnlyWhileSet() {
        Argon2Params full = Argon2Params.defaults();
        try {
            System.setProperty(Argon2Params.TEST_MINIMUM, "false");
            assertEquals(full, Argon2Params.defaults());
            System.setProperty(Argon2Params.TEST_MINIMUM, "true");
            assertEquals(Argon2Params.minimum(), Argon2Params.defaults());
            assertTrue(PassphraseHash.hash(PASS).contains("$m=19456,t=2,p=1$"));
        } finally {
            System.clearProperty(Argon2Params.TEST_MINIMUM);
        }
        assertEquals(new Argon2Params(47104, 2, 1), Argon2Params.defaults());
    }

    /**
     * Verifies that checks reusing one working memory (a login thread's) answer exactly as checks
     * that allocate their own, one after another: right and wrong passphrases, and hashes at a
     * lower and at a higher cost than the memory was made for.
     */
    @Test
    void testReusedMemoryGivesTheSameAnswers() {
        Argon2Memory memory = new Argon2Memory(Argon2Params.minimum());
        String stronger = PassphraseHash.hash(PASS, new Argon2Params(24576, 2, 1));
        char[] wrong = "a long coordinator passphrasE".toCharArray();
        for (int round = 0; round < 2; round++) {
            assertTrue(PassphraseHash.verify(encoded, PASS, memory));
            assertFalse(PassphraseHash.verify(encoded, wrong, memory));
            assertTrue(PassphraseHash.verify(stronger, PASS, memory));
            assertFalse(PassphraseHash.verify(stronger, wrong, memory));
        }
    }

    /** Verifies that a wrong passphrase does not verify. */
    @Test
    void testVerifyFailsForWrongPassphrase() {
        assertFalse(PassphraseHash.verify(encoded, "a long coordinator passphrasE".toCharArray()));
    }

    /** Verifies that malformed or out-of-bounds strings give false, not an exception. */
    @Test
    void testVerifyFailsForMalformedString() {
        String[] bad = {
            null,
            "",
            "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
            encoded.replace("v=19", "v=16"),
            encoded.replace("m=19456", "m=8"),
            encoded.replace("m=19456", "m=99999999"),
            encoded.replace("t=2", "t=1"),
            encoded.substring(0, encoded.length() - 1) + "!",
            encoded + "$",
            encoded.substring(0, 40)
        };
        for (String s : bad) {
            assertFalse(PassphraseHash.verify(s, PASS), String.valueOf(s));
        }
    }

    /**
     * Verifies that PHC strings made by the reference implementation (libargon2's {@code argon2}
     * command, Debian package argon2 0~20171227) verify, and fail for a wrong passphrase.
     */
    @Test
    void testVerifyAcceptsReferenceImplementationStrings() {
        // echo -n "password" | argon2 somesaltsomesalt -id -t 2 -m 15 -p 1 -l 32 -e
        String a =
                "$argon2id$v=19$m=32768,t=2,p=1$c29tZXNhbHRzb21lc2FsdA"
                        + "$IX8rTqp0d9Pu37QS7l1Ix06hxksaav9Ey5Ztp+RIRS8";
        // echo -n "correct horse battery staple é" | argon2 Haven-salt-16byt -id -t 2 -k 19456 -p 1
        // -l 32 -e
        String b =
                "$argon2id$v=19$m=19456,t=2,p=1$SGF2ZW4tc2FsdC0xNmJ5dA"
                        + "$RocuoWIdfXu4SVnPC1lZWVcPagg0mXaBe+mp6aKsc2Q";
        assertTrue(PassphraseHash.verify(a, "password".toCharArray()));
        assertTrue(PassphraseHash.verify(b, "correct horse battery staple \u00e9".toCharArray()));
        assertFalse(PassphraseHash.verify(a, "Password".toCharArray()));
    }
}
