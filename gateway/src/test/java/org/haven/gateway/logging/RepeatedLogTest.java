package org.haven.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.haven.gateway.support.HandClock;
import org.haven.gateway.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The log of events that repeat: the first at once, then one line per interval with a count. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RepeatedLogTest {
    private static final Logger LOG = LoggerFactory.getLogger("test.RepeatedLogTest");

    /**
     * Verifies that a burst logs its first occurrence at once and nothing more within the interval;
     * that the first occurrence after the interval is logged with the count of those not logged;
     * that after a quiet interval an event is logged as new; and that events are counted apart by
     * name.
     */
    @Test
    void testRepeatsAreLoggedOncePerIntervalWithACount() {
        HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));
        RepeatedLog log = new RepeatedLog(LOG, Duration.ofSeconds(60), clock);
        try (LogCapture logs = new LogCapture()) {
            for (int i = 0; i < 1000; i++) {
                log.error("spool_unreadable", "kind={}", "IOException");
                clock.advance(Duration.ofMillis(10)); // 100 a second, for 10 seconds
            }
            log.warn("outbox_sweep_failed", "kind={} sqlstate={}", "PgException", "57P01");
            assertEquals(
                    List.of(
                            "event=spool_unreadable kind=IOException",
                            "event=outbox_sweep_failed kind=PgException sqlstate=57P01"),
                    lines(logs));

            clock.advance(Duration.ofSeconds(50)); // 60 s after the first line
            log.error("spool_unreadable", "kind={}", "EOFException");
            log.error("spool_unreadable", "kind={}", "EOFException");
            assertEquals(
                    "event=spool_unreadable kind=EOFException repeated=999", lines(logs).get(2));
            assertEquals(3, lines(logs).size());

            clock.advance(Duration.ofMinutes(5)); // quiet but for the one counted above
            log.error("spool_unreadable", "kind={}", "IOException");
            clock.advance(Duration.ofMinutes(5));
            log.error("spool_unreadable", "kind={}", "IOException");
            assertEquals(
                    List.of(
                            "event=spool_unreadable kind=IOException repeated=1",
                            "event=spool_unreadable kind=IOException"),
                    lines(logs).subList(3, 5));
        }
    }

    /**
     * Verifies that occurrences from many threads at once are each either logged or counted, never
     * lost.
     */
    @Test
    void testConcurrentOccurrencesAreAllCounted() throws Exception {
        HandClock clock = new HandClock(Instant.parse("2026-01-01T00:00:00Z"));
        RepeatedLog log = new RepeatedLog(LOG, Duration.ofSeconds(60), clock);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch done = new CountDownLatch(4);
        try (LogCapture logs = new LogCapture()) {
            for (int t = 0; t < 4; t++) {
                pool.execute(
                        () -> {
                            for (int i = 0; i < 2500; i++) {
                                log.warn("cluster_notify_failed", "channel=x");
                            }
                            done.countDown();
                        });
            }
            done.await();
            clock.advance(Duration.ofSeconds(60));
            log.warn("cluster_notify_failed", "channel=x");
            assertEquals(
                    List.of(
                            "event=cluster_notify_failed channel=x",
                            "event=cluster_notify_failed channel=x repeated=9999"),
                    lines(logs));
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> lines(LogCapture logs) {
        return logs.lines().stream()
                .filter(l -> l.startsWith("test.RepeatedLogTest "))
                .map(l -> l.substring("test.RepeatedLogTest ".length()))
                .collect(Collectors.toList());
    }
}
