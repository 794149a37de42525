package org.haven.gateway.channel.webchat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Resume phrases written from one network address, at most so many an hour on this gateway:
 * anyone can open new web chats at will, so the limit per conversation alone would not slow a
 * guesser. Remembers at most {@link #CLIENTS} addresses, dropping the least recently seen.
 */
final class PhraseGuesses {
    static final int CLIENTS = 100_000;
    private final int perWindow;
    private final long windowNanos;
    private final Map<String, Deque<Long>> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
            return size() > CLIENTS;
        }
    };

    PhraseGuesses(int perWindow, Duration window) {
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
    }

    /** Counts a phrase from {@code client}; false when it already wrote {@code perWindow} within the window. */
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
}
