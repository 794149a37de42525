package org.haven.crypto.internal;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;

/**
 * Argon2id blocks (1 KiB each) kept for reuse between runs. Bouncy Castle wipes each block before
 * it returns it here.
 */
public final class Argon2BlockMemory {
    private final Argon2BytesGenerator.FixedBlockPool pool;

    /** Room for the blocks of runs of {@code memoryKiB}. */
    public Argon2BlockMemory(int memoryKiB) {
        this.pool = new Argon2BytesGenerator.FixedBlockPool(memoryKiB);
    }

    Argon2BytesGenerator.BlockPool pool() {
        return pool;
    }
}
