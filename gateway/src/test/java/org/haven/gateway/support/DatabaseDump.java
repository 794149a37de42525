package org.haven.gateway.support;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Dumps every row of every table in the public schema as text (bytea shown as hex), like a plain
 * pg_dump.
 */
public final class DatabaseDump {
    private DatabaseDump() {}

    public static String dump(PgConnectOptions o) throws Exception {
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        StringBuilder out = new StringBuilder();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                out.append("-- ").append(t).append('\n');
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM \"" + t + "\" t")) {
                    while (rs.next()) {
                        out.append(rs.getString(1)).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }

    /**
     * Runs a query and returns its rows as text (bytea as hex), for assertions on what is stored.
     */
    public static List<List<String>> query(PgConnectOptions o, String sql) throws Exception {
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        List<List<String>> rows = new ArrayList<>();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Runs statements that return no rows (a test's own trigger, say). */
    public static void execute(PgConnectOptions o, String sql) throws Exception {
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** How a string's UTF-8 bytes look inside a bytea's hex text. */
    public static String hexOf(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
