package org.haven.gateway.channel.webchat;

import java.time.Duration;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * The web chat's settings, parsed from the raw {@code webchat_*} settings.
 *
 * @param maxSockets web chat sockets open at once on this gateway; an upgrade beyond it is answered
 *     503 and the page tries again with its backoff. Each open socket holds about 18 KiB of heap
 *     (docs/performance.md), so the default 10,000 needs about 180 MiB.
 * @param idleTimeout a socket from which nothing arrived for this long (no frame, and no pong to
 *     the pings the server sends every quarter of it) is closed: the browser answers pings by
 *     itself, so this ends only connections that are gone (a phone that lost its network), never a
 *     person who is thinking
 * @param maxSocketsPerClient sockets one client (its address, {@code ClientAddress}) may hold open
 *     at once; the next upgrade from it is answered 429, so that one client cannot take the places
 *     of everyone else
 * @param conversationsPerMinutePerClient new conversations one client may open in a minute; a
 *     {@code start} beyond it opens none and is answered {@code too_many_conversations}. Resuming a
 *     conversation with its token is not counted
 */
public record WebChatConfig(
        int maxSockets,
        Duration idleTimeout,
        int maxSocketsPerClient,
        int conversationsPerMinutePerClient) {
    /**
     * The defaults: 10,000 sockets, 120 s (pings every 30 s), 200 sockets and 10 new conversations
     * a minute per client.
     */
    public static final WebChatConfig DEFAULTS =
            new WebChatConfig(10_000, Duration.ofSeconds(120), defaultPerClient(10_000), 10);

    /**
     * Parses the web chat settings.
     *
     * @throws ConfigException naming the first invalid setting
     */
    public static WebChatConfig parse(Settings s) {
        int maxSockets = s.intIn("webchat_max_sockets", DEFAULTS.maxSockets(), 1, 1_000_000);
        int idleSeconds =
                s.intIn(
                        "webchat_idle_timeout_seconds",
                        (int) DEFAULTS.idleTimeout().toSeconds(),
                        3,
                        3600);
        int perClient =
                s.intIn(
                        "webchat_max_sockets_per_client",
                        defaultPerClient(maxSockets),
                        1,
                        1_000_000);
        int conversations =
                s.intIn(
                        "webchat_conversations_per_minute_per_client",
                        DEFAULTS.conversationsPerMinutePerClient(),
                        1,
                        1_000_000);
        return new WebChatConfig(
                maxSockets, Duration.ofSeconds(idleSeconds), perClient, conversations);
    }

    /**
     * 2% of the sockets, at least 32 (a shelter or an office behind one address), at most all of
     * them.
     */
    static int defaultPerClient(int maxSockets) {
        return Math.min(maxSockets, Math.max(32, maxSockets / 50));
    }

    /** How often the server pings each socket. */
    public Duration pingInterval() {
        return idleTimeout.dividedBy(4);
    }
}
