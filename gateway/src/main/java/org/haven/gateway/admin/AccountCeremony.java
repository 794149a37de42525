package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import io.vertx.core.json.JsonObject;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.cluster.ClusterNotifications;
import org.haven.gateway.auth.AuthRoutes;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.keys.TeamKeyRotation;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;

/**
 * Adding and removing inbox accounts, for the Team page and for {@code haven account}.
 *
 * <p>Adding a coordinator or an administrator is a key ceremony: the new account gets a personal
 * key pair whose private half is sealed under its first passphrase (Argon2id), and the acting
 * administrator's unlocked team key is granted to the new public key, so the server never holds
 * the team key unsealed at rest. Agency workers get a passphrase hash only.
 *
 * <p>Removing an account disables it and withdraws its grants; the caller then rotates the team
 * key ({@link #rotate}) so that the removed person can open nothing sealed afterwards.
 */
public final class AccountCeremony {
    /** The working groups a coordinator may belong to. */
    public static final List<String> GROUPS = List.of("halifax", "montreal", "ottawa", "toronto", "winnipeg", "edmonton",
            "vancouver", "victoria", "national");
    /**
     * The cluster channel on which a removal is announced, {@code {"account": id}}: every gateway
     * ends that account's inbox sessions ({@code Inbox.follow}), whoever removed it where.
     */
    public static final String REMOVALS_CHANNEL = "haven_account_removed";
    /** The roles an account may have. */
    public static final List<String> ROLES = List.of("coordinator", "agency", "admin");

    /** An account to add; {@code agencyId} only for an agency worker. */
    public record NewAccount(String username, String role, List<String> groups, Long agencyId) {
        /** Whether the account holds the team key (coordinators and administrators). */
        public boolean needsTeamKey() {
            return !"agency".equals(role);
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
        REMOVED, NO_SUCH_ACCOUNT, LAST_ADMINISTRATOR
    }

    private final Vertx vertx;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final TeamKeyRotation rotation;

    public AccountCeremony(Vertx vertx, AccountStore accounts, TeamKeys teamKeys) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.rotation = new TeamKeyRotation(vertx, accounts, teamKeys);
    }

    /**
     * The first problem with a new account, in the order the Team page reports them: username,
     * passphrase and its confirmation, role, working groups (a coordinator needs one), agency
     * (an agency worker needs one, {@code agencyRaw} being its id as typed).
     */
    public static Optional<String> problem(String username, String pass, String confirm, String role, List<String> groups,
                                           String agencyRaw) {
        Optional<String> invalid = AuthRoutes.validateNewAccount(username, pass, confirm);
        return invalid.isPresent() ? invalid : roleProblem(role, groups, agencyRaw);
    }

    /** The problem with a new account's role, working groups and agency, if any. */
    public static Optional<String> roleProblem(String role, List<String> groups, String agencyRaw) {
        if (!ROLES.contains(role)) {
            return Optional.of("Choose a role.");
        }
        if ("coordinator".equals(role) && groups.isEmpty()) {
            return Optional.of("A coordinator needs at least one working group.");
        }
        if ("agency".equals(role) && (agencyRaw == null || !agencyRaw.matches("\\d+"))) {
            return Optional.of("An agency worker needs an agency.");
        }
        return Optional.empty();
    }

    /**
     * Creates the account and, for a coordinator or administrator, grants it {@code team} (the
     * acting administrator's unlocked current team key; null for an agency worker), and audits
     * {@code account_created:<role>} with {@code actor}, all in one transaction. Completes with
     * the new id; fails with {@link UsernameTaken} when the username is taken.
     */
    public Future<Long> create(String actor, NewAccount account, String passphrase, RecipientPrivateKey team) {
        boolean needsKey = account.needsTeamKey();
        if (needsKey && team == null) {
            return Future.failedFuture(new IllegalArgumentException("a coordinator or administrator needs the team key"));
        }
        return vertx.executeBlocking(() -> AuthRoutes.NewKeys.make(passphrase, team))
                .compose(keys -> accounts.pool().withTransaction(tx -> accounts.create(tx, account.username(), account.role(),
                                keys.hash(), needsKey ? keys.personal().publicKey().toBytes() : null,
                                needsKey ? keys.sealedPersonal() : null, account.agencyId(), account.groups())
                        .compose(id -> {
                            if (!needsKey) {
                                return Future.succeededFuture(id);
                            }
                            try {
                                String keyId = teamKeys.currentKeyId();
                                byte[] grant = KeyGrants.grant(keys.team(), keyId, id, keys.personal().publicKey());
                                return accounts.insertGrant(tx, id, keyId, grant).map(id);
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(e);
                            }
                        })
                        .compose(id -> new AuditLog(tx).record(actor, "account_created:" + account.role(), null).map(id)))
                        .onComplete(ar -> keys.destroy()))
                .recover(err -> Future.failedFuture(String.valueOf(err.getMessage()).contains("duplicate key")
                        ? new UsernameTaken() : err));
    }

    /**
     * Disables an account, withdraws its team-key grants and audits {@code account_removed:<id>}
     * with {@code actor}, in one transaction; refuses to remove the last enabled administrator.
     * Once committed, tells every gateway to end the account's sessions ({@link #REMOVALS_CHANNEL});
     * the caller ends those it holds itself and then calls {@link #rotate}.
     */
    public Future<Removal> disable(String actor, long accountId) {
        return accounts.pool().withTransaction(tx -> tx.query("SELECT id FROM accounts WHERE role = 'admin' AND disabled_at IS NULL"
                        + " ORDER BY id FOR UPDATE").execute()
                .compose(admins -> {
                    boolean isAdmin = false;
                    for (var r : admins) {
                        isAdmin |= r.getLong(0) == accountId;
                    }
                    if (isAdmin && admins.size() == 1) {
                        return Future.succeededFuture(Removal.LAST_ADMINISTRATOR);
                    }
                    return accounts.disable(tx, accountId).compose(done -> {
                        if (!done) {
                            return Future.succeededFuture(Removal.NO_SUCH_ACCOUNT);
                        }
                        return new AuditLog(tx).record(actor, "account_removed:" + accountId, null).map(Removal.REMOVED);
                    });
                })).compose(removal -> {
                    if (removal != Removal.REMOVED) {
                        return Future.succeededFuture(removal);
                    }
                    return ClusterNotifications.notifyEveryInstance(accounts.pool(), REMOVALS_CHANNEL,
                            new JsonObject().put("account", accountId)).map(removal);
                });
    }

    /**
     * Rotates the team key from {@code current} (the acting administrator's unlocked team key)
     * and audits {@code team_key_rotated:<reason>} with {@code actor}; completes with the new
     * private key (the caller's to keep or wipe).
     */
    public Future<RecipientPrivateKey> rotate(String actor, RecipientPrivateKey current, String reason) {
        return rotation.rotate(current).compose(next -> new AuditLog(accounts.pool()).record(actor, "team_key_rotated:" + reason, null)
                .map(next));
    }
}
