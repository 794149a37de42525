package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;

/**
 * An agency's recipient key at rest. Its private half is kept in two forms only, both in the {@link
 * KeyGrants} format: sealed to the current team key ({@code agencies.sealed_private_key}, bound by
 * {@code FieldBinding.of("agency/<agency id>", "agency-key/<key id>")}), and as a grant to each
 * worker of the agency sealed to the worker's personal key ({@code agency_key_grants.sealed}, bound
 * by {@code FieldBinding.of("account/<account id>", "agency-key/<agency id>/<key id>")}). The
 * bindings differ from a team-key grant's, so neither can pass for the other.
 */
public final class AgencyKeys {
    private AgencyKeys() {}

    /** Makes a key for {@code agencyId}, its private half sealed to {@code teamKey}. */
    public static TeamSealedKeys.Created create(long agencyId, RecipientPublicKey teamKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.AGENCY.create(Long.toString(agencyId), teamKey);
    }

    /** Opens the team-sealed copy of key {@code keyId} with the team private key. */
    public static RecipientPrivateKey openWithTeamKey(
            byte[] sealed, long agencyId, String keyId, RecipientPrivateKey teamKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.AGENCY.openWithTeamKey(
                sealed, Long.toString(agencyId), keyId, teamKey);
    }

    /** Re-seals the team-sealed copy from the old team key to the new one (team key rotation). */
    public static byte[] rewrap(
            byte[] sealed,
            long agencyId,
            String keyId,
            RecipientPrivateKey fromTeam,
            RecipientPublicKey toTeam)
            throws GeneralSecurityException {
        return TeamSealedKeys.AGENCY.rewrap(
                sealed, Long.toString(agencyId), keyId, fromTeam, toTeam);
    }

    /** Grants the key to one worker, sealed to their personal key. */
    public static byte[] grant(
            RecipientPrivateKey agencyKey,
            long agencyId,
            long accountId,
            RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.AGENCY.grant(
                agencyKey, Long.toString(agencyId), accountId, accountKey);
    }

    /** Opens a worker's grant of key {@code keyId} with their personal key. */
    public static RecipientPrivateKey openGrant(
            byte[] grant,
            String keyId,
            long agencyId,
            long accountId,
            RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return TeamSealedKeys.AGENCY.openGrant(
                grant, keyId, Long.toString(agencyId), accountId, accountKey);
    }
}
