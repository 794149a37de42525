package org.haven.crypto;

import java.util.Objects;
import org.haven.crypto.internal.Argon2BlockMemory;
import org.haven.crypto.internal.Argon2id;

/**
 * A deterministic, salted Argon2id hash for a low-entropy secret that must also be found again by
 * its hash (a resume phrase of 45 bits): each guess costs one Argon2id run, and a salt kept apart
 * from the stored hashes makes guessing start only with that salt in hand.
 */
public final class SlowHash {
    private SlowHash() {}

    /**
     * Argon2id's working memory kept from one derivation to the next, for a thread that derives
     * many (resume phrases prepared ahead): each run otherwise allocates its whole memory (19 MiB
     * at the minimum cost) anew, a fifth of its time and that much garbage. Every block is wiped
     * before it goes back. Meant for one thread; it holds up to {@code params}' memory for as long
     * as it is kept.
     */
    public static final class Memory {
        private final Argon2BlockMemory blocks;

        /** Memory for derivations at {@code params}' cost. */
        public Memory(Argon2Params params) {
            this.blocks = new Argon2BlockMemory(params.memoryKiB());
        }
    }

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
            byte[] secret, byte[] salt, Argon2Params params, int length, Memory memory) {
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
                memory == null ? null : memory.blocks);
    }
}
