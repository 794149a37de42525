package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The audit page's times: in full, to the second, in UTC. */
class AuditTimeTest {

    /**
     * Verifies that a time on the full minute keeps its ":00" seconds (before, the page showed
     * {@code 09:30}), and that other offsets are shown in UTC.
     */
    @ParameterizedTest
    @CsvSource({
        "2026-03-01T09:30:00Z,        2026-03-01 09:30:00 UTC",
        "2026-03-01T09:30:00.000001Z, 2026-03-01 09:30:00 UTC",
        "2026-03-01T09:30:07Z,        2026-03-01 09:30:07 UTC",
        "2026-03-01T04:30:00-05:00,   2026-03-01 09:30:00 UTC"
    })
    void testAuditTimeIsShownInFull(String at, String shown) {
        assertEquals(shown, AuditRoutes.time(OffsetDateTime.parse(at)));
    }
}
