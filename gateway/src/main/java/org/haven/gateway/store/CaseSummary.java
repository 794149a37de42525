package org.haven.gateway.store;

import java.time.OffsetDateTime;
import java.util.List;
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
        OffsetDateTime createdAt,
        Long assignedTo,
        String assignee,
        List<String> labels,
        Long agencyId,
        UUID conversationId) {

    /** A new case as the intake creates it. */
    public static CaseSummary queued(UUID id, String reference, String channel, String language, String triage, int priority,
                                     String workingGroup, boolean urgent, Long agencyId) {
        return new CaseSummary(id, reference, channel, language, "queued", triage, priority, workingGroup, urgent, null,
                null, null, List.of(), agencyId, null);
    }
}
