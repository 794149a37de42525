package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;

/**
 * Database-wide figures for the metrics: the same for every gateway, so one of them reports them.
 * Counts only: nothing a figure holds names a person or a case.
 */
public final class DatabaseFigures {
    private DatabaseFigures() {}

    /** Messages waiting in the outbox, and the age in seconds of the oldest one that can go now. */
    public record Outbox(long pending, double oldestSeconds) {}

    /** Open cases of one status in one working group ({@code any}: none yet). */
    public record Queue(String status, String workingGroup, long cases) {}

    /**
     * The outbox now. A message waiting for its recipient (their web chat closed), and what queues
     * behind it, may wait for days by design: its age says nothing about delivery, and the oldest
     * age leaves it out.
     */
    public static Future<Outbox> outbox(Db db) {
        return db.query(
                        "SELECT count(*), coalesce(extract(epoch FROM now() - min(o.created_at)"
                                + " FILTER (WHERE NOT EXISTS (SELECT 1 FROM outbox w WHERE w.conversation_id = o.conversation_id"
                                + " AND w.status = 'pending' AND w.waiting_since IS NOT NULL))), 0)"
                                + " FROM outbox o WHERE o.status = 'pending'")
                .execute()
                .map(
                        rs -> {
                            Row r = rs.iterator().next();
                            return new Outbox(r.getLong(0), r.getNumeric(1).doubleValue());
                        });
    }

    /** The open cases, by status and working group. */
    public static Future<List<Queue>> queues(Db db) {
        return db.query(
                        "SELECT status, coalesce(working_group, 'any'), count(*) FROM cases WHERE status <> 'closed'"
                                + " GROUP BY status, working_group")
                .execute()
                .map(
                        rs -> {
                            List<Queue> queues = new ArrayList<>();
                            for (Row r : rs) {
                                queues.add(new Queue(r.getString(0), r.getString(1), r.getLong(2)));
                            }
                            return queues;
                        });
    }
}
