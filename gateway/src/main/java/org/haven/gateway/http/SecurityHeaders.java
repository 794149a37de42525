package org.haven.gateway.http;

import io.vertx.core.http.HttpServerResponse;

/** Response headers every page carries: no framing, no sniffing, no referrer, a strict CSP. */
public final class SecurityHeaders {
    /**
     * Content-Security-Policy for Haven's own pages: same-origin scripts and styles only, nothing
     * inline.
     */
    public static final String CSP =
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
                    + " img-src 'self'; media-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {}

    /** Headers for any page. */
    public static void publicPage(HttpServerResponse response) {
        response.putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    }
}
