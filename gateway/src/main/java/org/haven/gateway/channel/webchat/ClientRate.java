package org.haven.gateway.channel.webchat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How often one client (its network address, {@code ClientAddress}) may do something on this
 * gateway: at most so many times within a sliding window. Anyone can open new web chats at will, so
 * limits per conversation or per socket alone would not slow a client down: resume phrases written
 * and new conversations opened are counted here. Remembers at most {@link #CLIENTS} addresses,
 * dropping the least recently seen.
 */
final class ClientRate {
    static final int CLIENTS = 100_000;
    private final int perWindow;
    private final long windowNanos;
    private final Map<String, Deque<Long>> seen =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
                    return size() > CLIENTS;
                }
            };

    ClientRate(int perWindow, Duration window) {
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
    }

    /**
     * Counts one from {@code client}; false (and not counted) when it already did {@code perWindow}
     * within the window.
     */
    synchronized boolean allow(String client) {
        long now = System.nanoTime();
        Deque<Long> times = seen.computeIfAbsent(client, c -> new ArrayDeque<>());
        while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
            times.pollFirst();
        }
        if (times.size() >= perWindow) {
            return false;
        }
        times.addLast(now);
        return true;
    }

    /**
     * Seconds until {@code client} may do it again: when the oldest count in its window runs out
     * (at least 1).
     */
    synchronized long retryAfterSeconds(String client) {
        Deque<Long> times = seen.get(client);
        if (times == null || times.isEmpty()) {
            return 1;
        }
        long left = windowNanos - (System.nanoTime() - times.peekFirst());
        return Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }
}
