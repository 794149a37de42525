package org.haven.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A channel's sending limit over a sliding second, with claimed messages counted ahead. */
class SendRateTest {
    private final AtomicLong now = new AtomicLong(10_000);
    private final SendRate rate = new SendRate(now::get);

    /**
     * Verifies that sends started late in one second and early in the next cannot add up to more
     * than the limit in any second: room comes back one send at a time, a second after each
     * started.
     */
    @Test
    void testNoSecondSeesMoreThanTheLimit() {
        assertEquals(4, rate.room("sms", 4));
        rate.reserve("sms", 4);
        assertEquals(0, rate.room("sms", 4), "claimed messages count before they start");
        now.addAndGet(900);
        rate.start("sms");
        rate.start("sms");
        now.addAndGet(50);
        rate.start("sms");
        rate.start("sms");
        now.addAndGet(100); // a new wall-clock second has begun, but not a second since the sends
        assertEquals(0, rate.room("sms", 4));
        assertFalse(rate.tryStart("sms", 4));
        now.addAndGet(850); // 1,000 ms after the first two
        assertEquals(2, rate.room("sms", 4));
        now.addAndGet(50);
        assertEquals(4, rate.room("sms", 4));
        assertEquals(4, rate.room("telegram", 4), "channels are counted apart");
    }

    /**
     * Verifies that a claim that came back short gives its unused reservation back, and that
     * tryStart counts.
     */
    @Test
    void testUnusedReservationIsGivenBack() {
        rate.reserve("sms", 3);
        rate.reserve("sms", -2); // the claim found one row
        assertEquals(2, rate.room("sms", 3));
        rate.start("sms");
        assertTrue(rate.tryStart("sms", 3));
        assertTrue(rate.tryStart("sms", 3));
        assertFalse(rate.tryStart("sms", 3));
    }
}
