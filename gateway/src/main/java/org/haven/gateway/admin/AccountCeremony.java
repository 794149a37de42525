package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.auth.AccountRules;
import org.haven.gateway.keys.AccountKeys;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.AgencyKeyCustody;
import org.haven.gateway.keys.AgencyKeyRotation;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.keys.KeySigning;
import org.haven.gateway.keys.TeamKeyRotation;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.web.Text;

/**
 * Adding and removing inbox accounts, for the Team page and for {@code haven account}.
 *
 * <p>Adding an account is a key ceremony: the new account gets a personal key pair whose private
 * half is sealed under its first passphrase (Argon2id). An administrator is granted the acting
 * administrator's unlocked team key; a coordinator is granted the keys of its working groups and of
 * the intake group (docs/crypto.md, "Group keys"), never the team key; an agency worker is granted
 * its agency's key (which the team key opens: docs/crypto.md), never the team key. The server never
 * holds either unsealed at rest.
 *
 * <p>Removing an account disables it and withdraws its grants; the caller then rotates the key the
 * person held ({@link #rotate} for the team key, {@link #rotateAgency} for an agency worker's
 * agency key) so that the removed person can open nothing sealed afterwards.
 */
public final class AccountCeremony {
    /**
     * The cluster channel on which a removal is announced, {@code {"account": id}}: every gateway
     * ends that account's inbox sessions ({@code Inbox.follow}), whoever removed it where.
     */
    public static final String REMOVALS_CHANNEL = "haven_account_removed";

    /** The roles an account may have. */
    public static final List<String> ROLES = List.of("coordinator", "agency", "admin");

    /** An account to add; {@code agencyId} only for an agency worker. */
    public record NewAccount(String username, String role, List<String> groups, Long agencyId) {
        /** Whether the account is an agency worker (granted its agency's key, not the team key). */
        public boolean agencyWorker() {
            return "agency".equals(role);
        }
    }

    /** The failure of {@link #create} when the username is taken (also by a removed account). */
    public static final class UsernameTaken extends Exception {
        private static final long serialVersionUID = 1L;

        public UsernameTaken() {
            super("That username is taken.");
        }
    }

    /** What {@link #disable} did. */
    public enum Removal {
        REMOVED,
        NO_SUCH_ACCOUNT,
        LAST_ADMINISTRATOR
    }

    private final Vertx vertx;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final TeamKeyRotation rotation;
    private final AgencyKeyCustody agencyKeys;
    private final AgencyKeyRotation agencyRotation;
    private final GroupKeyring groupKeys;
    private final GroupMembership membership;
    private final KeyedHash auditKey;

    public AccountCeremony(
            Vertx vertx, AccountStore accounts, TeamKeys teamKeys, KeyedHash auditKey) {
        this.vertx = vertx;
        this.auditKey = auditKey;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        AgencyStore agencies = new AgencyStore(accounts.db());
        this.rotation = new TeamKeyRotation(vertx, accounts, agencies, teamKeys);
        this.agencyKeys = new AgencyKeyCustody(agencies, teamKeys);
        this.agencyRotation = new AgencyKeyRotation(vertx, agencies, teamKeys);
        this.groupKeys = new GroupKeyring(teamKeys);
        this.membership = new GroupMembership(vertx, accounts.db(), teamKeys, auditKey);
    }

    /**
     * The first problem with a new account, in the order the Team page reports them: username,
     * passphrase and its confirmation, role, working groups (a coordinator needs one), agency (an
     * agency worker needs one, {@code agencyRaw} being its id as typed).
     */
    public static Optional<String> problem(
            String username,
            String pass,
            String confirm,
            String role,
            List<String> groups,
            String agencyRaw,
            String language) {
        Optional<String> invalid =
                AccountRules.validateNewAccount(username, pass, confirm, language);
        return invalid.isPresent() ? invalid : roleProblem(role, groups, agencyRaw, language);
    }

    /** The problem with a new account's role, working groups and agency, if any. */
    public static Optional<String> roleProblem(
            String role, List<String> groups, String agencyRaw, String language) {
        if (!ROLES.contains(role)) {
            return Optional.of(Text.t(language, "rules.role"));
        }
        if ("coordinator".equals(role) && groups.isEmpty()) {
            return Optional.of(Text.t(language, "rules.groups"));
        }
        if ("agency".equals(role) && (agencyRaw == null || !agencyRaw.matches("\\d+"))) {
            return Optional.of(Text.t(language, "rules.agency"));
        }
        return Optional.empty();
    }

    /**
     * Creates the account with its personal key and grants it {@code team} (the acting
     * administrator's unlocked current team key) or, for an agency worker, its agency's key opened
     * with {@code team} (created first if the agency has none yet); signs the account's key record
     * with {@code admin} (the acting administrator's signing key, whose own record must verify);
     * audits {@code account_created:<role>} with {@code actor}; all in one transaction. Completes
     * with the new id; fails with {@link UsernameTaken} when the username is taken, with {@link
     * AgencyKeyCustody.NoSuchAgency} when an agency worker's agency does not exist, with {@link
     * AgencyKeyCustody.RejectedKey} when its key does not verify, and with {@link
     * TeamKeys.UnverifiedAdministrator} when the administrator's own record does not.
     */
    public Future<Long> create(
            String actor,
            NewAccount account,
            String passphrase,
            RecipientPrivateKey team,
            AccountSigner admin) {
        if (team == null || admin == null) {
            return Future.failedFuture(
                    new IllegalArgumentException(
                            "adding an account needs the team key and an administrator's signing key"));
        }
        boolean agency = account.agencyWorker();
        return vertx.executeBlocking(() -> AccountKeys.make(passphrase, team))
                .compose(
                        keys ->
                                accounts.db()
                                        .transaction(
                                                tx ->
                                                        teamKeys.requireAdministrator(tx, admin)
                                                                .compose(
                                                                        verified ->
                                                                                accounts.create(
                                                                                        tx,
                                                                                        account
                                                                                                .username(),
                                                                                        account
                                                                                                .role(),
                                                                                        keys.hash(),
                                                                                        keys.personal()
                                                                                                .publicKey()
                                                                                                .toBytes(),
                                                                                        keys
                                                                                                .sealedPersonal(),
                                                                                        account
                                                                                                .agencyId(),
                                                                                        agency
                                                                                                ? List
                                                                                                        .of()
                                                                                                : account
                                                                                                        .groups()))
                                                                .compose(
                                                                        id ->
                                                                                KeySigning
                                                                                        .newAccount(
                                                                                                tx,
                                                                                                id,
                                                                                                account
                                                                                                        .username(),
                                                                                                account
                                                                                                        .role(),
                                                                                                agency
                                                                                                        ? account
                                                                                                                .agencyId()
                                                                                                        : null,
                                                                                                keys.personal()
                                                                                                        .privateKey(),
                                                                                                admin)
                                                                                        .map(id))
                                                                .compose(
                                                                        id -> {
                                                                            if (agency) {
                                                                                return agencyKeys
                                                                                        .grant(
                                                                                                tx,
                                                                                                account
                                                                                                        .agencyId(),
                                                                                                id,
                                                                                                keys.personal()
                                                                                                        .publicKey(),
                                                                                                keys
                                                                                                        .team(),
                                                                                                admin)
                                                                                        .map(id);
                                                                            }
                                                                            if ("coordinator"
                                                                                    .equals(
                                                                                            account
                                                                                                    .role())) {
                                                                                return grantGroups(
                                                                                                tx,
                                                                                                id,
                                                                                                account
                                                                                                        .groups(),
                                                                                                keys,
                                                                                                admin)
                                                                                        .map(id);
                                                                            }
                                                                            try {
                                                                                String keyId =
                                                                                        teamKeys
                                                                                                .currentKeyId();
                                                                                byte[] grant =
                                                                                        KeyGrants
                                                                                                .grant(
                                                                                                        keys
                                                                                                                .team(),
                                                                                                        keyId,
                                                                                                        id,
                                                                                                        keys.personal()
                                                                                                                .publicKey());
                                                                                return accounts.insertGrant(
                                                                                                tx,
                                                                                                id,
                                                                                                keyId,
                                                                                                grant)
                                                                                        .map(id);
                                                                            } catch (
                                                                                    GeneralSecurityException
                                                                                            e) {
                                                                                return Future
                                                                                        .failedFuture(
                                                                                                e);
                                                                            }
                                                                        })
                                                                .compose(
                                                                        id ->
                                                                                new AuditLog(
                                                                                                tx,
                                                                                                auditKey)
                                                                                        .record(
                                                                                                actor,
                                                                                                "account_created:"
                                                                                                        + account
                                                                                                                .role(),
                                                                                                null)
                                                                                        .map(id)))
                                        .onComplete(ar -> keys.destroy()))
                // the export key may be new: this gateway signs exports with it from now on
                .compose(id -> teamKeys.reload().otherwiseEmpty().map(id))
                .recover(
                        err ->
                                Future.failedFuture(
                                        String.valueOf(err.getMessage()).contains("duplicate key")
                                                ? new UsernameTaken()
                                                : err));
    }

    /**
     * Grants a new coordinator the keys of its working groups, of the intake group and the export
     * signing key (each created first if the group has none, and sealed then to the entries of the
     * group's cases that only the team key opened), never the team key: a coordinator's passphrase
     * opens only its groups' cases.
     */
    private Future<Void> grantGroups(
            Db tx, long id, List<String> groups, AccountKeys keys, AccountSigner admin) {
        List<String> all = new ArrayList<>(groups);
        all.add(GroupKeyStore.INTAKE);
        all.add(GroupKeyStore.EXPORT);
        Future<Void> chain = groupKeys.prepare(tx, all, keys.team(), admin).mapEmpty();
        for (String g : all) {
            chain =
                    chain.compose(
                            v ->
                                    groupKeys.grant(
                                            tx,
                                            g,
                                            id,
                                            keys.personal().publicKey(),
                                            keys.team(),
                                            admin));
        }
        return chain;
    }

    /**
     * Disables an account, withdraws its team-key grants and audits {@code account_removed:<id>}
     * with {@code actor}, in one transaction; refuses to remove the last enabled administrator.
     * Once committed, tells every gateway to end the account's sessions ({@link
     * #REMOVALS_CHANNEL}); the caller ends those it holds itself and then calls {@link #rotate}.
     */
    public Future<Removal> disable(String actor, long accountId) {
        return accounts.db()
                .transaction(
                        tx ->
                                accounts.lockAdministrators(tx)
                                        .compose(
                                                admins -> {
                                                    if (admins.contains(accountId)
                                                            && admins.size() == 1) {
                                                        return Future.succeededFuture(
                                                                Removal.LAST_ADMINISTRATOR);
                                                    }
                                                    return accounts.disable(tx, accountId)
                                                            .compose(
                                                                    done -> {
                                                                        if (!done) {
                                                                            return Future
                                                                                    .succeededFuture(
                                                                                            Removal
                                                                                                    .NO_SUCH_ACCOUNT);
                                                                        }
                                                                        return new AuditLog(
                                                                                        tx,
                                                                                        auditKey)
                                                                                .record(
                                                                                        actor,
                                                                                        "account_removed:"
                                                                                                + accountId,
                                                                                        null)
                                                                                .map(
                                                                                        Removal
                                                                                                .REMOVED);
                                                                    });
                                                }))
                .compose(
                        removal -> {
                            if (removal != Removal.REMOVED) {
                                return Future.succeededFuture(removal);
                            }
                            return ClusterNotifications.notifyEveryInstance(
                                            accounts.db(),
                                            REMOVALS_CHANNEL,
                                            new JsonObject().put("account", accountId))
                                    .map(removal);
                        });
    }

    /**
     * Rotates the team key from {@code current} (the acting administrator's unlocked team key), the
     * new key's record signed by it and by {@code admin}, and audits {@code
     * team_key_rotated:<reason>} with {@code actor}; completes with the new private key (the
     * caller's to keep or wipe).
     */
    public Future<RecipientPrivateKey> rotate(
            String actor, RecipientPrivateKey current, String reason, AccountSigner admin) {
        return rotation.rotate(current, admin)
                .compose(
                        next ->
                                new AuditLog(accounts.db(), auditKey)
                                        .record(actor, "team_key_rotated:" + reason, null)
                                        .map(next));
    }

    /**
     * Replaces the keys of the working groups a removed coordinator held (the intake group's among
     * them) and audits {@code group_key_rotated:<group>} for each, with {@code actor} (and the
     * members refused the new key, {@link GroupMembership#rotate}); the team key and other groups'
     * keys do not change. Completes with the groups rotated and the coordinators who now hold their
     * new keys (the caller ends their sessions, which hold the old ones).
     */
    public Future<GroupRotation> rotateGroups(
            String actor, long accountId, RecipientPrivateKey team, AccountSigner admin) {
        return GroupKeyStore.groupsHeldBy(accounts.db(), accountId)
                .compose(
                        groups -> {
                            Future<List<Long>> chain = Future.succeededFuture(new ArrayList<>());
                            for (String g : groups) {
                                chain =
                                        chain.compose(
                                                held ->
                                                        membership
                                                                .rotate(actor, g, team, admin)
                                                                .map(
                                                                        h -> {
                                                                            held.addAll(h);
                                                                            return held;
                                                                        }));
                            }
                            return chain.compose(
                                    held ->
                                            teamKeys.reload()
                                                    .otherwiseEmpty()
                                                    .map(new GroupRotation(groups, held)));
                        });
    }

    /** What {@link #rotateGroups} did: the groups whose keys rotated, and their holders now. */
    public record GroupRotation(List<String> groups, List<Long> holders) {}

    /**
     * Replaces an agency's key after one of its workers was removed (the remaining workers get the
     * new one, entry keys are re-wrapped) and audits {@code agency_key_rotated:<agency id>} with
     * {@code actor}; {@code team} is the acting administrator's unlocked current team key, {@code
     * admin} their signing key (signs the new key's record). Completes with the agency's remaining
     * workers, whose sessions hold the retired key: the caller ends them.
     */
    public Future<List<Long>> rotateAgency(
            String actor, long agencyId, RecipientPrivateKey team, AccountSigner admin) {
        return agencyRotation
                .rotate(agencyId, team, admin)
                .compose(
                        workers ->
                                new AuditLog(accounts.db(), auditKey)
                                        .record(actor, "agency_key_rotated:" + agencyId, null)
                                        .map(workers));
    }
}
