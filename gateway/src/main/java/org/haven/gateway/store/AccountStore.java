package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** Accounts, team public keys and the pending first-administrator setup. */
public final class AccountStore {

    /** The team private key sealed under the one-time setup code, before the first admin exists. */
    public record PendingSetup(String teamKeyId, byte[] sealedTeamKey) {
    }

    /** A team public key. */
    public record TeamKey(String keyId, byte[] publicKey) {
    }

    private final Pool pool;

    public AccountStore(Pool pool) {
        this.pool = pool;
    }

    /** The pool, for transactions spanning several stores. */
    public Pool pool() {
        return pool;
    }

    public Future<Optional<Account>> findByUsername(String username) {
        return pool.preparedQuery("SELECT id, username, role, passphrase_hash, team_key_id, sealed_team_key FROM accounts"
                        + " WHERE username = $1 AND disabled_at IS NULL")
                .execute(Tuple.of(username))
                .map(rs -> rs.size() == 0 ? Optional.<Account>empty() : Optional.of(account(rs.iterator().next())));
    }

    public Future<Long> countAccounts() {
        return pool.query("SELECT count(*) FROM accounts").execute().map(rs -> rs.iterator().next().getLong(0));
    }

    /** The current (not retired) team public key, if one was created. */
    public Future<Optional<TeamKey>> activeTeamKey() {
        return pool.query("SELECT key_id, public_key FROM team_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1")
                .execute()
                .map(rs -> rs.size() == 0 ? Optional.<TeamKey>empty()
                        : Optional.of(new TeamKey(rs.iterator().next().getString(0), rs.iterator().next().getBuffer(1).getBytes())));
    }

    public Future<Optional<PendingSetup>> pendingSetup(SqlClient client) {
        return client.query("SELECT team_key_id, sealed_team_key FROM pending_setup WHERE id = 1").execute()
                .map(rs -> rs.size() == 0 ? Optional.<PendingSetup>empty()
                        : Optional.of(new PendingSetup(rs.iterator().next().getString(0), rs.iterator().next().getBuffer(1).getBytes())));
    }

    /** Records a new team key and its pending setup (first start). */
    public Future<Void> createTeamKeyWithSetup(SqlClient tx, TeamKey key, byte[] sealedUnderSetupCode) {
        return tx.preparedQuery("INSERT INTO team_keys (key_id, public_key) VALUES ($1, $2)")
                .execute(Tuple.of(key.keyId(), Buffer.buffer(key.publicKey())))
                .compose(v -> tx.preparedQuery("INSERT INTO pending_setup (id, team_key_id, sealed_team_key) VALUES (1, $1, $2)")
                        .execute(Tuple.of(key.keyId(), Buffer.buffer(sealedUnderSetupCode))))
                .mapEmpty();
    }

    /** Creates the first administrator and ends the pending setup; false if setup was already done. */
    public Future<Boolean> completeSetup(SqlClient tx, String username, String passphraseHash, String teamKeyId,
                                         byte[] sealedTeamKey) {
        return tx.query("DELETE FROM pending_setup WHERE id = 1").execute().compose(rs -> {
            if (rs.rowCount() != 1) {
                return Future.succeededFuture(false);
            }
            return tx.preparedQuery("INSERT INTO accounts (username, role, passphrase_hash, team_key_id, sealed_team_key)"
                            + " VALUES ($1, 'admin', $2, $3, $4)")
                    .execute(Tuple.of(username, passphraseHash, teamKeyId, Buffer.buffer(sealedTeamKey)))
                    .map(r -> true);
        });
    }

    private static Account account(Row r) {
        Buffer sealed = r.getBuffer("sealed_team_key");
        return new Account(r.getLong("id"), r.getString("username"), r.getString("role"), r.getString("passphrase_hash"),
                r.getString("team_key_id"), sealed == null ? null : sealed.getBytes());
    }
}
