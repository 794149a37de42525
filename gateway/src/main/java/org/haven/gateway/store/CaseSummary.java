package org.haven.gateway.store;

import java.time.OffsetDateTime;
import java.util.UUID;

/** What the queue shows of a case: routing metadata only, never anything the person wrote. */
public record CaseSummary(
        UUID id,
        String reference,
        String channel,
        String language,
        String status,
        String triage,
        int priority,
        String workingGroup,
        boolean urgent,
        OffsetDateTime createdAt) {
}
