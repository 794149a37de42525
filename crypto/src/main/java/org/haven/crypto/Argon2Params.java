package org.haven.crypto;

import java.security.GeneralSecurityException;

/**
 * Argon2id cost parameters (RFC 9106, version 0x13). They are stored beside every hash and box, so
 * they can be raised later without breaking what was stored before.
 *
 * <p>Bounds, checked on construction and on every decode: memory 19456 KiB (19 MiB, the OWASP
 * minimum for Argon2id) to 1048576 KiB (1 GiB); iterations 2 to 64; parallelism 1 to 16.
 *
 * @param memoryKiB memory cost m in KiB
 * @param iterations time cost t
 * @param parallelism lanes p
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {
    public static final int MIN_MEMORY_KIB = 19456;
    public static final int MAX_MEMORY_KIB = 1 << 20;
    public static final int MIN_ITERATIONS = 2;
    public static final int MAX_ITERATIONS = 64;
    public static final int MIN_PARALLELISM = 1;
    public static final int MAX_PARALLELISM = 16;

    /**
     * The system property that, set to {@code true}, makes {@link #defaults()} the {@link
     * #minimum()}: for the gateway's test suite only, whose logins, accounts and setup codes spent
     * most of its processor time in Argon2id at the full cost. The tests of the cost itself run
     * without it, and the shipped {@code haven} command refuses to start with it set.
     */
    public static final String TEST_MINIMUM = "haven.test.argon2-minimum";

    /**
     * @throws IllegalArgumentException when a parameter is out of bounds
     */
    public Argon2Params {
        if (memoryKiB < MIN_MEMORY_KIB || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory out of bounds");
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2 iterations out of bounds");
        }
        if (parallelism < MIN_PARALLELISM || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parallelism out of bounds");
        }
    }

    /**
     * What Haven seals and hashes with: m=47104 KiB (46 MiB), t=2, p=1, about 2.4 times the work
     * and memory of the OWASP minimum (m=19456, t=2, p=1), chosen from measured unlock times
     * (docs/crypto.md, "Argon2id cost"). What was stored at a lower cost still opens. The {@link
     * #minimum()} instead while the system property {@link #TEST_MINIMUM} is {@code true} (tests).
     */
    public static Argon2Params defaults() {
        return Boolean.getBoolean(TEST_MINIMUM) ? minimum() : new Argon2Params(47104, 2, 1);
    }

    /** The cheapest cost accepted, m=19456 KiB, t=2, p=1: the OWASP minimum for Argon2id. */
    public static Argon2Params minimum() {
        return new Argon2Params(MIN_MEMORY_KIB, MIN_ITERATIONS, MIN_PARALLELISM);
    }

    /** Whether every cost of this is at least that of {@code other}. */
    public boolean atLeast(Argon2Params other) {
        return memoryKiB >= other.memoryKiB
                && iterations >= other.iterations
                && parallelism >= other.parallelism;
    }

    static Argon2Params decoded(long memoryKiB, long iterations, long parallelism)
            throws GeneralSecurityException {
        try {
            return new Argon2Params(
                    Math.toIntExact(memoryKiB),
                    Math.toIntExact(iterations),
                    Math.toIntExact(parallelism));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new GeneralSecurityException("Argon2 parameters out of bounds");
        }
    }
}
