package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.GroupKeyRotation;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.KeyRecordStore;

/**
 * Changing which working groups an existing coordinator belongs to (docs/crypto.md, "Group keys").
 * Adding grants the group's key, with the administrator's signature over the membership; removing
 * withdraws the coordinator's grant and rotates that group's key alone ({@link GroupKeyRotation}),
 * so the removed coordinator opens nothing of the group sealed afterwards. A rotation renews the
 * key only for members whose membership an administrator signed; the others are refused and audited
 * ({@code group_grant_refused:<group>:<account id>}).
 */
public final class GroupMembership {
    /** What a change did. */
    public enum Outcome {
        DONE,
        /** The account is not an enabled coordinator whose key record verifies. */
        NO_SUCH_COORDINATOR,
        /** Added: it was a member already. Removed: it was not a member. */
        UNCHANGED,
        /** A coordinator keeps at least one working group. */
        LAST_GROUP
    }

    /** What {@link #remove} did, and who holds the group's new key (their sessions end). */
    public record Removal(Outcome outcome, List<Long> holders) {}

    private final Db db;
    private final TeamKeys teamKeys;
    private final GroupKeyring groupKeys;
    private final GroupKeyRotation rotation;
    private final KeyedHash auditKey;

    public GroupMembership(Vertx vertx, Db db, TeamKeys teamKeys, KeyedHash auditKey) {
        this.db = db;
        this.teamKeys = teamKeys;
        this.auditKey = auditKey;
        this.groupKeys = new GroupKeyring(teamKeys);
        this.rotation = new GroupKeyRotation(vertx, db, teamKeys);
    }

    /**
     * Adds coordinator {@code accountId} to working group {@code groupId} and grants it the group's
     * key (created first if the group has none), as administrator {@code admin} with the team key
     * {@code team}; audits {@code group_member_added:<group>:<account id>} with {@code actor}; one
     * transaction.
     */
    public Future<Outcome> add(
            String actor,
            long accountId,
            String groupId,
            RecipientPrivateKey team,
            AccountSigner admin) {
        return db.transaction(
                        tx ->
                                teamKeys.requireAdministrator(tx, admin)
                                        .compose(
                                                verified -> {
                                                    Optional<RecipientPublicKey> key =
                                                            coordinatorKey(
                                                                    verified.account(accountId));
                                                    if (key.isEmpty()) {
                                                        return Future.succeededFuture(
                                                                Outcome.NO_SUCH_COORDINATOR);
                                                    }
                                                    return GroupKeyStore.addMember(
                                                                    tx, accountId, groupId)
                                                            .compose(
                                                                    added ->
                                                                            added
                                                                                    ? grant(
                                                                                            tx,
                                                                                            actor,
                                                                                            accountId,
                                                                                            groupId,
                                                                                            key
                                                                                                    .get(),
                                                                                            team,
                                                                                            admin)
                                                                                    : Future
                                                                                            .succeededFuture(
                                                                                                    Outcome
                                                                                                            .UNCHANGED));
                                                }))
                .compose(o -> teamKeys.reload().otherwiseEmpty().map(o));
    }

    private Future<Outcome> grant(
            Db tx,
            String actor,
            long accountId,
            String groupId,
            RecipientPublicKey key,
            RecipientPrivateKey team,
            AccountSigner admin) {
        return groupKeys
                .prepare(tx, List.of(groupId), team, admin)
                .compose(n -> groupKeys.grant(tx, groupId, accountId, key, team, admin))
                .compose(
                        v ->
                                new AuditLog(tx, auditKey)
                                        .record(
                                                actor,
                                                "group_member_added:" + groupId + ":" + accountId,
                                                null))
                .map(Outcome.DONE);
    }

    /**
     * Removes coordinator {@code accountId} from working group {@code groupId} (not its last one),
     * withdraws its grant of the group's key and audits {@code
     * group_member_removed:<group>:<account id>}; then rotates the group's key ({@link #rotate}).
     */
    public Future<Removal> remove(
            String actor,
            long accountId,
            String groupId,
            RecipientPrivateKey team,
            AccountSigner admin) {
        return db.transaction(
                        tx ->
                                teamKeys.requireAdministrator(tx, admin)
                                        .compose(
                                                verified ->
                                                        GroupKeyStore.groupsOf(tx, accountId)
                                                                .compose(
                                                                        groups ->
                                                                                removeIn(
                                                                                        tx,
                                                                                        actor,
                                                                                        accountId,
                                                                                        groupId,
                                                                                        groups,
                                                                                        verified
                                                                                                .account(
                                                                                                        accountId)))))
                .compose(
                        outcome ->
                                outcome != Outcome.DONE
                                        ? Future.succeededFuture(new Removal(outcome, List.of()))
                                        : rotate(actor, groupId, team, admin)
                                                .map(h -> new Removal(outcome, h)));
    }

    private Future<Outcome> removeIn(
            Db tx,
            String actor,
            long accountId,
            String groupId,
            List<String> groups,
            Optional<KeyRecordStore.AccountKeyRow> account) {
        if (coordinatorKey(account).isEmpty()) {
            return Future.succeededFuture(Outcome.NO_SUCH_COORDINATOR);
        }
        if (!groups.contains(groupId)) {
            return Future.succeededFuture(Outcome.UNCHANGED);
        }
        if (groups.size() == 1) {
            return Future.succeededFuture(Outcome.LAST_GROUP);
        }
        return GroupKeyStore.removeMember(tx, accountId, groupId)
                .compose(
                        v ->
                                new AuditLog(tx, auditKey)
                                        .record(
                                                actor,
                                                "group_member_removed:" + groupId + ":" + accountId,
                                                null))
                .map(Outcome.DONE);
    }

    /**
     * Rotates group {@code groupId}'s key and audits {@code group_key_rotated:<group>}, and {@code
     * group_grant_refused:<group>:<account id>} for each member the rotation refused; completes
     * with the coordinators who hold the new key.
     */
    public Future<List<Long>> rotate(
            String actor, String groupId, RecipientPrivateKey team, AccountSigner admin) {
        return rotation.rotate(groupId, team, admin)
                .compose(
                        r -> {
                            AuditLog audit = new AuditLog(db, auditKey);
                            Future<Void> chain =
                                    audit.record(actor, "group_key_rotated:" + groupId, null)
                                            .mapEmpty();
                            for (Long refused : r.refused()) {
                                chain =
                                        chain.compose(
                                                v ->
                                                        audit.record(
                                                                        "system:keys",
                                                                        "group_grant_refused:"
                                                                                + groupId
                                                                                + ":"
                                                                                + refused,
                                                                        null)
                                                                .mapEmpty());
                            }
                            return chain.map(v -> new ArrayList<>(r.holders()));
                        });
    }

    /** The personal key of an enabled coordinator whose key record verified. */
    private static Optional<RecipientPublicKey> coordinatorKey(
            Optional<KeyRecordStore.AccountKeyRow> account) {
        if (account.isEmpty()
                || account.get().disabled()
                || !"coordinator".equals(account.get().role())) {
            return Optional.empty();
        }
        try {
            return Optional.of(RecipientPublicKey.fromBytes(account.get().publicKey()));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }
}
