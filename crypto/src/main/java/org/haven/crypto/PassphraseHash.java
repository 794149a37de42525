package org.haven.crypto;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.PasswordConverter;
import org.haven.crypto.internal.Argon2id;
import org.haven.crypto.internal.Bytes;

/**
 * Login passphrase hashing with Argon2id in the PHC string format understood by libargon2 and most
 * password libraries: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, where salt (16 bytes)
 * and hash (32 bytes) are standard Base64 without padding.
 *
 * <p>{@link #verify} uses the parameters in the string, so hashes made with older, lower-but-valid
 * costs still verify; {@link #needsRehash} tells when to re-hash after a successful login.
 */
public final class PassphraseHash {
    private static final Pattern PHC =
            Pattern.compile(
                    "\\$argon2id\\$v=19\\$m=([0-9]{1,8}),t=([0-9]{1,3}),p=([0-9]{1,3})"
                            + "\\$([A-Za-z0-9+/]{11,86})\\$([A-Za-z0-9+/]{22,86})");
    private static final int SALT_LENGTH = 16;
    private static final int HASH_LENGTH = 32;
    private static final int MIN_DECODED = 8;
    private static final int MAX_DECODED = 64;

    private PassphraseHash() {}

    /** Hashes with {@link Argon2Params#defaults()} and a fresh 16-byte salt. */
    public static String hash(char[] passphrase) {
        return hash(passphrase, Argon2Params.defaults());
    }

    /** Hashes with the given costs and a fresh 16-byte salt. */
    public static String hash(char[] passphrase, Argon2Params params) {
        if (passphrase == null || params == null) {
            throw new IllegalArgumentException("passphrase and params are required");
        }
        byte[] salt = Bytes.random(SALT_LENGTH);
        byte[] hash = derive(passphrase, salt, params, HASH_LENGTH, null);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m="
                + params.memoryKiB()
                + ",t="
                + params.iterations()
                + ",p="
                + params.parallelism()
                + "$"
                + b64.encodeToString(salt)
                + "$"
                + b64.encodeToString(hash);
    }

    /**
     * Whether {@code passphrase} matches {@code encoded}. Compares in constant time; a malformed
     * string or out-of-bounds parameters give false, never an exception.
     */
    public static boolean verify(String encoded, char[] passphrase) {
        return verify(encoded, passphrase, null);
    }

    /**
     * As {@link #verify(String, char[])}, with Argon2id's working memory reused from earlier runs
     * ({@code memory}; null: allocated for this run).
     */
    public static boolean verify(String encoded, char[] passphrase, Argon2Memory memory) {
        if (encoded == null || passphrase == null) {
            return false;
        }
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) {
            return false;
        }
        try {
            Argon2Params params =
                    new Argon2Params(
                            Integer.parseInt(m.group(1)),
                            Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)));
            byte[] salt = Base64.getDecoder().decode(m.group(4));
            byte[] expected = Base64.getDecoder().decode(m.group(5));
            if (salt.length < MIN_DECODED
                    || salt.length > MAX_DECODED
                    || expected.length < 16
                    || expected.length > MAX_DECODED) {
                return false;
            }
            byte[] actual = derive(passphrase, salt, params, expected.length, memory);
            return MessageDigest.isEqual(actual, expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True when {@code encoded} is malformed or its costs are below {@code target}. */
    public static boolean needsRehash(String encoded, Argon2Params target) {
        Matcher m = encoded == null ? null : PHC.matcher(encoded);
        if (m == null || !m.matches()) {
            return true;
        }
        try {
            Argon2Params params =
                    new Argon2Params(
                            Integer.parseInt(m.group(1)),
                            Integer.parseInt(m.group(2)),
                            Integer.parseInt(m.group(3)));
            return !params.atLeast(target);
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static byte[] derive(
            char[] passphrase, byte[] salt, Argon2Params params, int length, Argon2Memory memory) {
        byte[] password = PasswordConverter.UTF8.convert(passphrase);
        try {
            return Argon2id.derive(
                    password,
                    salt,
                    null,
                    null,
                    params.memoryKiB(),
                    params.iterations(),
                    params.parallelism(),
                    length,
                    Argon2Memory.blocksOf(memory));
        } finally {
            Bytes.wipe(password);
        }
    }
}
