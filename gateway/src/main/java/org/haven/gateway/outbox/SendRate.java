package org.haven.gateway.outbox;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A channel's sending limit: at most {@code max} sends started in any one second, over a sliding
 * window of the moments they started, so that however a provider counts its seconds it never sees
 * more. Messages claimed from the table but not started yet count ahead (they will start soon), so
 * a sweep never claims more than may go out.
 */
final class SendRate {
    private final Map<String, ArrayDeque<Long>> started = new HashMap<>();
    private final Map<String, Integer> reserved = new HashMap<>();
    private final LongSupplier clock;

    SendRate() {
        this(System::currentTimeMillis);
    }

    /** With {@code clock} in milliseconds (tests). */
    SendRate(LongSupplier clock) {
        this.clock = clock;
    }

    /** How many more sends the channel may reserve now. */
    synchronized int room(String channel, int max) {
        return max - recent(channel).size() - reserved.getOrDefault(channel, 0);
    }

    /**
     * Reserves {@code n} sends (claimed rows); a negative {@code n} gives back what a claim did not
     * use.
     */
    synchronized void reserve(String channel, int n) {
        reserved.merge(channel, n, Integer::sum);
    }

    /**
     * A reserved send starts now (or its row was settled without sending: it still counts for a
     * second).
     */
    synchronized void start(String channel) {
        reserved.merge(channel, -1, Integer::sum);
        recent(channel).addLast(clock.getAsLong());
    }

    /**
     * Starts a send that was not reserved (a conversation's messages delivered at once), if the
     * channel has room.
     */
    synchronized boolean tryStart(String channel, int max) {
        if (room(channel, max) <= 0) {
            return false;
        }
        recent(channel).addLast(clock.getAsLong());
        return true;
    }

    private ArrayDeque<Long> recent(String channel) {
        ArrayDeque<Long> times = started.computeIfAbsent(channel, k -> new ArrayDeque<>());
        long horizon = clock.getAsLong() - 1000;
        while (!times.isEmpty() && times.peekFirst() <= horizon) {
            times.pollFirst();
        }
        return times;
    }
}
