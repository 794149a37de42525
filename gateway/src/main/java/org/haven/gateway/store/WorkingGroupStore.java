package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The working groups accounts may belong to. The intake script names them; this table holds every
 * group a script in use ever named (the gateway adds them at start and on each upload), so that an
 * account's groups are checked by the database and a group a newer script dropped still names the
 * accounts and cases that were in it.
 */
public final class WorkingGroupStore {
    private WorkingGroupStore() {}

    /** A working group: its id and its name in English. */
    public record Group(String id, String name) {}

    /** Adds the groups not in the table yet; a group already there keeps its name. */
    public static Future<Void> ensure(Db db, List<Group> groups) {
        if (groups.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>();
        for (Group g : groups) {
            rows.add(Tuple.of(g.id(), g.name()));
        }
        return db.preparedQuery(
                        "INSERT INTO working_groups (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                .executeBatch(rows)
                .mapEmpty();
    }

    /** The ids of every group in the table, by id. */
    public static Future<List<String>> ids(Db db) {
        return db.query("SELECT id FROM working_groups ORDER BY id")
                .execute()
                .map(
                        rs -> {
                            List<String> ids = new ArrayList<>();
                            for (Row r : rs) {
                                ids.add(r.getString(0));
                            }
                            return ids;
                        });
    }
}
