package org.haven.crypto.internal;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id version 0x13 (RFC 9106) on Bouncy Castle; callers validate the cost parameters. */
public final class Argon2id {
    private Argon2id() {}

    /**
     * Derives {@code outLength} bytes. {@code secret} and {@code ad} may be null (RFC 9106's K and
     * X); Haven passes null for both, the RFC vector sets them. Blocks come from and are wiped back
     * into {@code memory}, or are allocated for this run when it is null.
     */
    public static byte[] derive(
            byte[] password,
            byte[] salt,
            byte[] secret,
            byte[] ad,
            int memoryKiB,
            int iterations,
            int parallelism,
            int outLength,
            Argon2BlockMemory memory) {
        Argon2Parameters.Builder builder =
                new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                        .withSalt(salt)
                        .withMemoryAsKB(memoryKiB)
                        .withIterations(iterations)
                        .withParallelism(parallelism);
        if (secret != null) {
            builder.withSecret(secret);
        }
        if (ad != null) {
            builder.withAdditional(ad);
        }
        if (memory != null) {
            builder.withBlockPool(memory.pool());
        }
        Argon2Parameters params = builder.build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[outLength];
        generator.generateBytes(password, out);
        params.clear();
        return out;
    }
}
