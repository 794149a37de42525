package org.haven.crypto;

import org.haven.crypto.internal.Argon2BlockMemory;

/**
 * Argon2id's working memory kept from one run to the next, for a thread that runs many (resume
 * phrases prepared ahead, a login thread): each run otherwise allocates its whole memory anew (19
 * MiB at the minimum cost, 46 MiB at the default): that much garbage a run, and blocks that a young
 * collection may copy while the run still uses them. Every block is wiped before it goes back.
 * Meant for one thread at a time; it holds up to the memory of the cost it was made for for as long
 * as it is kept (a run at a higher cost allocates the rest and drops it after).
 */
public final class Argon2Memory {
    final Argon2BlockMemory blocks;

    /** Memory for runs at {@code params}' cost. */
    public Argon2Memory(Argon2Params params) {
        this.blocks = new Argon2BlockMemory(params.memoryKiB());
    }

    /** The blocks of {@code memory}, or null (each run allocates its own) for none. */
    static Argon2BlockMemory blocksOf(Argon2Memory memory) {
        return memory == null ? null : memory.blocks;
    }
}
