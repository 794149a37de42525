package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.OffsetDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The inbox's times (queue, case page, export, delivery notes): in full, as the audit log's. */
class InboxTimeTest {

    /**
     * Verifies that a case or queue time is shown in full, date and time to the second, in UTC
     * (before, {@code 2026-03-01 09:30 UTC}): a time on the full minute keeps its ":00" seconds,
     * seconds are kept, a fraction is dropped and other offsets are shown in UTC.
     */
    @ParameterizedTest
    @CsvSource({
        "2026-03-01T09:30:00Z,        2026-03-01 09:30:00 UTC",
        "2026-03-01T09:30:00.000001Z, 2026-03-01 09:30:00 UTC",
        "2026-03-01T09:30:07Z,        2026-03-01 09:30:07 UTC",
        "2026-03-01T04:30:00-05:00,   2026-03-01 09:30:00 UTC",
        "2026-12-31T23:59:59-05:00,   2027-01-01 04:59:59 UTC"
    })
    void testInboxTimeIsShownInFull(String at, String shown) {
        assertEquals(shown, Labels.when(OffsetDateTime.parse(at)));
    }
}
