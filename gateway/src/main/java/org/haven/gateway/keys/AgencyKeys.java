package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import org.haven.crypto.FieldBinding;
import org.haven.crypto.RecipientKeyPair;
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

    /**
     * A new agency key pair and its private half sealed to the team key (the caller destroys the
     * private key).
     */
    public record Created(RecipientKeyPair pair, byte[] sealedToTeam) {}

    private AgencyKeys() {}

    /** Makes a key for agency {@code agencyId}, its private half sealed to {@code teamKey}. */
    public static Created create(long agencyId, RecipientPublicKey teamKey)
            throws GeneralSecurityException {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        try {
            return new Created(
                    pair,
                    KeyGrants.seal(
                            pair.privateKey(),
                            teamBinding(agencyId, pair.publicKey().keyId()),
                            teamKey));
        } catch (GeneralSecurityException | RuntimeException e) {
            pair.privateKey().destroy();
            throw e;
        }
    }

    /**
     * Opens the team-sealed copy of agency {@code agencyId}'s key {@code keyId} with the team
     * private key.
     */
    public static RecipientPrivateKey openWithTeamKey(
            byte[] sealed, long agencyId, String keyId, RecipientPrivateKey teamKey)
            throws GeneralSecurityException {
        return KeyGrants.open(sealed, teamBinding(agencyId, keyId), teamKey, keyId);
    }

    /** Re-seals the team-sealed copy from the old team key to the new one (team key rotation). */
    public static byte[] rewrap(
            byte[] sealed,
            long agencyId,
            String keyId,
            RecipientPrivateKey fromTeam,
            RecipientPublicKey toTeam)
            throws GeneralSecurityException {
        RecipientPrivateKey key = openWithTeamKey(sealed, agencyId, keyId, fromTeam);
        try {
            return KeyGrants.seal(key, teamBinding(agencyId, keyId), toTeam);
        } finally {
            key.destroy();
        }
    }

    /**
     * Grants the agency key to one of the agency's workers, sealed to the worker's personal key.
     */
    public static byte[] grant(
            RecipientPrivateKey agencyKey,
            long agencyId,
            long accountId,
            RecipientPublicKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.seal(
                agencyKey,
                grantBinding(accountId, agencyId, agencyKey.publicKey().keyId()),
                accountKey);
    }

    /**
     * Opens a worker's grant of agency key {@code keyId} with the worker's personal private key.
     */
    public static RecipientPrivateKey openGrant(
            byte[] grant,
            String keyId,
            long agencyId,
            long accountId,
            RecipientPrivateKey accountKey)
            throws GeneralSecurityException {
        return KeyGrants.open(grant, grantBinding(accountId, agencyId, keyId), accountKey, keyId);
    }

    private static byte[] teamBinding(long agencyId, String keyId) {
        return FieldBinding.of("agency/" + agencyId, "agency-key/" + keyId);
    }

    private static byte[] grantBinding(long accountId, long agencyId, String keyId) {
        return FieldBinding.of("account/" + accountId, "agency-key/" + agencyId + "/" + keyId);
    }
}
