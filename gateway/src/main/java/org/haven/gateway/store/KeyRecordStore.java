package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key records as stored, with their signatures: team keys, accounts' personal keys and
 * agencies' keys. Nothing read here is trusted; {@code keys.KeyVerifier} decides what may be used.
 */
public final class KeyRecordStore {

    /** A {@code team_keys} row. */
    public record TeamKeyRow(
            String keyId,
            byte[] publicKey,
            byte[] signingKey,
            String previousKeyId,
            Long signedBy,
            byte[] previousSignature,
            byte[] adminSignature,
            boolean retired) {}

    /** An account's personal key record; {@code publicKey} null for an account without one. */
    public record AccountKeyRow(
            long id,
            String username,
            String role,
            Long agencyId,
            byte[] publicKey,
            byte[] signingKey,
            String signer,
            byte[] signature,
            boolean disabled) {}

    /** An agency's key record; {@code keyId} null for an agency without a key. */
    public record AgencyKeyRow(
            long id,
            String referralCode,
            String keyId,
            byte[] publicKey,
            String signer,
            byte[] signature) {}

    /** Every key record at one moment. */
    public record Snapshot(
            List<TeamKeyRow> team, List<AccountKeyRow> accounts, List<AgencyKeyRow> agencies) {}

    private KeyRecordStore() {}

    /** Reads every key record (in a transaction, a consistent set). */
    public static Future<Snapshot> load(Db c) {
        Future<List<TeamKeyRow>> team =
                c.query(
                                "SELECT key_id, public_key, signing_key, previous_key_id, signed_by,"
                                        + " previous_signature, admin_signature, retired_at IS NOT NULL FROM team_keys ORDER BY created_at, key_id")
                        .execute()
                        .map(
                                rs -> {
                                    List<TeamKeyRow> out = new ArrayList<>();
                                    for (Row r : rs) {
                                        out.add(
                                                new TeamKeyRow(
                                                        r.getString(0),
                                                        bytes(r, 1),
                                                        bytes(r, 2),
                                                        r.getString(3),
                                                        r.getLong(4),
                                                        bytes(r, 5),
                                                        bytes(r, 6),
                                                        r.getBoolean(7)));
                                    }
                                    return out;
                                });
        return team.compose(
                t ->
                        c.query(
                                        "SELECT id, username, role, agency_id, public_key, signing_key, key_signer, key_signature,"
                                                + " disabled_at IS NOT NULL FROM accounts ORDER BY id")
                                .execute()
                                .map(
                                        rs -> {
                                            List<AccountKeyRow> out = new ArrayList<>();
                                            for (Row r : rs) {
                                                out.add(
                                                        new AccountKeyRow(
                                                                r.getLong(0),
                                                                r.getString(1),
                                                                r.getString(2),
                                                                r.getLong(3),
                                                                bytes(r, 4),
                                                                bytes(r, 5),
                                                                r.getString(6),
                                                                bytes(r, 7),
                                                                r.getBoolean(8)));
                                            }
                                            return out;
                                        })
                                .compose(
                                        a ->
                                                c.query(
                                                                "SELECT id, referral_code, key_id, public_key, key_signer, key_signature FROM agencies"
                                                                        + " ORDER BY id")
                                                        .execute()
                                                        .map(
                                                                rs -> {
                                                                    List<AgencyKeyRow> out =
                                                                            new ArrayList<>();
                                                                    for (Row r : rs) {
                                                                        out.add(agency(r));
                                                                    }
                                                                    return new Snapshot(t, a, out);
                                                                })));
    }

    /** An agency key row from a result with the columns of {@link #load} (by name). */
    public static AgencyKeyRow agency(Row r) {
        return new AgencyKeyRow(
                r.getLong("id"),
                r.getString("referral_code"),
                r.getString("key_id"),
                bytes(r, "public_key"),
                r.getString("key_signer"),
                bytes(r, "key_signature"));
    }

    /** Inserts a team key record (first start, rotation). */
    public static Future<Void> insertTeamKey(Db tx, TeamKeyRow k) {
        return tx.preparedQuery(
                        "INSERT INTO team_keys (key_id, public_key, signing_key, previous_key_id, signed_by,"
                                + " previous_signature, admin_signature) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(
                        Tuple.tuple(
                                Arrays.asList(
                                        k.keyId(),
                                        buffer(k.publicKey()),
                                        buffer(k.signingKey()),
                                        k.previousKeyId(),
                                        k.signedBy(),
                                        buffer(k.previousSignature()),
                                        buffer(k.adminSignature()))))
                .mapEmpty();
    }

    /**
     * Sets the signing key of a team key record from before signatures (the first team key at the
     * upgrade).
     */
    public static Future<Void> setTeamSigningKey(Db tx, String keyId, byte[] signingKey) {
        return tx.preparedQuery(
                        "UPDATE team_keys SET signing_key = $2, previous_key_id = NULL, signed_by = NULL,"
                                + " previous_signature = NULL, admin_signature = NULL WHERE key_id = $1")
                .execute(Tuple.of(keyId, buffer(signingKey)))
                .mapEmpty();
    }

    /**
     * Gives team key {@code keyId} its signing key unless it has one (setup on an installation
     * upgraded before it).
     */
    public static Future<Void> giveTeamSigningKey(Db tx, String keyId, byte[] signingKey) {
        return tx.preparedQuery(
                        "UPDATE team_keys SET signing_key = $2 WHERE key_id = $1 AND signing_key IS NULL")
                .execute(Tuple.of(keyId, buffer(signingKey)))
                .mapEmpty();
    }

    /**
     * Marks team key {@code keyId} retired (its rotation): nothing is sealed to it from then on.
     */
    public static Future<Void> retireTeamKey(Db tx, String keyId) {
        return tx.preparedQuery("UPDATE team_keys SET retired_at = now() WHERE key_id = $1")
                .execute(Tuple.of(keyId))
                .mapEmpty();
    }

    /**
     * Locks {@code team_keys} until the transaction ends against changes and against another holder
     * of this lock (rows can still be read): the key records are read and signed as one set.
     */
    public static Future<Void> lockTeamKeys(Db tx) {
        return tx.query("LOCK TABLE team_keys IN SHARE ROW EXCLUSIVE MODE").execute().mapEmpty();
    }

    /** Stores an account's signed key record: its keys as signed, the signer and the signature. */
    public static Future<Void> signAccount(
            Db tx,
            long accountId,
            byte[] publicKey,
            byte[] signingKey,
            String signer,
            byte[] signature) {
        return tx.preparedQuery(
                        "UPDATE accounts SET public_key = $2, signing_key = $3, key_signer = $4, key_signature = $5"
                                + " WHERE id = $1")
                .execute(
                        Tuple.tuple(
                                Arrays.asList(
                                        accountId,
                                        buffer(publicKey),
                                        buffer(signingKey),
                                        signer,
                                        buffer(signature))))
                .mapEmpty();
    }

    /** Stores the signature of an agency's key record. */
    public static Future<Void> signAgency(Db tx, long agencyId, String signer, byte[] signature) {
        return tx.preparedQuery(
                        "UPDATE agencies SET key_signer = $2, key_signature = $3 WHERE id = $1")
                .execute(Tuple.tuple(Arrays.asList(agencyId, signer, buffer(signature))))
                .mapEmpty();
    }

    private static byte[] bytes(Row r, int i) {
        Buffer b = r.getBuffer(i);
        return b == null ? null : b.getBytes();
    }

    private static byte[] bytes(Row r, String column) {
        Buffer b = r.getBuffer(column);
        return b == null ? null : b.getBytes();
    }

    private static Buffer buffer(byte[] b) {
        return b == null ? null : Buffer.buffer(b);
    }
}
