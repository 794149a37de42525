package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Working-group keys ({@code group_keys}), their grants to coordinators ({@code group_key_grants}),
 * and the entry keys of one case as a move between groups re-seals them (migration V31,
 * docs/crypto.md "Group keys").
 */
public final class GroupKeyStore {
    /** The group of cases that have none yet; every coordinator holds its key. */
    public static final String INTAKE = "intake";

    /**
     * Not a group of cases: the key every coordinator and administrator holds to sign case exports
     * (its OpenPGP signing key is derived from it), managed like a group key.
     */
    public static final String EXPORT = "export";

    /**
     * A group key as stored: the private half sealed to team key {@code teamKeyId}, the record
     * signed by {@code signer}.
     */
    public record GroupKeyRow(
            String groupId,
            String keyId,
            byte[] publicKey,
            String teamKeyId,
            byte[] sealed,
            String signer,
            byte[] signature) {}

    /** One entry data key of a case, with the recipient key it is sealed to. */
    public record CaseEntryKey(int seq, String kind, String keyId, byte[] sealedKey) {}

    private static final String COLUMNS =
            "group_id, key_id, public_key, team_key_id, sealed_private_key, key_signer, key_signature";

    private GroupKeyStore() {}

    /** The group whose key seals a case's entries: its working group, or {@link #INTAKE}. */
    public static String keyGroup(String workingGroup) {
        return workingGroup == null ? INTAKE : workingGroup;
    }

    /** The current (not retired) key of group {@code groupId}, if it has one. */
    public static Future<Optional<GroupKeyRow>> current(Db db, String groupId) {
        return db.preparedQuery(
                        "SELECT "
                                + COLUMNS
                                + " FROM group_keys WHERE group_id = $1 AND retired_at IS NULL")
                .execute(Tuple.of(groupId))
                .map(rs -> rows(rs).stream().findFirst());
    }

    /** The same, locking the row until the transaction ends (a grant or a rotation). */
    public static Future<Optional<GroupKeyRow>> lockCurrent(Db tx, String groupId) {
        return tx.preparedQuery(
                        "SELECT "
                                + COLUMNS
                                + " FROM group_keys WHERE group_id = $1 AND retired_at IS NULL FOR UPDATE")
                .execute(Tuple.of(groupId))
                .map(rs -> rows(rs).stream().findFirst());
    }

    /** Every current group key. */
    public static Future<List<GroupKeyRow>> currentAll(Db db) {
        return db.query(
                        "SELECT "
                                + COLUMNS
                                + " FROM group_keys WHERE retired_at IS NULL ORDER BY group_id")
                .execute()
                .map(GroupKeyStore::rows);
    }

    /** The current group keys whose private halves are sealed to team key {@code teamKeyId}. */
    public static Future<List<GroupKeyRow>> sealedToTeam(Db tx, String teamKeyId) {
        return tx.preparedQuery(
                        "SELECT "
                                + COLUMNS
                                + " FROM group_keys WHERE team_key_id = $1 AND retired_at IS NULL")
                .execute(Tuple.of(teamKeyId))
                .map(GroupKeyStore::rows);
    }

    /** Stores a new current key for its group. */
    public static Future<Void> insert(Db tx, GroupKeyRow k) {
        return tx.preparedQuery(
                        "INSERT INTO group_keys ("
                                + COLUMNS
                                + ") VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(
                        Tuple.of(
                                k.groupId(),
                                k.keyId(),
                                Buffer.buffer(k.publicKey()),
                                k.teamKeyId(),
                                Buffer.buffer(k.sealed()),
                                k.signer(),
                                Buffer.buffer(k.signature())))
                .mapEmpty();
    }

    /** Re-seals a group key's private half to another team key (a team key rotation). */
    public static Future<Void> reseal(Db tx, String keyId, byte[] sealed, String teamKeyId) {
        return tx.preparedQuery(
                        "UPDATE group_keys SET sealed_private_key = $2, team_key_id = $3 WHERE key_id = $1")
                .execute(Tuple.of(keyId, Buffer.buffer(sealed), teamKeyId))
                .mapEmpty();
    }

    /** Retires group key {@code keyId} and withdraws its grants (its group's key rotated). */
    public static Future<Void> retire(Db tx, String keyId) {
        return tx.preparedQuery("DELETE FROM group_key_grants WHERE key_id = $1")
                .execute(Tuple.of(keyId))
                .compose(
                        v ->
                                tx.preparedQuery(
                                                "UPDATE group_keys SET retired_at = now(), sealed_private_key = ''::bytea"
                                                        + " WHERE key_id = $1")
                                        .execute(Tuple.of(keyId)))
                .mapEmpty();
    }

    /**
     * A grant of a group key to one coordinator with the administrator's signature over the
     * membership it stands for ({@code KeyRecords.groupMember}; both null on a grant from before
     * V35).
     */
    public record MemberGrant(
            long accountId, String keyId, byte[] sealed, String signer, byte[] signature) {}

    /** Stores grants of group keys (an existing grant of the same key is replaced). */
    public static Future<Void> insertGrants(Db tx, List<MemberGrant> grants) {
        if (grants.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(grants.size());
        for (MemberGrant g : grants) {
            rows.add(
                    Tuple.of(
                            g.accountId(),
                            g.keyId(),
                            Buffer.buffer(g.sealed()),
                            g.signer(),
                            Buffer.buffer(g.signature())));
        }
        return tx.preparedQuery(
                        "INSERT INTO group_key_grants (account_id, key_id, sealed, member_signer, member_signature)"
                                + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, key_id) DO UPDATE"
                                + " SET sealed = EXCLUDED.sealed, member_signer = EXCLUDED.member_signer,"
                                + " member_signature = EXCLUDED.member_signature")
                .executeBatch(rows)
                .mapEmpty();
    }

    /** Every grant of group key {@code keyId}, with its membership signature (a rotation's). */
    public static Future<List<MemberGrant>> grantsOf(Db tx, String keyId) {
        return tx.preparedQuery(
                        "SELECT account_id, key_id, sealed, member_signer, member_signature"
                                + " FROM group_key_grants WHERE key_id = $1 ORDER BY account_id")
                .execute(Tuple.of(keyId))
                .map(
                        rs -> {
                            List<MemberGrant> out = new ArrayList<>();
                            for (Row r : rs) {
                                Buffer signature = r.getBuffer(4);
                                out.add(
                                        new MemberGrant(
                                                r.getLong(0),
                                                r.getString(1),
                                                r.getBuffer(2).getBytes(),
                                                r.getString(3),
                                                signature == null ? null : signature.getBytes()));
                            }
                            return out;
                        });
    }

    /** A grant of a group's current key, with the group (the Team page checks each). */
    public record HeldGrant(String groupId, MemberGrant grant) {}

    /** Every grant of a current group key. */
    public static Future<List<HeldGrant>> currentGrants(Db db) {
        return db.query(
                        "SELECT k.group_id, g.account_id, g.key_id, g.sealed, g.member_signer, g.member_signature"
                                + " FROM group_key_grants g JOIN group_keys k ON k.key_id = g.key_id"
                                + " WHERE k.retired_at IS NULL ORDER BY g.account_id, k.group_id")
                .execute()
                .map(
                        rs -> {
                            List<HeldGrant> out = new ArrayList<>();
                            for (Row r : rs) {
                                Buffer signature = r.getBuffer(5);
                                out.add(
                                        new HeldGrant(
                                                r.getString(0),
                                                new MemberGrant(
                                                        r.getLong(1),
                                                        r.getString(2),
                                                        r.getBuffer(3).getBytes(),
                                                        r.getString(4),
                                                        signature == null
                                                                ? null
                                                                : signature.getBytes())));
                            }
                            return out;
                        });
    }

    /**
     * Adds an account to a working group ({@code account_groups}); false when it was a member
     * already.
     */
    public static Future<Boolean> addMember(Db tx, long accountId, String groupId) {
        return tx.preparedQuery(
                        "INSERT INTO account_groups (account_id, group_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(accountId, groupId))
                .map(rs -> rs.rowCount() == 1);
    }

    /**
     * Removes an account from a working group and withdraws its grants of the group's keys; false
     * when it was not a member.
     */
    public static Future<Boolean> removeMember(Db tx, long accountId, String groupId) {
        return tx.preparedQuery(
                        "DELETE FROM group_key_grants WHERE account_id = $1"
                                + " AND key_id IN (SELECT key_id FROM group_keys WHERE group_id = $2)")
                .execute(Tuple.of(accountId, groupId))
                .compose(
                        v ->
                                tx.preparedQuery(
                                                "DELETE FROM account_groups WHERE account_id = $1 AND group_id = $2")
                                        .execute(Tuple.of(accountId, groupId)))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Withdraws every group key grant of one account (its removal). */
    public static Future<Void> withdrawGrantsOf(Db tx, long accountId) {
        return tx.preparedQuery("DELETE FROM group_key_grants WHERE account_id = $1")
                .execute(Tuple.of(accountId))
                .mapEmpty();
    }

    /** A group key grant of an account: which group, which key, and the grant. */
    public record Grant(String groupId, String keyId, byte[] sealed) {}

    /** The account's grants of current group keys (its login opens them). */
    public static Future<List<Grant>> grants(Db db, long accountId) {
        return db.preparedQuery(
                        "SELECT k.group_id, g.key_id, g.sealed FROM group_key_grants g JOIN group_keys k"
                                + " ON k.key_id = g.key_id WHERE g.account_id = $1 AND k.retired_at IS NULL"
                                + " ORDER BY k.group_id")
                .execute(Tuple.of(accountId))
                .map(
                        rs -> {
                            List<Grant> out = new ArrayList<>();
                            for (Row r : rs) {
                                out.add(
                                        new Grant(
                                                r.getString(0),
                                                r.getString(1),
                                                r.getBuffer(2).getBytes()));
                            }
                            return out;
                        });
    }

    /**
     * The groups whose keys a coordinator holds: its working groups and the intake group, those
     * that have a key (what its removal rotates; read after its grants were withdrawn).
     */
    public static Future<List<String>> groupsHeldBy(Db db, long accountId) {
        return db.preparedQuery(
                        "SELECT k.group_id FROM group_keys k WHERE k.retired_at IS NULL AND (k.group_id IN ('"
                                + INTAKE
                                + "', '"
                                + EXPORT
                                + "') OR k.group_id IN (SELECT group_id FROM account_groups WHERE account_id = $1))"
                                + " ORDER BY k.group_id")
                .execute(Tuple.of(accountId))
                .map(
                        rs -> {
                            List<String> out = new ArrayList<>();
                            rs.forEach(r -> out.add(r.getString(0)));
                            return out;
                        });
    }

    /** The working groups of an account ({@code account_groups}). */
    public static Future<List<String>> groupsOf(Db db, long accountId) {
        return db.preparedQuery(
                        "SELECT group_id FROM account_groups WHERE account_id = $1 ORDER BY group_id")
                .execute(Tuple.of(accountId))
                .map(
                        rs -> {
                            List<String> out = new ArrayList<>();
                            rs.forEach(r -> out.add(r.getString(0)));
                            return out;
                        });
    }

    /**
     * The enabled coordinators of group {@code groupId} (of {@link #INTAKE} and {@link #EXPORT}:
     * every enabled coordinator): who hold its key.
     */
    public static Future<List<Long>> members(Db db, String groupId) {
        String sql =
                INTAKE.equals(groupId) || EXPORT.equals(groupId)
                        ? "SELECT id FROM accounts WHERE role = 'coordinator' AND disabled_at IS NULL"
                                + " AND $1::text IS NOT NULL ORDER BY id"
                        : "SELECT a.id FROM accounts a JOIN account_groups g ON g.account_id = a.id"
                                + " WHERE a.role = 'coordinator' AND a.disabled_at IS NULL AND g.group_id = $1"
                                + " ORDER BY a.id";
        return db.preparedQuery(sql)
                .execute(Tuple.of(groupId))
                .map(
                        rs -> {
                            List<Long> out = new ArrayList<>();
                            rs.forEach(r -> out.add(r.getLong(0)));
                            return out;
                        });
    }

    /** A case's working group, locking the case row; empty when there is no such case. */
    public static Future<Optional<Optional<String>>> lockCaseGroup(Db tx, UUID caseId) {
        return tx.preparedQuery("SELECT working_group FROM cases WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(caseId))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.empty()
                                        : Optional.of(
                                                Optional.ofNullable(
                                                        rs.iterator().next().getString(0))));
    }

    /**
     * A case's working group (empty: none yet, or no such case), locked against a move until the
     * transaction ends ({@code FOR KEY SHARE}: other writers of the case do not wait).
     */
    public static Future<Optional<String>> caseGroup(Db db, UUID caseId) {
        return db.preparedQuery("SELECT working_group FROM cases WHERE id = $1 FOR KEY SHARE")
                .execute(Tuple.of(caseId))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.empty()
                                        : Optional.ofNullable(rs.iterator().next().getString(0)));
    }

    /** Moves a case to another working group (its entry keys are re-sealed by the caller). */
    public static Future<Void> setCaseGroup(Db tx, UUID caseId, String workingGroup) {
        return tx.preparedQuery(
                        "UPDATE cases SET working_group = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(caseId, workingGroup))
                .mapEmpty();
    }

    /** Every entry data key of a case, with its recipient key id and the entry's kind. */
    public static Future<List<CaseEntryKey>> caseEntryKeys(Db tx, UUID caseId) {
        return tx.preparedQuery(
                        "SELECT k.seq, e.kind, k.key_id, k.sealed_key FROM entry_keys k JOIN case_entries e"
                                + " ON e.case_id = k.case_id AND e.seq = k.seq WHERE k.case_id = $1 ORDER BY k.seq")
                .execute(Tuple.of(caseId))
                .map(
                        rs -> {
                            List<CaseEntryKey> out = new ArrayList<>();
                            for (Row r : rs) {
                                out.add(
                                        new CaseEntryKey(
                                                r.getInteger(0),
                                                r.getString(1),
                                                r.getString(2),
                                                r.getBuffer(3).getBytes()));
                            }
                            return out;
                        });
    }

    /** Deletes a case's entry keys sealed to any of {@code keyIds}. */
    public static Future<Void> deleteCaseEntryKeys(Db tx, UUID caseId, List<String> keyIds) {
        if (keyIds.isEmpty()) {
            return Future.succeededFuture();
        }
        return tx.preparedQuery("DELETE FROM entry_keys WHERE case_id = $1 AND key_id = ANY($2)")
                .execute(
                        Tuple.tuple()
                                .addUUID(caseId)
                                .addArrayOfString(keyIds.toArray(new String[0])))
                .mapEmpty();
    }

    /** Inserts entry keys (one batch). */
    public static Future<Void> insertEntryKeys(Db tx, List<EntryKeyStore.EntryKey> keys) {
        if (keys.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>(keys.size());
        for (EntryKeyStore.EntryKey k : keys) {
            rows.add(Tuple.of(k.caseId(), k.seq(), k.keyId(), Buffer.buffer(k.sealedKey())));
        }
        return tx.preparedQuery(
                        "INSERT INTO entry_keys (case_id, seq, key_id, sealed_key) VALUES ($1, $2, $3, $4)"
                                + " ON CONFLICT DO NOTHING")
                .executeBatch(rows)
                .mapEmpty();
    }

    /**
     * Entry data keys sealed to team key {@code teamKeyId} whose case belongs to group {@code
     * groupId} ({@link #INTAKE}: no group) but that have no wrap to group key {@code groupKeyId}:
     * entries sealed before the group had a key (an installation from before group keys).
     */
    public static Future<List<EntryKeyStore.Wrapped>> missingGroupWraps(
            Db tx, String teamKeyId, String groupId, String groupKeyId) {
        return tx.preparedQuery(
                        "SELECT k.case_id, k.seq, e.kind, k.sealed_key FROM entry_keys k"
                                + " JOIN case_entries e ON e.case_id = k.case_id AND e.seq = k.seq"
                                + " JOIN cases c ON c.id = k.case_id"
                                + " WHERE k.key_id = $1 AND COALESCE(c.working_group, '"
                                + INTAKE
                                + "') = $2"
                                + " AND NOT EXISTS (SELECT 1 FROM entry_keys g WHERE g.case_id = k.case_id"
                                + " AND g.seq = k.seq AND g.key_id = $3)")
                .execute(Tuple.of(teamKeyId, groupId, groupKeyId))
                .map(
                        rs -> {
                            List<EntryKeyStore.Wrapped> out = new ArrayList<>();
                            for (Row r : rs) {
                                out.add(
                                        new EntryKeyStore.Wrapped(
                                                r.getUUID(0),
                                                r.getInteger(1),
                                                r.getString(2),
                                                r.getBuffer(3).getBytes()));
                            }
                            return out;
                        });
    }

    private static List<GroupKeyRow> rows(RowSet<Row> rs) {
        List<GroupKeyRow> out = new ArrayList<>();
        for (Row r : rs) {
            out.add(
                    new GroupKeyRow(
                            r.getString(0),
                            r.getString(1),
                            r.getBuffer(2).getBytes(),
                            r.getString(3),
                            r.getBuffer(4).getBytes(),
                            r.getString(5),
                            r.getBuffer(6).getBytes()));
        }
        return out;
    }
}
