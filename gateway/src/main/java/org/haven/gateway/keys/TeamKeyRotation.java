package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.KeyGrant;
import org.haven.gateway.store.KeyRecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the team key (the administrators' key): a new key pair, granted to every administrator by
 * their personal public key, every entry's data key re-wrapped from the old team key to the new one
 * (answers and messages are not re-encrypted), every agency private key re-sealed from the old team
 * key to the new one (agency keys themselves do not change, so agency workers keep their grants),
 * every working-group private key likewise, and the old key retired with its grants withdrawn. Run
 * after removing a coordinator, the removed person can open nothing sealed from then on. New
 * entries wait on a table lock while it runs, so none is sealed to the old key.
 */
public final class TeamKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(TeamKeyRotation.class);

    private final Vertx vertx;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final AgencyStore agencies;
    private final GroupKeyring groups;

    public TeamKeyRotation(
            Vertx vertx, AccountStore accounts, AgencyStore agencies, TeamKeys teamKeys) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.agencies = agencies;
        this.teamKeys = teamKeys;
        this.groups = new GroupKeyring(teamKeys);
    }

    private record Plan(
            RecipientKeyPair next,
            KeyRecordStore.TeamKeyRow record,
            List<EntryKeyStore.EntryKey> entryKeys,
            List<KeyGrant> grants,
            List<AgencyStore.ResealedKey> agencyKeys,
            List<GroupKeyStore.GroupKeyRow> groupKeys) {}

    /**
     * Rotates from {@code current} (the caller's unlocked team key, the newest verified one) as
     * administrator {@code admin}, whose signature and {@code current}'s sign the new key's record;
     * completes with the new private key, for the caller's session. The new key is granted only to
     * administrators whose key records verify; any other is reported and skipped. Coordinators who
     * held the old key (from before working-group keys) are first granted their groups' keys
     * instead, in the same transaction ({@link GroupKeyring#moveCoordinatorsOffTeamKey}), unless
     * the old key is administrators only (then any such grant was planted, and is refused).
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
                                                    return groups.moveCoordinatorsOffTeamKey(
                                                                    tx, accounts, current, admin)
                                                            .compose(
                                                                    moved ->
                                                                            accounts.holdersOf(
                                                                                    tx, oldId))
                                                            .compose(
                                                                    held ->
                                                                            gather(
                                                                                    tx,
                                                                                    oldId,
                                                                                    current,
                                                                                    admin,
                                                                                    holders(
                                                                                            verified,
                                                                                            held,
                                                                                            false)));
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
                                                                            resealGroups(
                                                                                    tx,
                                                                                    plan
                                                                                            .groupKeys()))
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

    private Future<Plan> gather(
            Db tx,
            String oldId,
            RecipientPrivateKey current,
            AccountSigner admin,
            List<AccountStore.Holder> holders) {
        return EntryKeyStore.sealedTo(tx, oldId)
                .compose(
                        wrapped ->
                                agencies.sealedTo(tx, oldId)
                                        .compose(
                                                agencyKeys ->
                                                        GroupKeyStore.sealedToTeam(tx, oldId)
                                                                .compose(
                                                                        groupKeys ->
                                                                                vertx
                                                                                        .executeBlocking(
                                                                                                () ->
                                                                                                        plan(
                                                                                                                current,
                                                                                                                admin,
                                                                                                                wrapped,
                                                                                                                holders,
                                                                                                                agencyKeys,
                                                                                                                groupKeys)))));
    }

    private static Future<Void> resealGroups(Db tx, List<GroupKeyStore.GroupKeyRow> rows) {
        Future<Void> chain = Future.succeededFuture();
        for (GroupKeyStore.GroupKeyRow r : rows) {
            chain =
                    chain.compose(
                            v -> GroupKeyStore.reseal(tx, r.keyId(), r.sealed(), r.teamKeyId()));
        }
        return chain;
    }

    /**
     * The enabled administrators whose key records verified: who the new key is granted to (with
     * {@code coordinators}, also the coordinators among {@code held}). Coordinators hold their
     * groups' keys, never the team key: those from before group keys are moved to their groups'
     * keys just before the rotation ({@link GroupKeyring#moveCoordinatorsOffTeamKey}).
     */
    static List<AccountStore.Holder> holders(
            KeyVerifier.Result verified, Set<Long> held, boolean coordinators) {
        List<AccountStore.Holder> out = new ArrayList<>();
        for (KeyRecordStore.AccountKeyRow a : verified.accounts().values()) {
            if (!a.disabled()
                    && ("admin".equals(a.role())
                            || (coordinators
                                    && "coordinator".equals(a.role())
                                    && held.contains(a.id())))) {
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
            List<AgencyStore.SealedKey> agencyKeys,
            List<GroupKeyStore.GroupKeyRow> groupKeys)
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
        List<GroupKeyStore.GroupKeyRow> groupRows = new ArrayList<>(groupKeys.size());
        for (GroupKeyStore.GroupKeyRow g : groupKeys) {
            byte[] resealed = GroupKeys.rewrap(g.sealed(), g.groupId(), g.keyId(), current, pub);
            groupRows.add(
                    new GroupKeyStore.GroupKeyRow(
                            g.groupId(),
                            g.keyId(),
                            g.publicKey(),
                            pub.keyId(),
                            resealed,
                            g.signer(),
                            g.signature()));
        }
        return new Plan(
                next,
                KeySigning.nextTeamKey(next, current, admin),
                entryKeys,
                grants,
                agencyRows,
                groupRows);
    }
}
