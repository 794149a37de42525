package org.haven.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The meters of {@link HavenMetrics}, read from its Prometheus page without a gateway. */
class HavenMetricsTest {

    /**
     * Verifies that a counter read from a method reference keeps counting after garbage
     * collections: Micrometer holds the reference weakly, so a counter whose reference was
     * collected stops at its last reading (the resume phrases' "missed" count read 0 under load).
     */
    @Test
    void testCounterKeepsCountingAfterGarbageCollection() throws Exception {
        HavenMetrics metrics = HavenMetrics.prometheus();
        AtomicLong count = new AtomicLong();
        metrics.counter("haven.test.counted", "A count for the test", count::get);
        count.set(1);
        assertTrue(metrics.scrape().contains("haven_test_counted_total 1.0"), metrics.scrape());

        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 20 && probe.get() != null; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(probe.get() == null, "no garbage collection happened");
        count.set(42);
        String page = metrics.scrape();
        assertTrue(page.contains("haven_test_counted_total 42.0"), page);
    }
}
