package org.haven.crypto;

import java.util.Objects;
import org.haven.crypto.internal.Argon2id;

/**
 * A deterministic, salted Argon2id hash for a low-entropy secret that must also be found again by
 * its hash (a resume phrase of 45 bits): each guess costs one Argon2id run, and a salt kept apart
 * from the stored hashes makes guessing start only with that salt in hand.
 */
public final class SlowHash {
    private SlowHash() {}

    /**
     * @param secret the secret's canonical bytes
     * @param salt at least 16 bytes, the same for every secret that must be found again
     * @param params the cost (never below {@link Argon2Params#minimum()}: such params cannot be
     *     made)
     * @param length output bytes, 32 to 64
     */
    public static byte[] derive(byte[] secret, byte[] salt, Argon2Params params, int length) {
        return derive(secret, salt, params, length, null);
    }

    /**
     * As {@link #derive(byte[], byte[], Argon2Params, int)}, with working memory reused from
     * earlier runs ({@code memory}; null: allocated for this run).
     */
    public static byte[] derive(
            byte[] secret, byte[] salt, Argon2Params params, int length, Argon2Memory memory) {
        Objects.requireNonNull(secret, "secret");
        if (salt == null || salt.length < 16) {
            throw new IllegalArgumentException("salt must be at least 16 bytes");
        }
        if (length < 32 || length > 64) {
            throw new IllegalArgumentException("length must be 32 to 64 bytes");
        }
        return Argon2id.derive(
                secret,
                salt,
                null,
                null,
                params.memoryKiB(),
                params.iterations(),
                params.parallelism(),
                length,
                Argon2Memory.blocksOf(memory));
    }
}
