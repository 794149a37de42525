package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.haven.crypto.RecipientKeyPair;
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
 * Rotates the team key: a new key pair, granted to every administrator and coordinator by their
 * personal public keys, every entry's data key re-wrapped from the old team key to the new one
 * (answers and messages are not re-encrypted), every agency private key re-sealed from the old team
 * key to the new one (agency keys themselves do not change, so agency workers keep their grants),
 * and the old key retired with its grants withdrawn. Run after removing a coordinator, the removed
 * person can open nothing sealed from then on. New entries wait on a table lock while it runs, so
 * none is sealed to the old key.
 */
public final class TeamKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(TeamKeyRotation.class);

    private final Vertx vertx;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final AgencyStore agencies;

    public TeamKeyRotation(
            Vertx vertx, AccountStore accounts, AgencyStore agencies, TeamKeys teamKeys) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.agencies = agencies;
        this.teamKeys = teamKeys;
    }

    private record Plan(
            RecipientKeyPair next,
            KeyRecordStore.TeamKeyRow record,
            List<EntryKeyStore.EntryKey> entryKeys,
            List<KeyGrant> grants,
            List<AgencyStore.ResealedKey> agencyKeys) {}

    /**
     * Rotates from {@code current} (the caller's unlocked team key, the newest verified one) as
     * administrator {@code admin}, whose signature and {@code current}'s sign the new key's record;
     * completes with the new private key, for the caller's session. The new key is granted only to
     * administrators and coordinators whose key records verify; any other is reported and skipped.
     */
    public Future<RecipientPrivateKey> rotate(RecipientPrivateKey current, AccountSigner admin) {
        String oldId = current.publicKey().keyId();
        return accounts.db()
                .transaction(
                        tx ->
                                EntryKeyStore.lockAgainstWriters(tx)
                                        .compose(v -> teamKeys.requireAdministrator(tx, admin))
                                        .compose(
                                                verified -> {
                                                    if (!verified.head()
                                                            .map(h -> h.keyId().equals(oldId))
                                                            .orElse(false)) {
                                                        return Future.failedFuture(
                                                                new GeneralSecurityException(
                                                                        "the key to rotate from is not the newest verified team key"));
                                                    }
                                                    List<AccountStore.Holder> holders =
                                                            holders(verified);
                                                    return EntryKeyStore.sealedTo(tx, oldId)
                                                            .compose(
                                                                    wrapped ->
                                                                            agencies.sealedTo(
                                                                                            tx,
                                                                                            oldId)
                                                                                    .compose(
                                                                                            agencyKeys ->
                                                                                                    vertx
                                                                                                            .executeBlocking(
                                                                                                                    () ->
                                                                                                                            plan(
                                                                                                                                    current,
                                                                                                                                    admin,
                                                                                                                                    wrapped,
                                                                                                                                    holders,
                                                                                                                                    agencyKeys))));
                                                })
                                        .compose(
                                                plan -> {
                                                    return KeyRecordStore.insertTeamKey(
                                                                    tx, plan.record())
                                                            .compose(
                                                                    v ->
                                                                            accounts.insertGrants(
                                                                                    tx,
                                                                                    plan.grants()))
                                                            .compose(
                                                                    v ->
                                                                            agencies.resealKeys(
                                                                                    tx,
                                                                                    plan
                                                                                            .agencyKeys()))
                                                            .compose(
                                                                    v ->
                                                                            EntryKeyStore.replace(
                                                                                    tx,
                                                                                    plan
                                                                                            .entryKeys(),
                                                                                    oldId))
                                                            .compose(
                                                                    v ->
                                                                            accounts.withdrawGrants(
                                                                                    tx, oldId))
                                                            .compose(
                                                                    v ->
                                                                            KeyRecordStore
                                                                                    .retireTeamKey(
                                                                                            tx,
                                                                                            oldId))
                                                            .map(
                                                                    v -> {
                                                                        LOG.info(
                                                                                "event=team_key_rotated entries={} holders={} agency_keys={}",
                                                                                plan.entryKeys()
                                                                                        .size(),
                                                                                plan.grants()
                                                                                        .size(),
                                                                                plan.agencyKeys()
                                                                                        .size());
                                                                        return plan.next()
                                                                                .privateKey();
                                                                    });
                                                }))
                .compose(key -> teamKeys.reload().map(key));
    }

    /**
     * The enabled administrators and coordinators whose key records verified: who the new key is
     * granted to.
     */
    static List<AccountStore.Holder> holders(KeyVerifier.Result verified) {
        List<AccountStore.Holder> out = new ArrayList<>();
        for (KeyRecordStore.AccountKeyRow a : verified.accounts().values()) {
            if (!a.disabled() && ("admin".equals(a.role()) || "coordinator".equals(a.role()))) {
                out.add(new AccountStore.Holder(a.id(), a.publicKey()));
            }
        }
        out.sort(Comparator.comparingLong(AccountStore.Holder::accountId));
        return out;
    }

    private static Plan plan(
            RecipientPrivateKey current,
            AccountSigner admin,
            List<EntryKeyStore.Wrapped> wrapped,
            List<AccountStore.Holder> holders,
            List<AgencyStore.SealedKey> agencyKeys)
            throws GeneralSecurityException {
        RecipientKeyPair next = RecipientKeyPair.generate();
        RecipientPublicKey pub = next.publicKey();
        List<EntryKeyStore.EntryKey> entryKeys = EntryKeys.rewrap(wrapped, current, pub);
        List<KeyGrant> grants = new ArrayList<>(holders.size());
        for (AccountStore.Holder h : holders) {
            byte[] grant =
                    KeyGrants.grant(
                            next.privateKey(),
                            pub.keyId(),
                            h.accountId(),
                            RecipientPublicKey.fromBytes(h.publicKey()));
            grants.add(new KeyGrant(h.accountId(), pub.keyId(), grant));
        }
        List<AgencyStore.ResealedKey> agencyRows = new ArrayList<>(agencyKeys.size());
        for (AgencyStore.SealedKey k : agencyKeys) {
            byte[] resealed = AgencyKeys.rewrap(k.sealed(), k.agencyId(), k.keyId(), current, pub);
            agencyRows.add(new AgencyStore.ResealedKey(k.agencyId(), resealed, pub.keyId()));
        }
        return new Plan(
                next, KeySigning.nextTeamKey(next, current, admin), entryKeys, grants, agencyRows);
    }
}
