package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How far each account has read each case: the number of the case's newest entry when the account
 * last opened it. The queue compares it with the case's newest entry to mark a case "unread" (never
 * opened by this account) or "new message" (an entry arrived since). Entry numbers only, never what
 * an entry holds; gone with the case or the account.
 */
public final class CaseReads {
    private CaseReads() {}

    /** What an account has not read of a case. */
    public enum Unread {
        /** The account never opened the case. */
        NEVER_OPENED,
        /** The case has an entry the account has not seen since it last opened it. */
        NEW_ENTRY
    }

    /**
     * Records that {@code accountId} has seen the case's entries up to {@code seq}; a later, lower
     * number (a page rendered before another) never moves it back.
     */
    public static Future<Void> seen(Db db, long accountId, UUID caseId, int seq) {
        return db.preparedQuery(
                        "INSERT INTO case_reads (account_id, case_id, seen_seq) VALUES ($1, $2, $3)"
                                + " ON CONFLICT (account_id, case_id) DO UPDATE"
                                + " SET seen_seq = greatest(case_reads.seen_seq, EXCLUDED.seen_seq),"
                                + " read_at = now()")
                .execute(Tuple.of(accountId, caseId, seq))
                .mapEmpty();
    }

    /** Of {@code ids}, the cases {@code accountId} has not read to their newest entry, and how. */
    public static Future<Map<UUID, Unread>> unread(Db db, long accountId, List<UUID> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return db.preparedQuery(
                        "SELECT e.case_id, max(e.seq) AS newest, r.seen_seq FROM case_entries e"
                                + " LEFT JOIN case_reads r ON r.case_id = e.case_id AND r.account_id = $2"
                                + " WHERE e.case_id = ANY($1) GROUP BY e.case_id, r.seen_seq")
                .execute(Tuple.of(ids.toArray(new UUID[0]), accountId))
                .map(
                        rs -> {
                            Map<UUID, Unread> out = new HashMap<>();
                            for (Row r : rs) {
                                Integer seen = r.getInteger("seen_seq");
                                if (seen == null) {
                                    out.put(r.getUUID("case_id"), Unread.NEVER_OPENED);
                                } else if (r.getInteger("newest") > seen) {
                                    out.put(r.getUUID("case_id"), Unread.NEW_ENTRY);
                                }
                            }
                            return out;
                        });
    }
}
