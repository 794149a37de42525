package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import org.haven.crypto.FieldBinding;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;

/**
 * A kind of recipient key whose private half is sealed to the team key and granted, sealed, to
 * accounts: an agency's key ({@link AgencyKeys}) or a working group's ({@link GroupKeys}). Both
 * forms are in the {@link KeyGrants} format, bound by {@code FieldBinding.of("<kind>/<owner>",
 * "<kind>-key/<key id>")} for the team's copy and {@code FieldBinding.of("account/<account id>",
 * "<kind>-key/<owner>/<key id>")} for an account's grant: no copy of one kind, owner or account
 * passes for another's, nor for a team-key grant.
 */
public final class TeamSealedKeys {
    /** Agencies' keys; an owner is an agency's id. */
    static final TeamSealedKeys AGENCY = new TeamSealedKeys("agency");

    /** Working groups' keys; an owner is a group's id. */
    static final TeamSealedKeys GROUP = new TeamSealedKeys("group");

    /** A new key pair and its private half sealed to the team key (the caller destroys it). */
    public record Created(RecipientKeyPair pair, byte[] sealedToTeam) {}

    private final String kind;

    private TeamSealedKeys(String kind) {
        this.kind = kind;
    }

    /** Makes a key for {@code owner}, its private half sealed to {@code teamKey}. */
    Created create(String owner, RecipientPublicKey teamKey) throws GeneralSecurityException {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        try {
            return new Created(
                    pair,
                    KeyGrants.seal(
                            pair.privateKey(),
                            teamBinding(owner, pair.publicKey().keyId()),
                            teamKey));
        } catch (GeneralSecurityException | RuntimeException e) {
            pair.privateKey().destroy();
            throw e;
        }
    }

    /** Opens the team-sealed copy of {@code owner}'s key {@code keyId}. */
    RecipientPrivateKey openWithTeamKey(
            byte[] sealed, String owner, String keyId, RecipientPrivateKey teamKey)
            throws GeneralSecurityException {
        return KeyGrants.open(sealed, teamBinding(owner, keyId), teamKey, keyId);
    }

    /** Re-seals the team-sealed copy from the old team key to the new one (team key rotation). */
    byte[] rewrap(
            byte[] sealed,
            String owner,
            String keyId,
            RecipientPrivateKey fromTeam,
            RecipientPublicKey toTeam)
            throws GeneralSecurityException {
        RecipientPrivateKey key = openWithTeamKey(sealed, owner, keyId, fromTeam);
        try {
            return KeyGrants.seal(key, teamBinding(owner, keyId), toTeam);
        } finally {
            key.destroy();
        }
    }

    /** Grants {@code owner}'s key to one account, sealed to the account's personal key. */
    byte[] grant(
            RecipientPrivateKey key, String owner, long accountId, RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.seal(
                key, grantBinding(accountId, owner, key.publicKey().keyId()), accountKey);
    }

    /** Opens an account's grant of {@code owner}'s key {@code keyId} with its personal key. */
    RecipientPrivateKey openGrant(
            byte[] grant,
            String keyId,
            String owner,
            long accountId,
            RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.open(grant, grantBinding(accountId, owner, keyId), accountKey, keyId);
    }

    private byte[] teamBinding(String owner, String keyId) {
        return FieldBinding.of(kind + "/" + owner, kind + "-key/" + keyId);
    }

    private byte[] grantBinding(long accountId, String owner, String keyId) {
        return FieldBinding.of("account/" + accountId, kind + "-key/" + owner + "/" + keyId);
    }
}
