package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Appends who did what to which case. Holds identifiers and action names only. */
public final class AuditLog {

    private final SqlClient client;

    public AuditLog(SqlClient client) {
        this.client = client;
    }

    public Future<Void> record(String actor, String action, UUID caseId) {
        return client.preparedQuery("INSERT INTO audit_log (actor, action, case_id) VALUES ($1, $2, $3)")
                .execute(Tuple.of(actor, action, caseId))
                .mapEmpty();
    }
}
