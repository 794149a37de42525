package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The statements that delete cases (the retention purge, and an administrator deleting one case
 * from the inbox: both through {@link #deleteCases}, so a case goes with its entries, attachments
 * and keys, and with its conversation's state, outbox and history unless another case uses it) and
 * of the expiry of unfinished conversations.
 */
public final class RetentionStore {
    private RetentionStore() {}

    /** Closed cases due for deletion, locked, and the conversations they use. */
    public record Due(List<UUID> cases, Set<UUID> conversations) {
        UUID[] caseIds() {
            return cases.toArray(new UUID[0]);
        }

        UUID[] conversationIds() {
            return conversations.toArray(new UUID[0]);
        }
    }

    /** The instant {@code days} days before the database's now. */
    public static Future<OffsetDateTime> cutoff(Db tx, int days) {
        return tx.preparedQuery("SELECT now() - make_interval(days => $1)")
                .execute(Tuple.of(days))
                .map(rs -> rs.iterator().next().getOffsetDateTime(0));
    }

    /** Locks the cases closed before {@code cutoff}, for the rest of {@code tx}. */
    public static Future<Due> lockClosedBefore(Db tx, OffsetDateTime cutoff) {
        return tx.preparedQuery(
                        "SELECT id, conversation_id FROM cases WHERE status = 'closed' AND closed_at < $1 FOR UPDATE")
                .execute(Tuple.of(cutoff))
                .map(
                        rs -> {
                            List<UUID> cases = new ArrayList<>();
                            Set<UUID> conversations = new LinkedHashSet<>();
                            for (Row r : rs) {
                                cases.add(r.getUUID(0));
                                if (r.getUUID(1) != null) {
                                    conversations.add(r.getUUID(1));
                                }
                            }
                            return new Due(cases, conversations);
                        });
    }

    /** Locks one case, of any status, for the rest of {@code tx}; empty if it is not there. */
    public static Future<Due> lockCase(Db tx, UUID caseId) {
        return tx.preparedQuery("SELECT id, conversation_id FROM cases WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(caseId))
                .map(
                        rs -> {
                            List<UUID> cases = new ArrayList<>();
                            Set<UUID> conversations = new LinkedHashSet<>();
                            for (Row r : rs) {
                                cases.add(r.getUUID(0));
                                if (r.getUUID(1) != null) {
                                    conversations.add(r.getUUID(1));
                                }
                            }
                            return new Due(cases, conversations);
                        });
    }

    /** How many of the due conversations no other case uses: those a purge would delete. */
    public static Future<Integer> conversationsOnlyThese(Db tx, Due due) {
        return tx.preparedQuery(
                        "SELECT count(*) FROM conversations c WHERE c.id = ANY($1) AND NOT EXISTS"
                                + " (SELECT 1 FROM cases k WHERE k.conversation_id = c.id AND NOT (k.id = ANY($2)))")
                .execute(Tuple.tuple().addValue(due.conversationIds()).addValue(due.caseIds()))
                .map(n -> n.iterator().next().getLong(0).intValue());
    }

    /**
     * Deletes the due cases (their entries and keys by cascade), their conversations that no other
     * case uses, and the inbound de-duplication keys older than {@code cutoff}; answers how many
     * conversations went.
     */
    public static Future<Integer> delete(Db tx, Due due, OffsetDateTime cutoff) {
        return deleteCases(tx, due)
                .compose(
                        deleted ->
                                tx.preparedQuery("DELETE FROM inbound_seen WHERE seen_at < $1")
                                        .execute(Tuple.of(cutoff))
                                        .map(v -> deleted));
    }

    /**
     * Deletes the locked cases (their entries, attachments, keys and read marks by cascade) and
     * their conversations that no other case uses (the encrypted state, outbox rows and history by
     * cascade); answers how many conversations went.
     */
    public static Future<Integer> deleteCases(Db tx, Due due) {
        return tx.preparedQuery("DELETE FROM cases WHERE id = ANY($1)")
                .execute(Tuple.of((Object) due.caseIds()))
                .compose(
                        v ->
                                tx.preparedQuery(
                                                "DELETE FROM conversations c WHERE c.id = ANY($1)"
                                                        + " AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.conversation_id = c.id)")
                                        .execute(Tuple.of((Object) due.conversationIds())))
                .map(deleted -> deleted.rowCount());
    }

    /**
     * Deletes the conversations that never became a case and had no message for {@code window},
     * with all they hold (by cascade); answers how many.
     */
    public static Future<Integer> expireUnfinished(Db db, Duration window) {
        return db.preparedQuery(
                        "DELETE FROM conversations WHERE case_id IS NULL"
                                + " AND updated_at < now() - $1 * interval '1 millisecond'")
                .execute(Tuple.of(window.toMillis()))
                .map(rs -> rs.rowCount());
    }
}
