package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Accounts, team public keys and the pending first-administrator setup. */
public final class AccountStore {

    /** The team private key sealed under the one-time setup code, before the first admin exists. */
    public record PendingSetup(String teamKeyId, byte[] sealedTeamKey) {}

    /** A team public key. */
    public record TeamKey(String keyId, byte[] publicKey) {}

    private final Db pool;

    public AccountStore(Pool pool) {
        this(Db.of(pool));
    }

    /** A store on {@code db}. */
    public AccountStore(Db pool) {
        this.pool = pool;
    }

    /** The database, for transactions spanning several stores. */
    public Db db() {
        return pool;
    }

    private static final String ACCOUNT_COLUMNS =
            "a.id, a.username, a.role, a.passphrase_hash, a.team_key_id, a.sealed_team_key,"
                    + " a.totp_secret, a.totp_enabled_at, coalesce(a.totp_last_step, 0) AS totp_last_step, a.language, a.agency_id,"
                    + " coalesce((SELECT array_agg(g.group_id ORDER BY g.group_id) FROM account_groups g WHERE g.account_id = a.id),"
                    + " '{}'::text[]) AS groups, a.public_key, a.sealed_private_key, a.passphrase_one_time";

    public Future<Optional<Account>> findByUsername(String username) {
        return pool.preparedQuery(
                        "SELECT "
                                + ACCOUNT_COLUMNS
                                + " FROM accounts a WHERE a.username = $1 AND a.disabled_at IS NULL")
                .execute(Tuple.of(username))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<Account>empty()
                                        : Optional.of(account(rs.iterator().next())));
    }

    public Future<Optional<Account>> findById(long id) {
        return pool.preparedQuery(
                        "SELECT "
                                + ACCOUNT_COLUMNS
                                + " FROM accounts a WHERE a.id = $1 AND a.disabled_at IS NULL")
                .execute(Tuple.of(id))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<Account>empty()
                                        : Optional.of(account(rs.iterator().next())));
    }

    /** All enabled accounts, for the team page. */
    public Future<List<Account>> list() {
        return pool.query(
                        "SELECT "
                                + ACCOUNT_COLUMNS
                                + " FROM accounts a WHERE a.disabled_at IS NULL ORDER BY a.username")
                .execute()
                .map(
                        rs -> {
                            List<Account> out = new ArrayList<>();
                            rs.forEach(r -> out.add(account(r)));
                            return out;
                        });
    }

    /**
     * Creates an account (admin, coordinator or agency) with its groups and personal key; returns
     * its id.
     */
    public Future<Long> create(
            Db tx,
            String username,
            String role,
            String passphraseHash,
            byte[] publicKey,
            byte[] sealedPrivateKey,
            Long agencyId,
            Collection<String> groups) {
        return tx.preparedQuery(
                        "INSERT INTO accounts (username, role, passphrase_hash, public_key, sealed_private_key, agency_id)"
                                + " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .execute(
                        Tuple.of(
                                username,
                                role,
                                passphraseHash,
                                publicKey == null ? null : Buffer.buffer(publicKey),
                                sealedPrivateKey == null ? null : Buffer.buffer(sealedPrivateKey),
                                agencyId))
                .compose(
                        rs -> {
                            long id = rs.iterator().next().getLong(0);
                            Future<Void> f = Future.succeededFuture();
                            for (String g : groups) {
                                f =
                                        f.compose(
                                                v ->
                                                        tx.preparedQuery(
                                                                        "INSERT INTO account_groups (account_id, group_id) VALUES ($1, $2)")
                                                                .execute(Tuple.of(id, g))
                                                                .mapEmpty());
                            }
                            return f.map(v -> id);
                        });
    }

    /** A team key granted to an account, sealed to its personal key. */
    public record Grant(String keyId, byte[] sealed) {}

    /** An account that holds team-key grants: its id and personal public key. */
    public record Holder(long accountId, byte[] publicKey) {}

    public Future<Void> insertGrant(Db tx, long accountId, String keyId, byte[] sealed) {
        return tx.preparedQuery(
                        "INSERT INTO team_key_grants (account_id, key_id, sealed) VALUES ($1, $2, $3)")
                .execute(Tuple.of(accountId, keyId, Buffer.buffer(sealed)))
                .mapEmpty();
    }

    /**
     * Grants a (new) team key to several accounts, in one batch (a rotation); nothing to do for
     * none.
     */
    public Future<Void> insertGrants(Db tx, List<KeyGrant> grants) {
        if (grants.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(grants.size());
        for (KeyGrant g : grants) {
            rows.add(Tuple.of(g.accountId(), g.keyId(), Buffer.buffer(g.sealed())));
        }
        return tx.preparedQuery(
                        "INSERT INTO team_key_grants (account_id, key_id, sealed) VALUES ($1, $2, $3)")
                .executeBatch(rows)
                .mapEmpty();
    }

    /** The accounts that hold a grant of team key {@code keyId}. */
    public Future<Set<Long>> holdersOf(Db tx, String keyId) {
        return tx.preparedQuery("SELECT account_id FROM team_key_grants WHERE key_id = $1")
                .execute(Tuple.of(keyId))
                .map(
                        rs -> {
                            Set<Long> out = new HashSet<>();
                            rs.forEach(r -> out.add(r.getLong(0)));
                            return out;
                        });
    }

    /** Withdraws every grant of team key {@code keyId} (its rotation). */
    public Future<Void> withdrawGrants(Db tx, String keyId) {
        return tx.preparedQuery("DELETE FROM team_key_grants WHERE key_id = $1")
                .execute(Tuple.of(keyId))
                .mapEmpty();
    }

    /** The grants of an account, for its login. */
    public Future<List<Grant>> grants(long accountId) {
        return pool.preparedQuery(
                        "SELECT g.key_id, g.sealed FROM team_key_grants g JOIN team_keys k ON k.key_id = g.key_id"
                                + " WHERE g.account_id = $1 ORDER BY k.created_at DESC")
                .execute(Tuple.of(accountId))
                .map(AccountStore::grantsOf);
    }

    /**
     * The grant of the current key of the account's agency, if it holds one (agency workers'
     * login).
     */
    public Future<List<Grant>> agencyGrants(long accountId) {
        return pool.preparedQuery(
                        "SELECT g.key_id, g.sealed FROM agency_key_grants g JOIN accounts a ON a.id = g.account_id"
                                + " JOIN agencies ag ON ag.id = a.agency_id AND ag.key_id = g.key_id WHERE g.account_id = $1")
                .execute(Tuple.of(accountId))
                .map(AccountStore::grantsOf);
    }

    private static List<Grant> grantsOf(RowSet<Row> rs) {
        List<Grant> out = new ArrayList<>();
        rs.forEach(r -> out.add(new Grant(r.getString(0), r.getBuffer(1).getBytes())));
        return out;
    }

    /**
     * The enabled administrators' ids, locked for the rest of {@code tx} (so that the last one
     * cannot go).
     */
    public Future<List<Long>> lockAdministrators(Db tx) {
        return tx.query(
                        "SELECT id FROM accounts WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id FOR UPDATE")
                .execute()
                .map(
                        rs -> {
                            List<Long> ids = new ArrayList<>();
                            for (Row r : rs) {
                                ids.add(r.getLong(0));
                            }
                            return ids;
                        });
    }

    /**
     * Disables an account and withdraws its grants (team and agency keys) (its sessions must be
     * ended by the caller).
     */
    public Future<Boolean> disable(Db tx, long accountId) {
        return tx.preparedQuery(
                        "UPDATE accounts SET disabled_at = now() WHERE id = $1 AND disabled_at IS NULL")
                .execute(Tuple.of(accountId))
                .compose(
                        rs ->
                                tx.preparedQuery(
                                                "DELETE FROM team_key_grants WHERE account_id = $1")
                                        .execute(Tuple.of(accountId))
                                        .compose(
                                                v ->
                                                        tx.preparedQuery(
                                                                        "DELETE FROM agency_key_grants WHERE account_id = $1")
                                                                .execute(Tuple.of(accountId)))
                                        .compose(
                                                v ->
                                                        tx.preparedQuery(
                                                                        "DELETE FROM group_key_grants WHERE account_id = $1")
                                                                .execute(Tuple.of(accountId)))
                                        .map(v -> rs.rowCount() == 1));
    }

    /** Stores a new (not yet confirmed) TOTP secret, encrypted. */
    public Future<Void> setTotpSecret(long accountId, byte[] encryptedSecret) {
        return pool.preparedQuery(
                        "UPDATE accounts SET totp_secret = $2, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1")
                .execute(Tuple.of(accountId, Buffer.buffer(encryptedSecret)))
                .mapEmpty();
    }

    /** Confirms TOTP enrolment and stores the recovery code hashes. */
    public Future<Void> enableTotp(long accountId, long step, List<String> recoveryHashes) {
        return pool.transaction(
                tx ->
                        tx.preparedQuery(
                                        "UPDATE accounts SET totp_enabled_at = now(), totp_last_step = $2 WHERE id = $1")
                                .execute(Tuple.of(accountId, step))
                                .compose(
                                        v ->
                                                tx.preparedQuery(
                                                                "DELETE FROM recovery_codes WHERE account_id = $1")
                                                        .execute(Tuple.of(accountId)))
                                .compose(
                                        v -> {
                                            Future<Void> f = Future.succeededFuture();
                                            for (String h : recoveryHashes) {
                                                f =
                                                        f.compose(
                                                                x ->
                                                                        tx.preparedQuery(
                                                                                        "INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)")
                                                                                .execute(
                                                                                        Tuple.of(
                                                                                                accountId,
                                                                                                h))
                                                                                .mapEmpty());
                                            }
                                            return f;
                                        }));
    }

    /** Records the TOTP step just used, only if later than the last one (a code works once). */
    public Future<Boolean> useTotpStep(long accountId, long step) {
        return pool.preparedQuery(
                        "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND coalesce(totp_last_step, 0) < $2")
                .execute(Tuple.of(accountId, step))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Marks one recovery code used; false if it was used meanwhile. */
    public Future<Boolean> useRecoveryCode(long accountId, String codeHash) {
        return pool.preparedQuery(
                        "UPDATE recovery_codes SET used_at = now() WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL")
                .execute(Tuple.of(accountId, codeHash))
                .map(rs -> rs.rowCount() == 1);
    }

    public Future<Void> setLanguage(long accountId, String language) {
        return pool.preparedQuery("UPDATE accounts SET language = $2 WHERE id = $1")
                .execute(Tuple.of(accountId, language))
                .mapEmpty();
    }

    /**
     * The newest team public key not marked retired, if one was created: whether setup happened,
     * never which key to seal to (that is {@code keys.TeamKeys}, which verifies).
     */
    public Future<Optional<TeamKey>> activeTeamKey() {
        return pool.query(
                        "SELECT key_id, public_key FROM team_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1")
                .execute()
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<TeamKey>empty()
                                        : Optional.of(
                                                new TeamKey(
                                                        rs.iterator().next().getString(0),
                                                        rs.iterator()
                                                                .next()
                                                                .getBuffer(1)
                                                                .getBytes())));
    }

    public Future<Optional<PendingSetup>> pendingSetup(Db client) {
        return client.query("SELECT team_key_id, sealed_team_key FROM pending_setup WHERE id = 1")
                .execute()
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<PendingSetup>empty()
                                        : Optional.of(
                                                new PendingSetup(
                                                        rs.iterator().next().getString(0),
                                                        rs.iterator()
                                                                .next()
                                                                .getBuffer(1)
                                                                .getBytes())));
    }

    /**
     * Records the pending setup: the new team key's private half under the one-time setup code
     * (first start).
     */
    public Future<Void> createSetup(Db tx, String teamKeyId, byte[] sealedUnderSetupCode) {
        return tx.preparedQuery(
                        "INSERT INTO pending_setup (id, team_key_id, sealed_team_key) VALUES (1, $1, $2)")
                .execute(Tuple.of(teamKeyId, Buffer.buffer(sealedUnderSetupCode)))
                .mapEmpty();
    }

    /**
     * A pending setup replaced: the team key it held, and how many cases were sealed to that key
     * meanwhile.
     */
    public record ReplacedSetup(String oldTeamKeyId, long casesSealedToOldKey) {}

    /**
     * A lost setup code: while no account exists, replaces the pending setup's team key, in one
     * transaction, by {@code row} with its private half under a new code ({@code sealed}); the old
     * key's row goes with its sealed private half, so the old code opens nothing any more. Empty
     * when there is no pending setup (setup done) or an account exists.
     */
    public Future<Optional<ReplacedSetup>> replaceSetup(
            KeyRecordStore.TeamKeyRow row, byte[] sealed) {
        return pool.transaction(
                tx ->
                        tx.query("SELECT team_key_id FROM pending_setup WHERE id = 1 FOR UPDATE")
                                .execute()
                                .compose(
                                        pending -> {
                                            if (pending.size() == 0) {
                                                return Future.succeededFuture(
                                                        Optional.<ReplacedSetup>empty());
                                            }
                                            String old = pending.iterator().next().getString(0);
                                            return tx.query(
                                                            "SELECT (SELECT count(*) FROM accounts), (SELECT count(*) FROM cases)")
                                                    .execute()
                                                    .compose(
                                                            rs -> {
                                                                long accounts =
                                                                        rs.iterator()
                                                                                .next()
                                                                                .getLong(0);
                                                                long cases =
                                                                        rs.iterator()
                                                                                .next()
                                                                                .getLong(1);
                                                                if (accounts > 0) {
                                                                    return Future.succeededFuture(
                                                                            Optional
                                                                                    .<ReplacedSetup>
                                                                                            empty());
                                                                }
                                                                return tx.query(
                                                                                "DELETE FROM pending_setup WHERE id = 1")
                                                                        .execute()
                                                                        .compose(
                                                                                v ->
                                                                                        tx.preparedQuery(
                                                                                                        "DELETE FROM team_keys WHERE key_id = $1")
                                                                                                .execute(
                                                                                                        Tuple
                                                                                                                .of(
                                                                                                                        old)))
                                                                        .compose(
                                                                                v ->
                                                                                        KeyRecordStore
                                                                                                .insertTeamKey(
                                                                                                        tx,
                                                                                                        row))
                                                                        .compose(
                                                                                v ->
                                                                                        createSetup(
                                                                                                tx,
                                                                                                row
                                                                                                        .keyId(),
                                                                                                sealed))
                                                                        .map(
                                                                                v ->
                                                                                        Optional.of(
                                                                                                new ReplacedSetup(
                                                                                                        old,
                                                                                                        cases)));
                                                            });
                                        }));
    }

    /**
     * Creates the first administrator and ends the pending setup; its id, or empty if setup was
     * already done.
     */
    public Future<Optional<Long>> completeSetup(
            Db tx,
            String username,
            String passphraseHash,
            byte[] publicKey,
            byte[] sealedPrivateKey) {
        return tx.query("DELETE FROM pending_setup WHERE id = 1")
                .execute()
                .compose(
                        rs -> {
                            if (rs.rowCount() != 1) {
                                return Future.succeededFuture(Optional.<Long>empty());
                            }
                            // the first administrator chose their own passphrase: not a one-time
                            // one
                            return create(
                                            tx,
                                            username,
                                            "admin",
                                            passphraseHash,
                                            publicKey,
                                            sealedPrivateKey,
                                            null,
                                            List.of())
                                    .compose(
                                            id ->
                                                    tx.preparedQuery(
                                                                    "UPDATE accounts SET passphrase_one_time = false WHERE id = $1")
                                                            .execute(Tuple.of(id))
                                                            .map(Optional.of(id)));
                        });
    }

    /**
     * Replaces an account's passphrase hash and personal key box, only if they are still the ones
     * {@code oldHash} and {@code oldBox} (null for an account without a personal key) that the
     * caller opened: a concurrent change wins and this one answers false. {@code chosen} also
     * clears the one-time mark (the person chose this passphrase); an upgrade of the Argon2id cost
     * at login leaves it as it is.
     */
    public Future<Boolean> replacePassphrase(
            Db tx,
            long accountId,
            String oldHash,
            byte[] oldBox,
            String newHash,
            byte[] newBox,
            boolean chosen) {
        return tx.preparedQuery(
                        "UPDATE accounts SET passphrase_hash = $4, sealed_private_key = $5,"
                                + " passphrase_one_time = passphrase_one_time AND NOT $6"
                                + " WHERE id = $1 AND disabled_at IS NULL AND passphrase_hash = $2"
                                + " AND sealed_private_key IS NOT DISTINCT FROM $3")
                .execute(
                        Tuple.of(
                                accountId,
                                oldHash,
                                oldBox == null ? null : Buffer.buffer(oldBox),
                                newHash,
                                newBox == null ? null : Buffer.buffer(newBox),
                                chosen))
                .map(rs -> rs.rowCount() == 1);
    }

    private static Account account(Row r) {
        Buffer sealed = r.getBuffer("sealed_team_key");
        Buffer totp = r.getBuffer("totp_secret");
        Buffer pub = r.getBuffer("public_key");
        Buffer priv = r.getBuffer("sealed_private_key");
        String[] groups = r.getArrayOfStrings("groups");
        return new Account(
                r.getLong("id"),
                r.getString("username"),
                r.getString("role"),
                r.getString("passphrase_hash"),
                r.getString("team_key_id"),
                sealed == null ? null : sealed.getBytes(),
                totp == null ? null : totp.getBytes(),
                r.getOffsetDateTime("totp_enabled_at") != null,
                r.getLong("totp_last_step"),
                r.getString("language"),
                r.getLong("agency_id"),
                groups == null ? Set.of() : Set.of(groups),
                pub == null ? null : pub.getBytes(),
                priv == null ? null : priv.getBytes(),
                r.getBoolean("passphrase_one_time"));
    }
}
