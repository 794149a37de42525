package org.haven.gateway.auth;

import java.util.Set;
import org.haven.crypto.RecipientPrivateKey;

/** What a successful login grants: who, with which role and groups, and the unlocked team key (if any). */
public record SessionGrant(long accountId, String username, String role, Set<String> groups, Long agencyId,
                           RecipientPrivateKey teamKey, boolean secondFactorDone, String language) {
}
