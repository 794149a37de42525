package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

/**
 * One account's choices about how the inbox shows things to them, which they change themselves on
 * the Settings page. For now: whether the answers the intake marks sensitive are hidden behind a
 * "show" control on the case page (on by default, for the wellbeing of volunteers who read them
 * between other work).
 */
public final class AccountPreferences {
    private AccountPreferences() {}

    /** Whether the account hides sensitive answers until it asks to see them (true if unknown). */
    public static Future<Boolean> hidesSensitive(Db db, long accountId) {
        return db.preparedQuery("SELECT hide_sensitive FROM accounts WHERE id = $1")
                .execute(Tuple.of(accountId))
                .map(rs -> rs.size() == 0 || rs.iterator().next().getBoolean(0));
    }

    /** Stores whether the account hides sensitive answers. */
    public static Future<Void> hideSensitive(Db db, long accountId, boolean hide) {
        return db.preparedQuery("UPDATE accounts SET hide_sensitive = $2 WHERE id = $1")
                .execute(Tuple.of(accountId, hide))
                .mapEmpty();
    }
}
