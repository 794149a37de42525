package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/**
 * The figures the dashboard shows, computed in the database as aggregates only: counts per week,
 * channel, triage outcome and working group, and reply-time percentiles. Nothing here can identify
 * a person.
 */
public final class DashboardStats {
    private final Db db;

    public DashboardStats(Db db) {
        this.db = db;
    }

    /** All four series as one JSON document. */
    public Future<JsonObject> load() {
        Future<JsonArray> weekly =
                rows(
                        "SELECT to_char(date_trunc('week', created_at), 'YYYY-MM-DD') AS week, channel,"
                                + " count(*) AS n FROM cases WHERE created_at > now() - interval '12 weeks' GROUP BY 1, 2 ORDER BY 1, 2");
        Future<JsonArray> triage =
                rows("SELECT triage, count(*) AS n FROM cases GROUP BY 1 ORDER BY 1");
        Future<JsonArray> replies =
                rows(
                        "SELECT to_char(date_trunc('week', created_at), 'YYYY-MM-DD') AS week,"
                                + " round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - created_at)) / 3600)::numeric, 1) AS p50,"
                                + " round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM first_reply_at - created_at)) / 3600)::numeric, 1) AS p90,"
                                + " count(*) AS n FROM cases WHERE first_reply_at IS NOT NULL AND created_at > now() - interval '12 weeks'"
                                + " GROUP BY 1 ORDER BY 1");
        Future<JsonArray> open =
                rows(
                        "SELECT coalesce(working_group, 'any') AS working_group, count(*) FILTER (WHERE status = 'queued') AS queued,"
                                + " count(*) FILTER (WHERE status IN ('claimed', 'waiting')) AS in_progress, count(*) FILTER (WHERE urgent) AS urgent"
                                + " FROM cases WHERE status <> 'closed' GROUP BY 1 ORDER BY 1");
        return Future.all(weekly, triage, replies, open)
                .map(
                        cf ->
                                new JsonObject()
                                        .put("weekly", weekly.result())
                                        .put("triage", triage.result())
                                        .put("replies", replies.result())
                                        .put("open", open.result()));
    }

    private Future<JsonArray> rows(String sql) {
        return db.query(sql)
                .execute()
                .map(
                        rs -> {
                            JsonArray out = new JsonArray();
                            for (Row r : rs) {
                                JsonObject o = new JsonObject();
                                for (int i = 0; i < r.size(); i++) {
                                    Object v = r.getValue(i);
                                    o.put(
                                            r.getColumnName(i),
                                            v instanceof Number n
                                                    ? (Object) n.doubleValue()
                                                    : v == null ? null : v.toString());
                                }
                                out.add(o);
                            }
                            return out;
                        });
    }
}
