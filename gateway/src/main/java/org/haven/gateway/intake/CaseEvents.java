package org.haven.gateway.intake;

import java.util.UUID;

/** Told after a commit that a case appeared or changed, so open inboxes update live. */
public interface CaseEvents {

    /** {@code kind}: case_new, message_new, case_changed, case_deleted. Never carries content. */
    void publish(String kind, UUID caseId);

    /** Tells nobody. */
    CaseEvents NONE = (kind, caseId) -> {};
}
