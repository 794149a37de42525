package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import org.haven.crypto.KeyedHash;

/**
 * Settings an administrator changes while Haven runs, stored in the database (they override the
 * configured defaults).
 */
public final class SettingsStore {
    /** How many days closed cases are kept. */
    public static final String RETENTION_DAYS = "retention_days";

    private final Db client;

    public SettingsStore(Pool pool) {
        this(Db.of(pool));
    }

    /** A store on {@code db}. */
    public SettingsStore(Db client) {
        this.client = client;
    }

    /** The stored retention period in days, if an administrator set one. */
    public Future<Optional<Integer>> retentionDays() {
        return get(RETENTION_DAYS).map(v -> v.map(Integer::valueOf));
    }

    /** Stores the retention period, and audits the change. */
    public Future<Void> setRetentionDays(String actor, int days, KeyedHash auditKey) {
        if (days < 1 || days > 36_500) {
            return Future.failedFuture(
                    new IllegalArgumentException("retention must be 1 to 36500 days"));
        }
        return client.transaction(
                tx ->
                        tx.preparedQuery(
                                        "INSERT INTO settings (key, value) VALUES ($1, $2)"
                                                + " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()")
                                .execute(Tuple.of(RETENTION_DAYS, Integer.toString(days)))
                                .compose(
                                        v ->
                                                new AuditLog(tx, auditKey)
                                                        .record(
                                                                actor,
                                                                "retention_set:" + days,
                                                                null)));
    }

    private Future<Optional<String>> get(String key) {
        return client.preparedQuery("SELECT value FROM settings WHERE key = $1")
                .execute(Tuple.of(key))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.empty()
                                        : Optional.of(rs.iterator().next().getString(0)));
    }
}
