package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.KeyGrant;
import org.haven.gateway.store.KeyRecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates one agency's key, after one of its workers was removed: a new key pair sealed to the team
 * key, granted to the agency's remaining workers, every entry data key sealed to the old agency key
 * re-wrapped to the new one (nothing is re-encrypted), and the old key's rows and grants deleted.
 * The agency's row is locked first: an intake that reads the agency's key waits for the rotation
 * and then seals to the new key.
 */
public final class AgencyKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(AgencyKeyRotation.class);

    private final Vertx vertx;
    private final AgencyStore agencies;
    private final TeamKeys teamKeys;

    public AgencyKeyRotation(Vertx vertx, AgencyStore agencies, TeamKeys teamKeys) {
        this.vertx = vertx;
        this.agencies = agencies;
        this.teamKeys = teamKeys;
    }

    private record Plan(
            TeamSealedKeys.Created next,
            List<EntryKeyStore.EntryKey> entryKeys,
            List<KeyGrant> grants,
            List<Long> workers) {}

    /**
     * Rotates agency {@code agencyId}'s key with the caller's unlocked team key, as administrator
     * {@code admin} (who signs the new key's record); completes with the ids of the workers who now
     * hold the new key (their sessions hold the old one), or with none when the agency has no key.
     * Only workers whose key records verify are granted it.
     */
    public Future<List<Long>> rotate(long agencyId, RecipientPrivateKey team, AccountSigner admin) {
        return agencies.db()
                .transaction(
                        tx ->
                                agencies.lockKey(tx, agencyId)
                                        .compose(
                                                found -> {
                                                    if (found.isEmpty() || !found.get().exists()) {
                                                        return Future.succeededFuture(
                                                                List.<Long>of());
                                                    }
                                                    AgencyStore.SealedKey old = found.get();
                                                    if (!old.teamKeyId()
                                                            .equals(team.publicKey().keyId())) {
                                                        return Future.failedFuture(
                                                                new GeneralSecurityException(
                                                                        "agency key is sealed to another team key"));
                                                    }
                                                    return teamKeys.requireAdministrator(tx, admin)
                                                            .compose(
                                                                    verified ->
                                                                            EntryKeyStore.sealedTo(
                                                                                            tx,
                                                                                            old
                                                                                                    .keyId())
                                                                                    .compose(
                                                                                            wrapped ->
                                                                                                    vertx
                                                                                                            .executeBlocking(
                                                                                                                    () ->
                                                                                                                            plan(
                                                                                                                                    agencyId,
                                                                                                                                    old,
                                                                                                                                    team,
                                                                                                                                    wrapped,
                                                                                                                                    workers(
                                                                                                                                            verified,
                                                                                                                                            agencyId)))))
                                                            .compose(
                                                                    plan -> {
                                                                        RecipientPublicKey pub =
                                                                                plan.next()
                                                                                        .pair()
                                                                                        .publicKey();
                                                                        plan.next()
                                                                                .pair()
                                                                                .privateKey()
                                                                                .destroy();
                                                                        return agencies.setKey(
                                                                                        tx,
                                                                                        agencyId,
                                                                                        pub.keyId(),
                                                                                        pub
                                                                                                .toBytes(),
                                                                                        old
                                                                                                .teamKeyId(),
                                                                                        plan.next()
                                                                                                .sealedToTeam())
                                                                                .compose(
                                                                                        v ->
                                                                                                KeySigning
                                                                                                        .agency(
                                                                                                                tx,
                                                                                                                agencyId,
                                                                                                                old
                                                                                                                        .referralCode(),
                                                                                                                pub,
                                                                                                                admin))
                                                                                .compose(
                                                                                        v ->
                                                                                                EntryKeyStore
                                                                                                        .replace(
                                                                                                                tx,
                                                                                                                plan
                                                                                                                        .entryKeys(),
                                                                                                                old
                                                                                                                        .keyId()))
                                                                                .compose(
                                                                                        v ->
                                                                                                agencies
                                                                                                        .insertGrants(
                                                                                                                tx,
                                                                                                                plan
                                                                                                                        .grants()))
                                                                                .compose(
                                                                                        v ->
                                                                                                agencies
                                                                                                        .withdrawGrants(
                                                                                                                tx,
                                                                                                                old
                                                                                                                        .keyId()))
                                                                                .compose(
                                                                                        v ->
                                                                                                agencies
                                                                                                        .moveCasesToKey(
                                                                                                                tx,
                                                                                                                old
                                                                                                                        .keyId(),
                                                                                                                pub
                                                                                                                        .keyId()))
                                                                                .map(
                                                                                        v -> {
                                                                                            LOG
                                                                                                    .info(
                                                                                                            "event=agency_key_rotated agency={} key={} entries={} workers={}",
                                                                                                            agencyId,
                                                                                                            pub
                                                                                                                    .keyId(),
                                                                                                            plan.entryKeys()
                                                                                                                    .size(),
                                                                                                            plan.grants()
                                                                                                                    .size());
                                                                                            return plan
                                                                                                    .workers();
                                                                                        });
                                                                    });
                                                }));
    }

    /** The enabled workers of the agency whose key records verified. */
    private static List<AccountStore.Holder> workers(KeyVerifier.Result verified, long agencyId) {
        List<AccountStore.Holder> out = new ArrayList<>();
        for (KeyRecordStore.AccountKeyRow a : verified.accounts().values()) {
            if (!a.disabled()
                    && "agency".equals(a.role())
                    && a.agencyId() != null
                    && a.agencyId() == agencyId) {
                out.add(new AccountStore.Holder(a.id(), a.publicKey()));
            }
        }
        out.sort(Comparator.comparingLong(AccountStore.Holder::accountId));
        return out;
    }

    private static Plan plan(
            long agencyId,
            AgencyStore.SealedKey old,
            RecipientPrivateKey team,
            List<EntryKeyStore.Wrapped> wrapped,
            List<AccountStore.Holder> workers)
            throws GeneralSecurityException {
        RecipientPrivateKey oldKey =
                AgencyKeys.openWithTeamKey(old.sealed(), agencyId, old.keyId(), team);
        TeamSealedKeys.Created next = AgencyKeys.create(agencyId, team.publicKey());
        try {
            RecipientPublicKey pub = next.pair().publicKey();
            List<EntryKeyStore.EntryKey> entryKeys = EntryKeys.rewrap(wrapped, oldKey, pub);
            List<KeyGrant> grants = new ArrayList<>(workers.size());
            for (AccountStore.Holder h : workers) {
                byte[] grant =
                        AgencyKeys.grant(
                                next.pair().privateKey(),
                                agencyId,
                                h.accountId(),
                                RecipientPublicKey.fromBytes(h.publicKey()));
                grants.add(new KeyGrant(h.accountId(), pub.keyId(), grant));
            }
            return new Plan(
                    next,
                    entryKeys,
                    grants,
                    workers.stream().map(AccountStore.Holder::accountId).toList());
        } catch (GeneralSecurityException | RuntimeException e) {
            next.pair().privateKey().destroy();
            throw e;
        } finally {
            oldKey.destroy();
        }
    }
}
