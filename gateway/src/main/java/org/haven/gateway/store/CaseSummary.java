package org.haven.gateway.store;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the queue shows of a case: routing metadata only, never anything the person wrote. {@code
 * agencyShare} is what the referring agency may be told (see {@link #agencyStatus()}). {@code
 * workingGroup} is null when the person asked for a person before saying where they live: every
 * coordinator may take such a case. {@code askedForPerson}: the person asked for one. {@code
 * flagged}: the duress word was used; the person may not be safe, and someone else may hold their
 * phone: nobody writes unless they write first.
 */
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
        UUID conversationId,
        List<String> agencyShare,
        OffsetDateTime reopenedAt,
        boolean askedForPerson,
        boolean flagged) {

    /**
     * What a client may let the referring agency be told, as the intake's share_with_agency values.
     */
    public static final List<String> SHARE_KINDS = List.of("arrived", "contacted", "outcome");

    public CaseSummary {
        labels = List.copyOf(labels);
        agencyShare = List.copyOf(agencyShare);
    }

    /**
     * Whether a coordinator of {@code groups} may see and work the case (every coordinator, when it
     * has no group yet).
     */
    public boolean inGroups(Set<String> groups) {
        return workingGroup == null || groups.contains(workingGroup);
    }

    /**
     * Whether the person wrote after the case was closed, and it has not been closed again since.
     */
    public boolean reopened() {
        return reopenedAt != null && !"closed".equals(status);
    }

    /**
     * Whether the referring agency may know of this case at all (the client consented to tell it
     * something).
     */
    public boolean agencyMayKnow() {
        return agencyId != null && !agencyShare.isEmpty();
    }

    /**
     * The status as the referring agency may be told it: {@code received}; {@code contacted} once a
     * coordinator took the case, if the client let the agency know that; {@code closed} at the end,
     * if the client let it know the outcome (otherwise the furthest it may know).
     */
    public String agencyStatus() {
        boolean contacted = agencyShare.contains("contacted");
        return switch (status) {
            case "claimed", "waiting" -> contacted ? "contacted" : "received";
            case "closed" ->
                    agencyShare.contains("outcome")
                            ? "closed"
                            : contacted ? "contacted" : "received";
            default -> "received";
        };
    }

    /** A new case as the intake creates it. */
    public static CaseSummary queued(
            UUID id,
            String reference,
            String channel,
            String language,
            String triage,
            int priority,
            String workingGroup,
            boolean urgent,
            Long agencyId,
            List<String> agencyShare,
            boolean askedForPerson) {
        return new CaseSummary(
                id,
                reference,
                channel,
                language,
                "queued",
                triage,
                priority,
                workingGroup,
                urgent,
                null,
                null,
                null,
                List.of(),
                agencyId,
                null,
                agencyShare,
                null,
                askedForPerson,
                false);
    }
}
