package org.haven.gateway.channel.webchat;

import java.time.Duration;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * The web chat's settings, parsed from the raw {@code webchat_*} settings.
 *
 * @param maxSockets web chat sockets open at once on this gateway; an upgrade beyond it is
 *     answered 503 and the page tries again with its backoff. Each open socket holds about
 *     18 KiB of heap (docs/performance.md), so the default 10,000 needs about 180 MiB.
 * @param idleTimeout a socket from which nothing arrived for this long (no frame, and no pong
 *     to the pings the server sends every quarter of it) is closed: the browser answers pings by
 *     itself, so this ends only connections that are gone (a phone that lost its network), never
 *     a person who is thinking
 */
public record WebChatConfig(int maxSockets, Duration idleTimeout) {
    /** The defaults: 10,000 sockets, 120 s (pings every 30 s). */
    public static final WebChatConfig DEFAULTS = new WebChatConfig(10_000, Duration.ofSeconds(120));

    /**
     * Parses the web chat settings.
     *
     * @throws ConfigException naming the first invalid setting
     */
    public static WebChatConfig parse(Settings s) {
        int maxSockets = s.intIn("webchat_max_sockets", DEFAULTS.maxSockets(), 1, 1_000_000);
        int idleSeconds = s.intIn("webchat_idle_timeout_seconds", (int) DEFAULTS.idleTimeout().toSeconds(), 3, 3600);
        return new WebChatConfig(maxSockets, Duration.ofSeconds(idleSeconds));
    }

    /** How often the server pings each socket. */
    public Duration pingInterval() {
        return idleTimeout.dividedBy(4);
    }

}
