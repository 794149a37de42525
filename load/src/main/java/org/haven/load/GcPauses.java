package org.haven.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The gateway's garbage-collection pauses while measuring, read each second from its {@code
 * /metrics} ({@code jvm_gc_pause_seconds}, every stop-the-world pause the JVM reports), so that a
 * slow second of the load can be set beside the pauses of that second.
 */
final class GcPauses {
    private static final Pattern SERIES =
            Pattern.compile("^jvm_gc_pause_seconds_(count|sum|max)(?:\\{[^}]*\\})?\\s+(\\S+)$");

    /** The pause counters at one moment: summed over every collector and cause. */
    record Reading(long count, double seconds, double recentMaxSeconds) {}

    private final MetricsPage page;
    private Reading first;
    private Reading last;
    private final List<Double> perSecondMillis = new ArrayList<>();

    /**
     * @param host the gateway's host
     * @param port its port
     * @param token the metrics bearer token ({@code HAVEN_METRICS_TOKEN}), or null
     */
    GcPauses(String host, int port, String token) {
        this.page = new MetricsPage(host, port, token);
    }

    /** Starts the window: the readings from here on are counted. */
    void start() {
        first = read();
        last = first;
    }

    /** Ends one second of the window: the pause time since the one before. */
    void tick() {
        Reading now = read();
        perSecondMillis.add(
                now == null || last == null ? -1 : (now.seconds() - last.seconds()) * 1000);
        if (now != null) {
            last = now;
        }
    }

    /**
     * @return "gc pauses=12 total=84ms (0.3% of 30 s) longest_recent=21ms", or a note that the
     *     gateway's metrics could not be read
     */
    String report() {
        if (first == null || last == null) {
            return "gc       pauses unknown (the gateway's /metrics could not be read)";
        }
        double totalMs = (last.seconds() - first.seconds()) * 1000;
        int seconds = Math.max(1, perSecondMillis.size());
        return String.format(
                Locale.ROOT,
                "gc       pauses=%d total=%.0fms (%.2f%% of %d s) longest_recent=%.0fms worst seconds: %s",
                last.count() - first.count(),
                totalMs,
                totalMs / (seconds * 10.0),
                seconds,
                last.recentMaxSeconds() * 1000,
                worstSeconds(6));
    }

    /** The pause time in second {@code i} of the window, or -1 when not read. */
    double millisIn(int i) {
        return i >= 0 && i < perSecondMillis.size() ? perSecondMillis.get(i) : -1;
    }

    private String worstSeconds(int n) {
        return IntStream.range(0, perSecondMillis.size())
                .filter(i -> perSecondMillis.get(i) > 0)
                .boxed()
                .sorted((a, b) -> Double.compare(perSecondMillis.get(b), perSecondMillis.get(a)))
                .limit(n)
                .map(i -> String.format(Locale.ROOT, "%ds %.0fms", i, perSecondMillis.get(i)))
                .collect(Collectors.joining(", "));
    }

    private Reading read() {
        String text = page.read();
        return text == null ? null : parse(text);
    }

    /** Sums the pause series of a Prometheus text page. */
    static Reading parse(String page) {
        long count = 0;
        double sum = 0;
        double max = 0;
        for (String line : page.split("\n")) {
            Matcher m = SERIES.matcher(line.strip());
            if (!m.matches()) {
                continue;
            }
            double v = Double.parseDouble(m.group(2));
            switch (m.group(1)) {
                case "count" -> count += (long) v;
                case "sum" -> sum += v;
                default -> max = Math.max(max, v);
            }
        }
        return new Reading(count, sum, max);
    }
}
