package org.haven.gateway.web;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How every page of the site shows a moment: in full, date and time to the second, in UTC, the zone
 * said ({@code 2026-03-01 09:30:00 UTC}). One format for the queue, the case page, its export and
 * the audit log, so that a time read on one can be found on another; never {@code 09:30}, which
 * hides that the seconds were zero.
 */
public final class Times {
    private static final DateTimeFormatter FULL =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private Times() {}

    /** {@code at} in full, in UTC; "" for none. */
    public static String full(OffsetDateTime at) {
        return at == null ? "" : FULL.format(at.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
