package org.haven.gateway.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The system time plus an offset that only grows: the one clock of every Haven and command a test
 * runs in-process ({@link TestHaven#start}, {@link HavenCli}). A test moves it forward where it
 * would otherwise wait (the next second-factor step, an idle timeout); time keeps running as well,
 * so timers, the database and other processes stay consistent with it up to the offset.
 */
public final class TestClock extends Clock {
    /** The clock shared by everything a test runs in this JVM. */
    public static final TestClock SHARED = new TestClock();

    private final AtomicLong offsetNanos = new AtomicLong();

    private TestClock() {}

    /** Moves the clock forward by {@code by}. */
    public void advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a test clock only moves forward: " + by);
        }
        offsetNanos.addAndGet(by.toNanos());
    }

    /** Moves the clock forward to {@code when}, unless it is there already. */
    public void advanceTo(Instant when) {
        Duration ahead = Duration.between(instant(), when);
        if (!ahead.isNegative()) {
            advance(ahead);
        }
    }

    /** How far ahead of the system time it is. */
    public Duration offset() {
        return Duration.ofNanos(offsetNanos.get());
    }

    @Override
    public Instant instant() {
        return Instant.now().plusNanos(offsetNanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("Haven reads the time in UTC");
    }
}
