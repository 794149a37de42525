package org.haven.gateway.auth;

import java.util.concurrent.TimeUnit;
import org.haven.crypto.Argon2Memory;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.PassphraseHash;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One check of a login passphrase against its hash at the default cost (46 MiB, 2 passes), as the
 * passphrase pool's threads run it: with the working memory allocated for the run, or reused from
 * the thread's last run. A login runs two such Argon2id runs (the hash, then the personal key's
 * box). Run by {@code BenchmarkRun} with {@code -Dhaven.benchmark=PassphraseCheckBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PassphraseCheckBenchmark {
    private static final char[] PASS = "a long coordinator passphrase".toCharArray();

    @Param({"false", "true"})
    public boolean reused;

    private String hash;
    private Argon2Memory memory;

    @Setup
    public void setUp() {
        hash = PassphraseHash.hash(PASS, Argon2Params.defaults());
        memory = reused ? new Argon2Memory(Argon2Params.defaults()) : null;
    }

    @Benchmark
    public boolean verify() {
        return PassphraseHash.verify(hash, PASS, memory);
    }
}
