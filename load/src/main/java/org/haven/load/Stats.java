package org.haven.load;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latencies (microseconds, from the time a message was due to be sent, so a stalled server cannot
 * hide its queue) and counters of one kind of traffic. Nothing is recorded before {@link
 * #measure()} is called (the warm-up).
 */
final class Stats {
    final String name;
    private final Histogram latency = new ConcurrentHistogram(60_000_000L, 3);
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();

    /**
     * The longest latency (µs) of the messages due in each second of the window: shows whether the
     * tail is spread or bursts.
     */
    private final AtomicLongArray worstPerSecond = new AtomicLongArray(3601);

    /** Latencies of the messages due in each 10-second window: the first seconds after a start. */
    private final AtomicReferenceArray<Histogram> windows = new AtomicReferenceArray<>(361);

    static final int WINDOW_SECONDS = 10;

    private volatile boolean measuring;
    private volatile long measureStart;
    private volatile long measureEnd;

    Stats(String name) {
        this.name = name;
    }

    void measure() {
        measure(System.nanoTime());
    }

    /** Starts the window at {@code startNanos} (on {@link System#nanoTime()}'s scale). */
    void measure(long startNanos) {
        measureStart = startNanos;
        measuring = true;
    }

    void stop() {
        measuring = false;
        measureEnd = System.nanoTime();
    }

    boolean measuring() {
        return measuring;
    }

    void sent() {
        if (measuring) {
            sent.incrementAndGet();
        }
    }

    /**
     * One answered request, due at {@code dueNanos}. Throughput counts every answer inside the
     * measured window (so a backlog from the warm-up still counts as work done); latency only those
     * due inside it.
     */
    void done(long dueNanos) {
        done(dueNanos, System.nanoTime());
    }

    /** {@link #done(long)}, answered at {@code answeredNanos}. */
    void done(long dueNanos, long answeredNanos) {
        if (measuring) {
            served.incrementAndGet();
            if (dueNanos >= measureStart) {
                long micros = Math.max(1, (answeredNanos - dueNanos) / 1000);
                latency.recordValue(micros);
                worstPerSecond.accumulateAndGet(
                        (int) Math.min(3600, (dueNanos - measureStart) / 1_000_000_000L),
                        micros,
                        Math::max);
                window((int) Math.min(360, (dueNanos - measureStart) / 10_000_000_000L))
                        .recordValue(micros);
                completed.incrementAndGet();
            }
        }
    }

    private Histogram window(int i) {
        Histogram h = windows.get(i);
        if (h == null) {
            windows.compareAndSet(i, null, new ConcurrentHistogram(60_000_000L, 3));
            h = windows.get(i);
        }
        return h;
    }

    /**
     * The p99 of each 10-second window of the window, by due time: {@code "0-10s 12ms, 10-20s
     * 10ms"}.
     */
    String windowP99s() {
        return IntStream.range(0, windows.length())
                .filter(i -> windows.get(i) != null)
                .mapToObj(
                        i ->
                                String.format(
                                        Locale.ROOT,
                                        "%d-%ds %.0fms",
                                        i * WINDOW_SECONDS,
                                        (i + 1) * WINDOW_SECONDS,
                                        windows.get(i).getValueAtPercentile(99) / 1000.0))
                .collect(Collectors.joining(", "));
    }

    void error(String kind) {
        if (measuring) {
            errors.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        }
    }

    long completed() {
        return completed.get();
    }

    long sentCount() {
        return sent.get();
    }

    long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    double seconds() {
        long end = measuring ? System.nanoTime() : measureEnd;
        return (end - measureStart) / 1e9;
    }

    double throughput() {
        return served.get() / seconds();
    }

    double percentileMillis(double p) {
        return latency.getValueAtPercentile(p) / 1000.0;
    }

    double maxMillis() {
        return latency.getMaxValue() / 1000.0;
    }

    /**
     * The {@code n} seconds of the window (counted from its start, by due time) whose slowest
     * answer took longest, slowest first: {@code "12s 141ms, 40s 60ms"}. Clustered seconds point to
     * a pause (garbage collection, a checkpoint, a periodic job), spread ones to queueing.
     */
    String worstSeconds(int n) {
        return worstSeconds(n, i -> -1);
    }

    /**
     * As {@link #worstSeconds(int)}, with the garbage-collection pause time of each second beside
     * it where known: {@code "12s 141ms (gc 120ms)"}.
     */
    String worstSeconds(int n, IntToDoubleFunction gcMillis) {
        return IntStream.range(0, worstPerSecond.length())
                .filter(i -> worstPerSecond.get(i) > 0)
                .boxed()
                .sorted((a, b) -> Long.compare(worstPerSecond.get(b), worstPerSecond.get(a)))
                .limit(n)
                .map(
                        i ->
                                String.format(
                                                Locale.ROOT,
                                                "%ds %.0fms",
                                                i,
                                                worstPerSecond.get(i) / 1000.0)
                                        + (gcMillis.applyAsDouble(i) < 0
                                                ? ""
                                                : String.format(
                                                        Locale.ROOT,
                                                        " (gc %.0fms)",
                                                        gcMillis.applyAsDouble(i))))
                .collect(Collectors.joining(", "));
    }

    String report() {
        return String.format(
                Locale.ROOT,
                "%-8s sent=%d done=%d throughput=%.1f/s p50=%.2fms p99=%.2fms p99.9=%.2fms max=%.2fms errors=%s",
                name,
                sentCount(),
                completed(),
                throughput(),
                percentileMillis(50),
                percentileMillis(99),
                percentileMillis(99.9),
                maxMillis(),
                errors());
    }
}
