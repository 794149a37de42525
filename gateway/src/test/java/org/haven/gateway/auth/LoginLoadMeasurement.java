package org.haven.gateway.auth;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.haven.gateway.Haven;
import org.haven.gateway.support.FullPassphraseCost;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestClock;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a test (it asserts nothing; run it with {@code scripts/login-load.sh}): a real
 * login's latency with nothing else going on, then while 60 bogus logins run without pause, from
 * one client, from 4 clients and from 60 clients (behind a trusted proxy, each its own {@code
 * X-Forwarded-For}); and the answer times of a wrong passphrase and of a right passphrase with a
 * wrong code. Prints medians and the loaded/unloaded ratios.
 */
@EnabledIfSystemProperty(named = "haven.measure", matches = "true")
@ExtendWith(FullPassphraseCost.class) // logins at the shipped cost, not the suite's minimum
class LoginLoadMeasurement {
    private static final int REAL = 9;
    private static final int BOGUS = 60;

    @TempDir static Path dataDir;

    @Test
    void measure() throws Exception {
        Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_TRUSTED_PROXIES", "127.0.0.1"));
        try {
            TestHaven.setUpAdmin(haven);
            int port = haven.port();
            for (int i = 0; i < 3; i++) {
                realLogin(port, "10.1.0.1");
            }
            InboxClient usual =
                    new InboxClient(
                            port, "10.1.0.3"); // a browser that logged in before: its device cookie
            usual.login(
                    TestHaven.ADMIN,
                    TestHaven.ADMIN_PASSPHRASE,
                    TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode());
            this.usual = usual;
            double unloaded = median(real(port, "10.1.0.2", new int[1]));
            double unloadedUsual = median(real(port, null, new int[1]));
            System.out.printf(
                    Locale.ROOT,
                    "%d processors, passphrase pool %d threads, queue %d, %d per client%n",
                    Runtime.getRuntime().availableProcessors(),
                    PassphraseWork.size(),
                    PassphraseWork.of(haven.vertx()).queueLimit(),
                    PassphraseWork.PER_CLIENT);
            System.out.printf(
                    Locale.ROOT,
                    "real login, unloaded: new browser median %.0f ms, usual browser median %.0f ms%n",
                    unloaded,
                    unloadedUsual);
            loaded(port, unloaded, unloadedUsual, "60 bogus from 1 client", i -> "10.2.0.1");
            loaded(
                    port,
                    unloaded,
                    unloadedUsual,
                    "60 bogus from 4 clients",
                    i -> "10.3.0." + (i % 4 + 1));
            loaded(
                    port,
                    unloaded,
                    unloadedUsual,
                    "60 bogus from 60 clients",
                    i -> "10.4.0." + (i + 1));

            TestClock.SHARED.advance(Duration.ofMinutes(61));
            double[] wrongPass = new double[REAL];
            double[] wrongCode = new double[REAL];
            for (int n = 0; n < REAL; n++) {
                int i = n;
                wrongPass[i] =
                        timed(
                                () ->
                                        new InboxClient(port, "10.5.0." + (1 + i % 200))
                                                .login(
                                                        TestHaven.ADMIN,
                                                        "not the passphrase at all",
                                                        "123456"));
                wrongCode[i] =
                        timed(
                                () ->
                                        new InboxClient(port, "10.6.0." + (1 + i % 200))
                                                .login(
                                                        TestHaven.ADMIN,
                                                        TestHaven.ADMIN_PASSPHRASE,
                                                        "000000"));
            }
            System.out.printf(
                    Locale.ROOT,
                    "wrong passphrase: median %.0f ms; right passphrase, wrong code: median %.0f ms;"
                            + " ratio %.2f%n",
                    median(wrongPass),
                    median(wrongCode),
                    median(wrongCode) / median(wrongPass));
        } finally {
            haven.close();
        }
    }

    private InboxClient usual;

    private void loaded(
            int port,
            double unloaded,
            double unloadedUsual,
            String label,
            IntFunction<String> address)
            throws Exception {
        TestClock.SHARED.advance(
                Duration.ofMinutes(61)); // every count from before is out of its window
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger[] statuses = new AtomicInteger[600];
        Arrays.setAll(statuses, i -> new AtomicInteger());
        ExecutorService pool = Executors.newFixedThreadPool(BOGUS);
        for (int i = 0; i < BOGUS; i++) {
            int k = i;
            pool.submit(
                    () -> {
                        InboxClient c = new InboxClient(port, address.apply(k));
                        int n = 0;
                        while (!stop.get()) {
                            try {
                                statuses[
                                        c.login("ghost-" + k, "bogus guess " + n++, "123456")
                                                .statusCode()]
                                        .incrementAndGet();
                            } catch (Exception e) {
                                statuses[599].incrementAndGet();
                            }
                        }
                        return null;
                    });
        }
        Thread.sleep(1500);
        int[] busy = new int[1];
        double[] times = real(port, "10.9." + label.length() + ".1", busy);
        int[] busyUsual = new int[1];
        double[] timesUsual = real(port, null, busyUsual);
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        System.out.printf(
                Locale.ROOT,
                "%s: real login median %.0f ms, max %.0f ms, ratio %.2f (median), real logins turned away %d;"
                        + " bogus answers 401=%d 429=%d 503=%d%n",
                label,
                median(times),
                Arrays.stream(times).max().orElse(0),
                median(times) / unloaded,
                busy[0],
                statuses[401].get(),
                statuses[429].get(),
                statuses[503].get());
        System.out.printf(
                Locale.ROOT,
                "%s: usual browser's login median %.0f ms, max %.0f ms, ratio %.2f (median), turned away %d%n",
                label,
                median(timesUsual),
                Arrays.stream(timesUsual).max().orElse(0),
                median(timesUsual) / unloadedUsual,
                busyUsual[0]);
    }

    /**
     * {@value #REAL} real logins, one after another, from a new browser at {@code address} each
     * time, or (address null) from the usual browser; their times in ms (one turned away counted in
     * busy).
     */
    private double[] real(int port, String address, int[] busy) throws Exception {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < REAL; i++) {
            long t0 = System.nanoTime();
            int status =
                    address == null
                            ? usual.login(
                                            TestHaven.ADMIN,
                                            TestHaven.ADMIN_PASSPHRASE,
                                            TestHaven.credentials(dataDir, TestHaven.ADMIN)
                                                    .nextCode())
                                    .statusCode()
                            : realLogin(port, address);
            double ms = (System.nanoTime() - t0) / 1e6;
            if (status == 302) {
                out.add(ms);
            } else {
                busy[0]++;
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static int realLogin(int port, String address) throws Exception {
        return new InboxClient(port, address)
                .login(
                        TestHaven.ADMIN,
                        TestHaven.ADMIN_PASSPHRASE,
                        TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode())
                .statusCode();
    }

    private interface Call {
        HttpResponse<String> call() throws Exception;
    }

    private static double timed(Call call) throws Exception {
        long t0 = System.nanoTime();
        call.call();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
