package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Agencies, their recipient keys (public half, private half sealed to the team key) and their
 * workers' grants.
 */
public final class AgencyStore {

    /** An agency as the team page lists it; {@code keyId} is null until it has a key. */
    public record Agency(long id, String name, String referralCode, String keyId) {}

    /**
     * An agency's key as stored: its private half sealed to team key {@code teamKeyId} (all null
     * without a key), with its referral code and the signature of its key record.
     */
    public record SealedKey(
            long agencyId,
            String keyId,
            byte[] publicKey,
            String teamKeyId,
            byte[] sealed,
            String referralCode,
            String signer,
            byte[] signature) {
        public boolean exists() {
            return keyId != null;
        }

        /** The key record as verification reads it. */
        public KeyRecordStore.AgencyKeyRow record() {
            return new KeyRecordStore.AgencyKeyRow(
                    agencyId, referralCode, keyId, publicKey, signer, signature);
        }
    }

    private static final String KEY_COLUMNS =
            "id, key_id, public_key, team_key_id, sealed_private_key, referral_code, key_signer,"
                    + " key_signature";

    private final Db pool;

    public AgencyStore(Pool pool) {
        this(Db.of(pool));
    }

    /** A store on {@code db}. */
    public AgencyStore(Db pool) {
        this.pool = pool;
    }

    /** The database, for transactions spanning several stores. */
    public Db db() {
        return pool;
    }

    /** Every agency, by name. */
    public Future<List<Agency>> list() {
        return pool.query("SELECT id, name, referral_code, key_id FROM agencies ORDER BY name")
                .execute()
                .map(
                        rs -> {
                            List<Agency> out = new ArrayList<>();
                            rs.forEach(
                                    r ->
                                            out.add(
                                                    new Agency(
                                                            r.getLong(0),
                                                            r.getString(1),
                                                            r.getString(2),
                                                            r.getString(3))));
                            return out;
                        });
    }

    /** Adds an agency (without a key yet); its id. */
    public Future<Long> create(Db tx, String name, String referralCode) {
        return tx.preparedQuery(
                        "INSERT INTO agencies (name, referral_code) VALUES ($1, $2) RETURNING id")
                .execute(Tuple.of(name, referralCode))
                .map(rs -> rs.iterator().next().getLong(0));
    }

    /**
     * Locks one agency's row (key changes wait on it) and reads its key; empty if there is no such
     * agency.
     */
    public Future<Optional<SealedKey>> lockKey(Db tx, long agencyId) {
        return tx.preparedQuery("SELECT " + KEY_COLUMNS + " FROM agencies WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(agencyId))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<SealedKey>empty()
                                        : Optional.of(sealedKey(rs.iterator().next())));
    }

    /**
     * Stores an agency's (new) key; its record is signed next ({@code keys.KeySigning}), in the
     * same transaction.
     */
    public Future<Void> setKey(
            Db tx, long agencyId, String keyId, byte[] publicKey, String teamKeyId, byte[] sealed) {
        return tx.preparedQuery(
                        "UPDATE agencies SET key_id = $2, public_key = $3, team_key_id = $4, sealed_private_key = $5,"
                                + " key_signer = NULL, key_signature = NULL WHERE id = $1")
                .execute(
                        Tuple.of(
                                agencyId,
                                keyId,
                                Buffer.buffer(publicKey),
                                teamKeyId,
                                Buffer.buffer(sealed)))
                .mapEmpty();
    }

    /** The agency keys sealed to one team key (for its rotation). */
    public Future<List<SealedKey>> sealedTo(Db tx, String teamKeyId) {
        return tx.preparedQuery(
                        "SELECT "
                                + KEY_COLUMNS
                                + " FROM agencies WHERE team_key_id = $1 ORDER BY id FOR NO KEY UPDATE")
                .execute(Tuple.of(teamKeyId))
                .map(
                        rs -> {
                            List<SealedKey> out = new ArrayList<>();
                            rs.forEach(r -> out.add(sealedKey(r)));
                            return out;
                        });
    }

    /** Grants an agency key to one worker. */
    public Future<Void> insertGrant(Db tx, long accountId, String keyId, byte[] sealed) {
        return tx.preparedQuery(
                        "INSERT INTO agency_key_grants (account_id, key_id, sealed) VALUES ($1, $2, $3)")
                .execute(Tuple.of(accountId, keyId, Buffer.buffer(sealed)))
                .mapEmpty();
    }

    /**
     * Grants a (new) agency key to several workers, in one batch (a rotation); nothing to do for
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
                        "INSERT INTO agency_key_grants (account_id, key_id, sealed) VALUES ($1, $2, $3)")
                .executeBatch(rows)
                .mapEmpty();
    }

    /** Withdraws every grant of agency key {@code keyId} (its rotation). */
    public Future<Void> withdrawGrants(Db tx, String keyId) {
        return tx.preparedQuery("DELETE FROM agency_key_grants WHERE key_id = $1")
                .execute(Tuple.of(keyId))
                .mapEmpty();
    }

    /**
     * Points the cases shared with the agency under key {@code oldKeyId} at its new key {@code
     * newKeyId} (its rotation).
     */
    public Future<Void> moveCasesToKey(Db tx, String oldKeyId, String newKeyId) {
        return tx.preparedQuery("UPDATE cases SET agency_key_id = $2 WHERE agency_key_id = $1")
                .execute(Tuple.of(oldKeyId, newKeyId))
                .mapEmpty();
    }

    /**
     * An agency's private key sealed anew, to team key {@code teamKeyId} (the team key's rotation).
     */
    public record ResealedKey(long agencyId, byte[] sealed, String teamKeyId) {}

    /**
     * Stores the agency keys sealed to the new team key, in one batch (its rotation); nothing to do
     * for none.
     */
    public Future<Void> resealKeys(Db tx, List<ResealedKey> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(keys.size());
        for (ResealedKey k : keys) {
            rows.add(Tuple.of(k.agencyId(), Buffer.buffer(k.sealed()), k.teamKeyId()));
        }
        return tx.preparedQuery(
                        "UPDATE agencies SET sealed_private_key = $2, team_key_id = $3 WHERE id = $1")
                .executeBatch(rows)
                .mapEmpty();
    }

    private static SealedKey sealedKey(Row r) {
        Buffer pub = r.getBuffer("public_key");
        Buffer sealed = r.getBuffer("sealed_private_key");
        Buffer signature = r.getBuffer("key_signature");
        return new SealedKey(
                r.getLong("id"),
                r.getString("key_id"),
                pub == null ? null : pub.getBytes(),
                r.getString("team_key_id"),
                sealed == null ? null : sealed.getBytes(),
                r.getString("referral_code"),
                r.getString("key_signer"),
                signature == null ? null : signature.getBytes());
    }
}
