package org.haven.load;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;

/**
 * How long an inbox login's passphrase work takes at a few Argon2id costs (docs/crypto.md,
 * "Argon2id cost"): {@code java -cp load/target/haven-load.jar org.haven.load.UnlockTiming} ({@code
 * scripts/unlock-timing.sh}).
 *
 * <p>An unlock is what {@code AccountUnlock} does with the passphrase: verify the PHC hash, then
 * open the personal key's {@code HVNP} box (two Argon2id runs, one after the other, on one thread).
 * For each cost it prints the wall and CPU time of sequential unlocks (after a warm-up, so the JIT
 * has compiled Bouncy Castle's Argon2), then of 10 unlocks started at once on a pool of as many
 * threads as the gateway gives passphrase work ({@code min(4, processors)}), and the one-off cost
 * of upgrading an old box and hash at the next login. CPU time is the figure to compare across runs
 * on a shared machine; wall time is what the person waits.
 */
public final class UnlockTiming {
    private static final char[] PASSPHRASE = "correct horse battery staple".toCharArray();
    private static final byte[] SECRET = new byte[32];
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private UnlockTiming() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int concurrent = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        List<Argon2Params> candidates =
                List.of(
                        new Argon2Params(19456, 2, 1),
                        new Argon2Params(47104, 2, 1),
                        new Argon2Params(47104, 3, 1),
                        new Argon2Params(65536, 2, 1),
                        new Argon2Params(65536, 3, 1));
        System.out.printf(
                Locale.ROOT,
                "%d processors, pool of %d for passphrase work, %d sequential unlocks, %d at once; Java %s;"
                        + " load average %.1f%n",
                Runtime.getRuntime().availableProcessors(),
                threads,
                rounds,
                concurrent,
                System.getProperty("java.version"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf(
                Locale.ROOT,
                "unlock = hash verify + personal key open; default cost now %s%n",
                Argon2Params.defaults());
        for (int i = 0; i < 5; i++) {
            unlock(stored(new Argon2Params(19456, 2, 1)));
        }
        System.out.println(
                "m KiB  t  p | sequential wall ms: min  median  p90 | cpu ms: min  median"
                        + " | "
                        + concurrent
                        + " at once, wall ms: median  last | heap at once MiB");
        for (Argon2Params p : candidates) {
            Stored s = stored(p);
            unlock(s);
            long[] wall = new long[rounds];
            long[] cpu = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long c0 = CPU.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                unlock(s);
                wall[i] = System.nanoTime() - w0;
                cpu[i] = CPU.getCurrentThreadCpuTime() - c0;
            }
            long[] burst = burst(s, concurrent, threads);
            Arrays.sort(wall);
            Arrays.sort(cpu);
            System.out.printf(
                    Locale.ROOT,
                    "%5d  %d  %d | %8.0f %7.0f %5.0f | %11.0f %7.0f | %21.0f %5.0f | %5d%n",
                    p.memoryKiB(),
                    p.iterations(),
                    p.parallelism(),
                    ms(wall[0]),
                    ms(wall[rounds / 2]),
                    ms(wall[(int) Math.ceil(rounds * 0.9) - 1]),
                    ms(cpu[0]),
                    ms(cpu[rounds / 2]),
                    ms(burst[concurrent / 2]),
                    ms(burst[concurrent - 1]),
                    threads * p.memoryKiB() / 1024);
        }
        Argon2Params target = Argon2Params.defaults();
        Stored old = stored(new Argon2Params(19456, 2, 1));
        long[] upgrade = new long[Math.max(3, rounds / 3)];
        for (int i = 0; i < upgrade.length; i++) {
            long w0 = System.nanoTime();
            unlock(old);
            PassphraseHash.hash(PASSPHRASE, target);
            PassphraseBox.seal(SECRET, PASSPHRASE, target);
            upgrade[i] = System.nanoTime() - w0;
        }
        Arrays.sort(upgrade);
        System.out.printf(
                Locale.ROOT,
                "first login after the upgrade (unlock at 19456/2/1, then hash and seal at %d/%d/%d):"
                        + " median %.0f ms; load average %.1f%n",
                target.memoryKiB(),
                target.iterations(),
                target.parallelism(),
                ms(upgrade[upgrade.length / 2]),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    private record Stored(String hash, byte[] box) {}

    private static Stored stored(Argon2Params p) throws GeneralSecurityException {
        return new Stored(
                PassphraseHash.hash(PASSPHRASE, p), PassphraseBox.seal(SECRET, PASSPHRASE, p));
    }

    private static void unlock(Stored s) throws GeneralSecurityException {
        if (!PassphraseHash.verify(s.hash(), PASSPHRASE)) {
            throw new IllegalStateException("hash did not verify");
        }
        PassphraseBox.open(s.box(), PASSPHRASE);
    }

    /** Each of {@code n} unlocks' time from the common start to its end, sorted. */
    private static long[] burst(Stored s, int n, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Long>> done = new ArrayList<>();
            long[] start = new long[1];
            for (int i = 0; i < n; i++) {
                done.add(
                        pool.submit(
                                () -> {
                                    go.await();
                                    unlock(s);
                                    return System.nanoTime() - start[0];
                                }));
            }
            start[0] = System.nanoTime();
            go.countDown();
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                out[i] = done.get(i).get();
            }
            Arrays.sort(out);
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
