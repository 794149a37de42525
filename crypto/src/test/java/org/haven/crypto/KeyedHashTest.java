package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** HMAC-SHA256 lookup hashes. */
class KeyedHashTest {
    private static final byte[] KEY_131 = new byte[131];

    static {
        Arrays.fill(KEY_131, (byte) 0xaa);
    }

    /** Verifies that RFC 4231 test cases 6 and 7 (keys of at least 32 bytes) pass. */
    @Test
    void testHashMatchesRfc4231Vectors() {
        KeyedHash h = new KeyedHash(KEY_131);
        assertEquals(
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                h.hashHex("Test Using Larger Than Block-Size Key - Hash Key First"));
        assertEquals(
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                h.hashHex(
                        "This is a test using a larger than block-size key and a larger than "
                                + "block-size data. The key needs to be hashed before being used by the HMAC "
                                + "algorithm."));
    }

    /** Verifies that the hash is stable, keyed, and over UTF-8. */
    @Test
    void testHashIsStableAndKeyed() {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        KeyedHash a = new KeyedHash(secret);
        assertEquals(
                a.hashHex("sms:+15145550100"), new KeyedHash(secret).hashHex("sms:+15145550100"));
        assertNotEquals(a.hashHex("sms:+15145550100"), a.hashHex("sms:+15145550101"));
        assertNotEquals(a.hashHex("x"), new KeyedHash(KEY_131).hashHex("x"));
        assertEquals(32, a.hash("é").length);
    }

    /**
     * Verifies that a derived keyed hash is HMAC-SHA256 under HKDF-SHA256(secret, no salt, label)
     * as docs/crypto.md writes it, computed here with the JDK's HMAC only, and that it differs from
     * the parent and from another label's.
     */
    @Test
    void testDeriveIsHkdfOfTheSecret() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        KeyedHash parent = new KeyedHash(secret);
        KeyedHash audit = parent.derive("haven/audit-key/v1");
        byte[] prk = jdkHmac(new byte[32], secret);
        byte[] key = jdkHmac(prk, "haven/audit-key/v1\u0001".getBytes(StandardCharsets.UTF_8));
        byte[] message = {0, 1, 2, (byte) 0xff};
        assertArrayEquals(jdkHmac(key, message), audit.hash(message));
        assertArrayEquals(
                audit.hash(message),
                new KeyedHash(secret).derive("haven/audit-key/v1").hash(message));
        assertFalse(Arrays.equals(parent.hash(message), audit.hash(message)));
        assertFalse(
                Arrays.equals(parent.derive("haven/other/v1").hash(message), audit.hash(message)));
        assertThrows(IllegalArgumentException.class, () -> parent.derive(""));
    }

    private static byte[] jdkHmac(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** Verifies that secrets shorter than 32 bytes are refused. */
    @Test
    void testConstructorFailsForShortSecret() {
        assertThrows(IllegalArgumentException.class, () -> new KeyedHash(new byte[31]));
    }
}
