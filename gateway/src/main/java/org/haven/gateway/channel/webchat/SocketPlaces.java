package org.haven.gateway.channel.webchat;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places for open web chat sockets on this gateway: at most {@code max} in all and at most
 * {@code perClient} for one client (its address, {@code ClientAddress}), so that one client holding
 * its share leaves the rest to everyone else. A place is taken before the upgrade and given back
 * once when the socket closes.
 */
final class SocketPlaces {
    /** Why a place was not given. */
    enum Refusal {
        NONE,
        FULL,
        CLIENT_FULL
    }

    private final int max;
    private final int perClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> byClient = new ConcurrentHashMap<>();

    SocketPlaces(int max, int perClient) {
        this.max = max;
        this.perClient = perClient;
    }

    /** Takes a place for {@code client}, or says why not (then nothing was taken). */
    Refusal take(String client) {
        boolean[] taken = new boolean[1];
        byClient.compute(
                client,
                (c, n) -> {
                    int held = n == null ? 0 : n;
                    if (held >= perClient) {
                        return n;
                    }
                    taken[0] = true;
                    return held + 1;
                });
        if (!taken[0]) {
            return Refusal.CLIENT_FULL;
        }
        if (open.incrementAndGet() > max) {
            give(client);
            return Refusal.FULL;
        }
        return Refusal.NONE;
    }

    /** Gives back a place {@code client} took. */
    void give(String client) {
        open.decrementAndGet();
        byClient.computeIfPresent(client, (c, n) -> n <= 1 ? null : n - 1);
    }

    /** Places taken now. */
    int open() {
        return open.get();
    }
}
