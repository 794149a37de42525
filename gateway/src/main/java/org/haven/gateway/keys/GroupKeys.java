package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;

/**
 * A working group's recipient key at rest. Like an agency key, its private half is kept in two
 * forms only, both in the {@link KeyGrants} format: sealed to the current team key (the
 * administrators' key: {@code group_keys.sealed_private_key}, bound by {@code
 * FieldBinding.of("group/<group>", "group-key/<key id>")}), and as a grant to each coordinator of
 * the group sealed to their personal key ({@code group_key_grants.sealed}, bound by {@code
 * FieldBinding.of("account/<account id>", "group-key/<group>/<key id>")}). The bindings differ from
 * team and agency grants', so none can pass for another, nor one group's for another's.
 */
public final class GroupKeys {
    private GroupKeys() {}

    /** Makes a key for {@code groupId}, its private half sealed to {@code teamKey}. */
    public static TeamSealedKeys.Created create(String groupId, RecipientPublicKey teamKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.GROUP.create(groupId, teamKey);
    }

    /** Opens the team-sealed copy of key {@code keyId} with the team private key. */
    public static RecipientPrivateKey openWithTeamKey(
            byte[] sealed, String groupId, String keyId, RecipientPrivateKey teamKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.GROUP.openWithTeamKey(sealed, groupId, keyId, teamKey);
    }

    /** Re-seals the team-sealed copy from the old team key to the new one (team key rotation). */
    public static byte[] rewrap(
            byte[] sealed,
            String groupId,
            String keyId,
            RecipientPrivateKey fromTeam,
            RecipientPublicKey toTeam)
            throws GeneralSecurityException {
        return TeamSealedKeys.GROUP.rewrap(sealed, groupId, keyId, fromTeam, toTeam);
    }

    /** Grants the key to one coordinator, sealed to their personal key. */
    public static byte[] grant(
            RecipientPrivateKey groupKey,
            String groupId,
            long accountId,
            RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.GROUP.grant(groupKey, groupId, accountId, accountKey);
    }

    /** Opens a coordinator's grant of key {@code keyId} with their personal key. */
    public static RecipientPrivateKey openGrant(
            byte[] grant,
            String keyId,
            String groupId,
            long accountId,
            RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.GROUP.openGrant(grant, keyId, groupId, accountId, accountKey);
    }
}
