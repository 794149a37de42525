package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import org.haven.crypto.FieldBinding;
import org.haven.crypto.RecipientKeyPair;
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

    /** A new group key pair and its private half sealed to the team key. */
    public record Created(RecipientKeyPair pair, byte[] sealedToTeam) {}

    private GroupKeys() {}

    /** Makes a key for group {@code groupId}, its private half sealed to {@code teamKey}. */
    public static Created create(String groupId, RecipientPublicKey teamKey)
            throws GeneralSecurityException {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        try {
            return new Created(
                    pair,
                    KeyGrants.seal(
                            pair.privateKey(),
                            teamBinding(groupId, pair.publicKey().keyId()),
                            teamKey));
        } catch (GeneralSecurityException | RuntimeException e) {
            pair.privateKey().destroy();
            throw e;
        }
    }

    /** Opens the team-sealed copy of group {@code groupId}'s key {@code keyId}. */
    public static RecipientPrivateKey openWithTeamKey(
            byte[] sealed, String groupId, String keyId, RecipientPrivateKey teamKey)
            throws GeneralSecurityException {
        return KeyGrants.open(sealed, teamBinding(groupId, keyId), teamKey, keyId);
    }

    /** Re-seals the team-sealed copy from the old team key to the new one (team key rotation). */
    public static byte[] rewrap(
            byte[] sealed,
            String groupId,
            String keyId,
            RecipientPrivateKey fromTeam,
            RecipientPublicKey toTeam)
            throws GeneralSecurityException {
        RecipientPrivateKey key = openWithTeamKey(sealed, groupId, keyId, fromTeam);
        try {
            return KeyGrants.seal(key, teamBinding(groupId, keyId), toTeam);
        } finally {
            key.destroy();
        }
    }

    /** Grants the group key to one coordinator, sealed to their personal key. */
    public static byte[] grant(
            RecipientPrivateKey groupKey,
            String groupId,
            long accountId,
            RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.seal(
                groupKey,
                grantBinding(accountId, groupId, groupKey.publicKey().keyId()),
                accountKey);
    }

    /** Opens a coordinator's grant of group key {@code keyId} with their personal key. */
    public static RecipientPrivateKey openGrant(
            byte[] grant,
            String keyId,
            String groupId,
            long accountId,
            RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.open(grant, grantBinding(accountId, groupId, keyId), accountKey, keyId);
    }

    private static byte[] teamBinding(String groupId, String keyId) {
        return FieldBinding.of("group/" + groupId, "group-key/" + keyId);
    }

    private static byte[] grantBinding(long accountId, String groupId, String keyId) {
        return FieldBinding.of("account/" + accountId, "group-key/" + groupId + "/" + keyId);
    }
}
