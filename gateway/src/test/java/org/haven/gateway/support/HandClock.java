package org.haven.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still at the instant it is given and moves only when the test moves it, for
 * unit tests of the parts that take a {@link Clock} (unlike {@link TestClock}, time does not run).
 */
public final class HandClock extends Clock {
    private volatile Instant now;

    /** A clock standing at {@code start}. */
    public HandClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock by {@code by}. */
    public void advance(Duration by) {
        now = now.plus(by);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
