package org.haven.gateway.auth;

import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How soon a refused login is answered. A client's first refusal is answered at once: a person who
 * mistyped, or whose office shares an address with a guesser, reads why straight away. Every
 * further refusal of the same client within {@link #MEMORY} is answered after {@link #DELAY}, so a
 * script that sends logins without pause on a connection gets one answer a second, not thousands:
 * its refusals stop taking the processor that real logins' Argon2id needs.
 *
 * <p>What is held is bounded: at most {@value #HELD_PER_CLIENT} answers per client and {@value
 * #HELD_MAX} in all wait at once. Past either, the answer goes at once and its connection is
 * closed, so a client with many connections pays a new connection for each further refusal. Clients
 * are remembered by the key the throttle counts (an address or a device), at most {@value
 * #CLIENTS_REMEMBERED} of them, the least recently refused forgotten first.
 */
final class RefusalPace {
    /** How long a repeated refusal waits before it is sent. */
    static final Duration DELAY = Duration.ofSeconds(1);

    /** How long a refusal counts as the client's last one. */
    static final Duration MEMORY = Duration.ofMinutes(1);

    static final int HELD_PER_CLIENT = 32;
    static final int HELD_MAX = 4096;
    private static final int CLIENTS_REMEMBERED = 10_000;

    /** How a refusal was answered. */
    enum Pace {
        /** The client's first refusal within {@link #MEMORY}: sent at once. */
        FIRST,
        /** A repeated refusal, sent after {@link #DELAY}. */
        HELD,
        /** A repeated refusal past the bounds: sent at once, then the connection is closed. */
        CLOSED
    }

    private final Clock clock;
    private final Map<String, Instant> lastRefused =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
                    return size() > CLIENTS_REMEMBERED;
                }
            };
    private final Map<String, Integer> held = new HashMap<>();
    private int heldTotal;

    RefusalPace(Clock clock) {
        this.clock = clock;
    }

    /** Sends a refusal to {@code client} with {@code send}, at once or after {@link #DELAY}. */
    Pace answer(RoutingContext ctx, String client, Runnable send) {
        Pace pace = pace(client);
        switch (pace) {
            case FIRST -> send.run();
            case CLOSED -> {
                ctx.response().putHeader("Connection", "close");
                send.run();
            }
            case HELD ->
                    ctx.vertx()
                            .setTimer(
                                    DELAY.toMillis(),
                                    t -> {
                                        release(client);
                                        if (!ctx.response().ended() && !ctx.response().closed()) {
                                            send.run();
                                        }
                                    });
        }
        return pace;
    }

    private synchronized Pace pace(String client) {
        Instant now = clock.instant();
        Instant last = lastRefused.put(client, now);
        if (last == null || !last.plus(MEMORY).isAfter(now)) {
            return Pace.FIRST;
        }
        int mine = held.getOrDefault(client, 0);
        if (mine >= HELD_PER_CLIENT || heldTotal >= HELD_MAX) {
            return Pace.CLOSED;
        }
        held.put(client, mine + 1);
        heldTotal++;
        return Pace.HELD;
    }

    private synchronized void release(String client) {
        heldTotal--;
        held.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }
}
