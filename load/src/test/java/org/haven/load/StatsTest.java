package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The load tool's latency bookkeeping: open loop from the due time, warm-up excluded, worst
 * seconds.
 */
class StatsTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /**
     * Verifies that latency runs from the due time, that answers before the window or to messages
     * due before it are not in the percentiles, and that the worst seconds are listed slowest
     * first.
     */
    @Test
    void testLatencyFromDueTimeAndWorstSeconds() {
        Stats stats = new Stats("webchat");
        long t0 = 1_000 * S;
        stats.done(t0 - 5 * S, t0 - 4 * S); // warm-up: not measuring yet
        stats.measure(t0);
        stats.done(t0 - S, t0 + 2 * S); // due before the window: counted as served, not timed
        stats.done(t0 + S, t0 + S + 20 * MS);
        stats.done(t0 + S + 500 * MS, t0 + S + 505 * MS);
        stats.done(t0 + 3 * S, t0 + 3 * S + 80 * MS);
        stats.done(t0 + 7 * S, t0 + 7 * S + 2 * MS);

        assertEquals(4, stats.completed());
        assertEquals(80.0, stats.maxMillis(), 0.1);
        assertEquals("3s 80ms, 1s 20ms", stats.worstSeconds(2));
        assertEquals("3s 80ms, 1s 20ms, 7s 2ms", stats.worstSeconds(5));
        assertEquals("3s 80ms (gc 64ms), 1s 20ms", stats.worstSeconds(2, i -> i == 3 ? 64.4 : -1));
        assertEquals("0-10s 80ms", stats.windowP99s());
    }

    /**
     * Verifies that the p99 of each 10-second window is that of the messages due in it: a slow
     * first window (a cold start) shows apart from the steady ones after it.
     */
    @Test
    void testP99PerTenSecondWindow() {
        Stats stats = new Stats("webchat");
        long t0 = 1_000 * S;
        stats.measure(t0);
        for (int i = 0; i < 100; i++) {
            stats.done(t0 + i * 50 * MS, t0 + i * 50 * MS + (i < 10 ? 900 : 5) * MS); // 0-5 s
            stats.done(t0 + 12 * S + i * MS, t0 + 12 * S + i * MS + 4 * MS);
            stats.done(t0 + 25 * S + i * MS, t0 + 25 * S + i * MS + 3 * MS);
        }
        assertEquals("0-10s 900ms, 10-20s 4ms, 20-30s 3ms", stats.windowP99s());
    }

    /**
     * Verifies that the pause series of a Prometheus page are summed over every collector and
     * cause, and that other series with the same prefix are not counted.
     */
    @Test
    void testGcPausesAreSummedOverCollectors() {
        String page =
                String.join(
                        "\n",
                        "# HELP jvm_gc_pause_seconds Time spent in GC pause",
                        "# TYPE jvm_gc_pause_seconds summary",
                        "jvm_gc_pause_seconds_count{action=\"end of minor GC\",cause=\"G1"
                                + " Evacuation Pause\",gc=\"G1 Young Generation\"} 12",
                        "jvm_gc_pause_seconds_sum{action=\"end of minor GC\",cause=\"G1"
                                + " Evacuation Pause\",gc=\"G1 Young Generation\"} 0.084",
                        "jvm_gc_pause_seconds_count{action=\"end of major GC\",cause=\"System.gc()\","
                                + "gc=\"G1 Old Generation\"} 1",
                        "jvm_gc_pause_seconds_sum{action=\"end of major GC\",cause=\"System.gc()\","
                                + "gc=\"G1 Old Generation\"} 0.016",
                        "jvm_gc_pause_seconds_max{action=\"end of minor GC\",cause=\"G1"
                                + " Evacuation Pause\",gc=\"G1 Young Generation\"} 0.021",
                        "jvm_gc_pause_seconds_max{action=\"end of major GC\",cause=\"System.gc()\","
                                + "gc=\"G1 Old Generation\"} 0.016",
                        "jvm_gc_pause_seconds_total_other 99",
                        "jvm_gc_overhead 0.01");
        GcPauses.Reading r = GcPauses.parse(page);
        assertEquals(13, r.count());
        assertEquals(0.100, r.seconds(), 1e-9);
        assertEquals(0.021, r.recentMaxSeconds(), 1e-9);
    }
}
