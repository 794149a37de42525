package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The enabled accounts as an administrator lists them: who, what role and groups, and whether the
 * keys are in place. Never a passphrase hash, a key or a second-factor secret.
 */
public final class AccountRoster {
    /**
     * One account. {@code personalKey}: it has a personal key pair; {@code keyGrant}: it holds a
     * grant of the key its role opens, the current team key (administrators, and coordinators from
     * before group keys), the intake group's current key (coordinators, who hold their groups'
     * keys) or its agency's current key (agency workers); {@code passphraseOneTime}: its passphrase
     * is still the one an administrator set.
     */
    public record Entry(
            long id,
            String username,
            String role,
            List<String> groups,
            Long agencyId,
            OffsetDateTime createdAt,
            boolean personalKey,
            boolean keyGrant,
            boolean secondFactor,
            boolean passphraseOneTime) {}

    private final Db pool;

    public AccountRoster(Pool pool) {
        this(Db.of(pool));
    }

    /** The roster on {@code db}. */
    public AccountRoster(Db pool) {
        this.pool = pool;
    }

    /** Every enabled account, oldest first. */
    public Future<List<Entry>> list() {
        return pool.query(
                        "SELECT a.id, a.username, a.role,"
                                + " coalesce((SELECT array_agg(g.group_id ORDER BY g.group_id) FROM account_groups g WHERE g.account_id = a.id),"
                                + " '{}'::text[]) AS groups, a.agency_id, a.created_at,"
                                + " a.public_key IS NOT NULL AND a.sealed_private_key IS NOT NULL AS personal_key,"
                                + " CASE WHEN a.role = 'agency' THEN EXISTS (SELECT 1 FROM agency_key_grants g JOIN agencies ag ON ag.key_id = g.key_id"
                                + " WHERE g.account_id = a.id AND ag.id = a.agency_id)"
                                + " WHEN a.role = 'coordinator' AND NOT EXISTS (SELECT 1 FROM team_key_grants t WHERE t.account_id = a.id)"
                                + " THEN EXISTS (SELECT 1 FROM group_key_grants g JOIN group_keys k ON k.key_id = g.key_id"
                                + " WHERE g.account_id = a.id AND k.retired_at IS NULL AND k.group_id = 'intake')"
                                + " ELSE EXISTS (SELECT 1 FROM team_key_grants t JOIN team_keys k ON k.key_id = t.key_id"
                                + " WHERE t.account_id = a.id AND k.retired_at IS NULL) END AS key_grant,"
                                + " a.totp_enabled_at IS NOT NULL AS second_factor, a.passphrase_one_time"
                                + " FROM accounts a WHERE a.disabled_at IS NULL ORDER BY a.id")
                .execute()
                .map(
                        rs -> {
                            List<Entry> out = new ArrayList<>();
                            for (Row r : rs) {
                                String[] groups = r.getArrayOfStrings("groups");
                                out.add(
                                        new Entry(
                                                r.getLong("id"),
                                                r.getString("username"),
                                                r.getString("role"),
                                                groups == null ? List.of() : List.of(groups),
                                                r.getLong("agency_id"),
                                                r.getOffsetDateTime("created_at"),
                                                r.getBoolean("personal_key"),
                                                r.getBoolean("key_grant"),
                                                r.getBoolean("second_factor"),
                                                r.getBoolean("passphrase_one_time")));
                            }
                            return out;
                        });
    }

    /** Whether an account, enabled or removed, has this username (usernames are never reused). */
    public Future<Boolean> usernameTaken(String username) {
        return pool.preparedQuery("SELECT 1 FROM accounts WHERE username = $1")
                .execute(Tuple.of(username))
                .map(rs -> rs.size() > 0);
    }

    /** Whether an agency has this id. */
    public Future<Boolean> agencyExists(long agencyId) {
        return pool.preparedQuery("SELECT 1 FROM agencies WHERE id = $1")
                .execute(Tuple.of(agencyId))
                .map(rs -> rs.size() > 0);
    }
}
