package org.haven.gateway.store;

import java.time.LocalDate;
import java.util.Set;

/**
 * A queue view: which cases a user asks for, within what they may see.
 *
 * @param queue new, mine, waiting or closed
 * @param viewerId the asking account (for "mine")
 * @param visibleGroups working groups the user may see; null means all (administrators)
 * @param agencyId when set, only that agency's referrals it may know of (agency users: the client
 *     consented to tell it something)
 * @param group, label, channel optional filters
 * @param from, to optional received-date range (inclusive)
 */
public record CaseQuery(
        String queue,
        long viewerId,
        Set<String> visibleGroups,
        Long agencyId,
        String group,
        String label,
        String channel,
        LocalDate from,
        LocalDate to) {}
