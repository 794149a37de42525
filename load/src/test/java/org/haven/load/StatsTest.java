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
    }
}
