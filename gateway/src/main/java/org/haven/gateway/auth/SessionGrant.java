package org.haven.gateway.auth;

import java.util.List;
import java.util.Set;
import org.haven.crypto.RecipientPrivateKey;

/** What a successful login grants: who, with which role and groups, and the unlocked team keys (none for agencies). */
public record SessionGrant(long accountId, String username, String role, Set<String> groups, Long agencyId,
                           List<RecipientPrivateKey> teamKeys, boolean secondFactorDone, String language) {
}
