package org.haven.gateway.config;

import java.time.Duration;

/**
 * The HTTP server's time limits, so that a client cannot hold connections with requests it never
 * finishes.
 *
 * @param header a request's head (request line and headers) must have arrived this long after its
 *     first byte, or after the connection opened ({@code HAVEN_HTTP_HEADER_TIMEOUT})
 * @param body its body, this long after the head ({@code HAVEN_HTTP_BODY_TIMEOUT})
 * @param idle a connection on which nothing was read or written for this long is closed ({@code
 *     HAVEN_HTTP_IDLE_TIMEOUT}): between requests, and on web chat sockets (pinged every quarter of
 *     {@code HAVEN_WEBCHAT_IDLE_TIMEOUT_SECONDS}) and the inbox's event stream (a heartbeat every
 *     25 s), which therefore stay open
 */
public record HttpTimeouts(Duration header, Duration body, Duration idle) {
    /** The defaults: 10 s, 60 s, 180 s. */
    public static final HttpTimeouts DEFAULTS =
            new HttpTimeouts(
                    Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(180));

    /** The shortest idle timeout: longer than the live inbox's heartbeat (25 s). */
    public static final Duration MIN_IDLE = Duration.ofSeconds(30);
}
