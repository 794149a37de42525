package org.haven.gateway.keys;

import io.vertx.pgclient.PgException;

/**
 * Tells the database's refusal to seal to a retired team key (SQLSTATE {@code HVK01}, raised by
 * the {@code entry_keys_active_key} trigger) from any other failure.
 */
final class RetiredKey {
    /** The SQLSTATE of the refusal (migration V16). */
    static final String SQLSTATE = "HVK01";

    private RetiredKey() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && SQLSTATE.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }
}
