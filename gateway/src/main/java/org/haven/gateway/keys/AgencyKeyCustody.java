package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a holder of the team key does with agency keys: creates an agency's key (for a new agency,
 * or an agency from before agency keys, the first time it is needed), and grants it to a worker of
 * the agency. Each call runs in the caller's transaction with the agency's row locked, as an
 * administrator whose signing key signs a new key's record; an existing key is used only when its
 * record verifies.
 */
public final class AgencyKeyCustody {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyKeyCustody.class);

    private final AgencyStore agencies;
    private final TeamKeys teamKeys;

    public AgencyKeyCustody(AgencyStore agencies, TeamKeys teamKeys) {
        this.agencies = agencies;
        this.teamKeys = teamKeys;
    }

    /**
     * The agency's key record does not verify: it is not used (the Team page shows it, the audit
     * log has key_rejected).
     */
    public static final class RejectedKey extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RejectedKey(long agencyId) {
            super("the key of agency " + agencyId + " does not verify");
        }
    }

    /** There is no agency with the id given. */
    public static final class NoSuchAgency extends RuntimeException {
        NoSuchAgency(long agencyId) {
            super("no such agency: " + agencyId);
        }
    }

    /**
     * Unlocks agency {@code agencyId}'s private key with the team key, creating the agency's key
     * first if it has none (its record signed by {@code admin}). Fails with {@link RejectedKey}
     * when the existing key's record does not verify. The caller destroys the key it gets.
     */
    public Future<RecipientPrivateKey> unlock(
            Db tx, long agencyId, RecipientPrivateKey team, AccountSigner admin) {
        return agencies.lockKey(tx, agencyId)
                .compose(
                        found -> {
                            if (found.isEmpty()) {
                                return Future.failedFuture(new NoSuchAgency(agencyId));
                            }
                            return teamKeys.requireAdministrator(tx, admin)
                                    .compose(
                                            verified -> {
                                                AgencyStore.SealedKey k = found.get();
                                                String teamKeyId = team.publicKey().keyId();
                                                try {
                                                    if (k.exists()) {
                                                        if (!verified.agencyVerified(agencyId)) {
                                                            return Future.failedFuture(
                                                                    new RejectedKey(agencyId));
                                                        }
                                                        if (!k.teamKeyId().equals(teamKeyId)) {
                                                            return Future.failedFuture(
                                                                    new GeneralSecurityException(
                                                                            "agency key is sealed to another team key"));
                                                        }
                                                        return Future.succeededFuture(
                                                                AgencyKeys.openWithTeamKey(
                                                                        k.sealed(),
                                                                        agencyId,
                                                                        k.keyId(),
                                                                        team));
                                                    }
                                                    TeamSealedKeys.Created created =
                                                            AgencyKeys.create(
                                                                    agencyId, team.publicKey());
                                                    RecipientPublicKey pub =
                                                            created.pair().publicKey();
                                                    RecipientPrivateKey key =
                                                            created.pair().privateKey();
                                                    return agencies.setKey(
                                                                    tx,
                                                                    agencyId,
                                                                    pub.keyId(),
                                                                    pub.toBytes(),
                                                                    teamKeyId,
                                                                    created.sealedToTeam())
                                                            .compose(
                                                                    v ->
                                                                            KeySigning.agency(
                                                                                    tx,
                                                                                    agencyId,
                                                                                    k
                                                                                            .referralCode(),
                                                                                    pub,
                                                                                    admin))
                                                            .onFailure(err -> key.destroy())
                                                            .map(
                                                                    v -> {
                                                                        LOG.info(
                                                                                "event=agency_key_created agency={} key={}",
                                                                                agencyId,
                                                                                pub.keyId());
                                                                        return key;
                                                                    });
                                                } catch (GeneralSecurityException e) {
                                                    return Future.failedFuture(e);
                                                }
                                            });
                        });
    }

    /** Makes sure agency {@code agencyId} has a key; completes with its id. */
    public Future<String> ensure(
            Db tx, long agencyId, RecipientPrivateKey team, AccountSigner admin) {
        return unlock(tx, agencyId, team, admin)
                .map(
                        key -> {
                            String id = key.publicKey().keyId();
                            key.destroy();
                            return id;
                        });
    }

    /**
     * Grants agency {@code agencyId}'s key (created first if it has none) to one of its workers.
     */
    public Future<Void> grant(
            Db tx,
            long agencyId,
            long accountId,
            RecipientPublicKey accountKey,
            RecipientPrivateKey team,
            AccountSigner admin) {
        return unlock(tx, agencyId, team, admin)
                .compose(
                        key -> {
                            try {
                                byte[] grant =
                                        AgencyKeys.grant(key, agencyId, accountId, accountKey);
                                return agencies.insertGrant(
                                        tx, accountId, key.publicKey().keyId(), grant);
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(e);
                            } finally {
                                key.destroy();
                            }
                        });
    }
}
