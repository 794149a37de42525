package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.GroupKeyStore.GroupKeyRow;
import org.haven.gateway.store.KeyRecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates one working group's key, after one of its coordinators was removed: a new key pair sealed
 * to the team key, its record signed by the administrator, granted to the group's remaining
 * coordinators, every entry data key sealed to the old group key re-wrapped to the new one (nothing
 * is re-encrypted; only that group's entries are touched), and the old key retired with its grants
 * withdrawn. Other groups' keys and the team key do not change. New entries wait on a table lock
 * while it runs, so none is sealed to the old key.
 */
public final class GroupKeyRotation {
    private static final Logger LOG = LoggerFactory.getLogger(GroupKeyRotation.class);

    private final Vertx vertx;
    private final Db db;
    private final TeamKeys teamKeys;
    private final GroupKeyring groups;

    public GroupKeyRotation(Vertx vertx, Db db, TeamKeys teamKeys) {
        this.vertx = vertx;
        this.db = db;
        this.teamKeys = teamKeys;
        this.groups = new GroupKeyring(teamKeys);
    }

    private record Plan(
            GroupKeyRow next,
            List<EntryKeyStore.EntryKey> entryKeys,
            List<GroupKeyStore.MemberGrant> grants,
            List<Long> refused) {}

    /**
     * What a rotation did: the coordinators who now hold the new key, and those listed as the
     * group's members ({@code account_groups}) whose grant of the old key did not stand for a
     * membership an administrator signed, who were refused the new key.
     */
    public record Result(List<Long> holders, List<Long> refused) {
        static final Result NONE = new Result(List.of(), List.of());
    }

    /**
     * Rotates group {@code groupId}'s key with the caller's unlocked team key, as administrator
     * {@code admin}; completes with the coordinators who now hold the new key (their sessions hold
     * the old one), or none when the group has no key, and those refused it. The new key is granted
     * only to the group's members whose grant of the old key verifies ({@link
     * GroupKeyring#memberVerified}): someone who can write the database cannot add a member.
     */
    public Future<Result> rotate(String groupId, RecipientPrivateKey team, AccountSigner admin) {
        return db.transaction(
                tx ->
                        EntryKeyStore.lockAgainstWriters(tx)
                                .compose(v -> teamKeys.requireAdministrator(tx, admin))
                                .compose(
                                        verified ->
                                                GroupKeyStore.lockCurrent(tx, groupId)
                                                        .compose(
                                                                old ->
                                                                        old.isEmpty()
                                                                                ? Future
                                                                                        .succeededFuture(
                                                                                                Result
                                                                                                        .NONE)
                                                                                : rotate(
                                                                                        tx,
                                                                                        old.get(),
                                                                                        verified,
                                                                                        team,
                                                                                        admin))));
    }

    private Future<Result> rotate(
            Db tx,
            GroupKeyRow old,
            KeyVerifier.Result verified,
            RecipientPrivateKey team,
            AccountSigner admin) {
        if (!groups.decide(old, verified)) {
            return Future.failedFuture(new GroupKeyring.RejectedKey(old.groupId()));
        }
        return GroupKeyStore.members(tx, old.groupId())
                .compose(
                        listed ->
                                GroupKeyStore.grantsOf(tx, old.keyId())
                                        .map(held -> split(old.groupId(), listed, held, verified)))
                .compose(
                        split -> {
                            List<Long> members = split.members();
                            List<Long> refused = split.refused();
                            return EntryKeyStore.sealedTo(tx, old.keyId())
                                    .compose(
                                            wrapped ->
                                                    vertx.executeBlocking(
                                                            () ->
                                                                    plan(
                                                                            old,
                                                                            team,
                                                                            admin,
                                                                            wrapped,
                                                                            GroupKeyring
                                                                                    .verifiedAccounts(
                                                                                            verified,
                                                                                            members),
                                                                            refused),
                                                            false));
                        })
                .compose(
                        plan -> {
                            List<Long> refused = plan.refused();
                            return GroupKeyStore.retire(tx, old.keyId())
                                    .compose(v -> GroupKeyStore.insert(tx, plan.next()))
                                    .compose(v -> GroupKeyStore.insertGrants(tx, plan.grants()))
                                    .compose(
                                            v ->
                                                    EntryKeyStore.replace(
                                                            tx, plan.entryKeys(), old.keyId()))
                                    .map(
                                            v -> {
                                                LOG.info(
                                                        "event=group_key_rotated group={} key={} entries={} holders={} refused={}",
                                                        old.groupId(),
                                                        plan.next().keyId(),
                                                        plan.entryKeys().size(),
                                                        plan.grants().size(),
                                                        refused.size());
                                                return new Result(
                                                        plan.grants().stream()
                                                                .map(
                                                                        GroupKeyStore.MemberGrant
                                                                                ::accountId)
                                                                .toList(),
                                                        List.copyOf(refused));
                                            });
                        });
    }

    /** The group's listed members, split by whether their membership of the old key verifies. */
    private record Split(List<Long> members, List<Long> refused) {}

    private static Split split(
            String groupId,
            List<Long> listed,
            List<GroupKeyStore.MemberGrant> held,
            KeyVerifier.Result verified) {
        Set<Long> signed = new HashSet<>();
        for (GroupKeyStore.MemberGrant g : held) {
            if (GroupKeyring.memberVerified(groupId, g, verified)) {
                signed.add(g.accountId());
            }
        }
        List<Long> members = new ArrayList<>();
        List<Long> refused = new ArrayList<>();
        for (Long id : listed) {
            if (signed.contains(id)) {
                members.add(id);
            } else {
                refused.add(id);
                LOG.warn("event=group_grant_refused group={} account={}", groupId, id);
            }
        }
        return new Split(members, refused);
    }

    private static Plan plan(
            GroupKeyRow old,
            RecipientPrivateKey team,
            AccountSigner admin,
            List<EntryKeyStore.Wrapped> wrapped,
            List<KeyRecordStore.AccountKeyRow> holders,
            List<Long> refused)
            throws GeneralSecurityException {
        RecipientPrivateKey oldKey =
                GroupKeys.openWithTeamKey(old.sealed(), old.groupId(), old.keyId(), team);
        TeamSealedKeys.Created next = GroupKeys.create(old.groupId(), team.publicKey());
        try {
            RecipientPublicKey pub = next.pair().publicKey();
            List<EntryKeyStore.EntryKey> entryKeys = EntryKeys.rewrap(wrapped, oldKey, pub);
            List<GroupKeyStore.MemberGrant> grants = new ArrayList<>(holders.size());
            for (KeyRecordStore.AccountKeyRow h : holders) {
                grants.add(
                        GroupKeyring.memberGrant(
                                next.pair().privateKey(),
                                old.groupId(),
                                h.id(),
                                RecipientPublicKey.fromBytes(h.publicKey()),
                                admin));
            }
            return new Plan(
                    GroupKeyring.newKey(old.groupId(), next, team.publicKey().keyId(), admin),
                    entryKeys,
                    grants,
                    List.copyOf(refused));
        } finally {
            next.pair().privateKey().destroy();
            oldKey.destroy();
        }
    }
}
