package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.haven.gateway.store.AuditChain;

/**
 * Chains the audit entries written before the chain existed: renumbers them 1..N in their old order
 * (ids are consecutive from now on), computes their format 1 (unkeyed) hashes in Java ( {@link
 * AuditChain}) and sets the chain head.
 */
public class V11__ChainAuditLog extends BaseJavaMigration {

    private record Row(long id, OffsetDateTime at, String actor, String action, UUID caseId) {}

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE audit_log SET id = -id");
            st.executeUpdate(
                    "UPDATE audit_log a SET id = r.n FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS n"
                            + " FROM audit_log) r WHERE a.id = r.id");
        }
        List<Row> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT id, at, actor, action, case_id FROM audit_log ORDER BY id")) {
            while (rs.next()) {
                rows.add(
                        new Row(
                                rs.getLong(1),
                                rs.getObject(2, OffsetDateTime.class),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getObject(5, UUID.class)));
            }
        }
        byte[] prev = AuditChain.GENESIS;
        long last = 0;
        try (PreparedStatement up =
                c.prepareStatement("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?")) {
            for (Row r : rows) {
                byte[] hash =
                        AuditChain.unkeyedHash(
                                r.id(), r.at(), r.actor(), r.action(), r.caseId(), prev);
                up.setBytes(1, prev);
                up.setBytes(2, hash);
                up.setLong(3, r.id());
                up.executeUpdate();
                prev = hash;
                last = r.id();
            }
        }
        try (PreparedStatement head =
                c.prepareStatement(
                        "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, ?, ?)")) {
            head.setLong(1, last);
            head.setBytes(2, prev);
            head.executeUpdate();
        }
    }
}
