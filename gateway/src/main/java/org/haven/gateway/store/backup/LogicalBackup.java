package org.haven.gateway.store.backup;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.flywaydb.core.Flyway;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.Migrations;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical backup of Haven's database, and its restore, without {@code pg_dump}: every table of
 * the {@code public} schema is copied with {@code COPY … TO STDOUT} inside one read-only
 * repeatable-read transaction (one consistent snapshot), and restored with {@code COPY … FROM
 * STDIN} into a database whose schema Flyway has just created at the backup's version, in one
 * transaction: rows the migrations seeded are replaced, and the foreign keys are put back and
 * checked after the data.
 *
 * <p>Why not pg_dump: a pg_dump must be at least as new as the server, and the one at hand may not
 * be. This copy needs only the JDBC driver, works on any PostgreSQL Haven supports, and holds
 * exactly what pg_dump would (the data is ciphertext either way). Where a matching pg_dump exists,
 * {@code pg_dump --format=custom} is an equally good backup (docs/operations.md).
 *
 * <p>Layout of a backup directory: {@code manifest.json} ({@code format} 1, the Flyway schema
 * version, each table with its columns and row count) and one {@code <table>.copy.gz} per table
 * (COPY text format, gzip). The server key file and the team key passphrases are NOT in it: they
 * are kept apart, and all three are needed to read anything back.
 */
public final class LogicalBackup {
    private static final Logger LOG = LoggerFactory.getLogger(LogicalBackup.class);
    private static final int FORMAT = 1;
    private static final String HISTORY = "flyway_schema_history";
    private static final Pattern IDENT = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private LogicalBackup() {}

    /** What a backup or restore did: the schema version and rows per table. */
    public record Summary(String schemaVersion, Map<String, Long> rows) {}

    /**
     * Writes a backup of {@code db} into {@code dir}, which must not exist or be empty: the
     * directory is made {@code 0700} and every file {@code 0600}, whatever the umask, and each file
     * is renamed into place only once written; {@code manifest.json} comes last. A backup that
     * fails leaves nothing behind (see {@link PrivateDirectory}).
     *
     * @throws BackupException for a reason the operator acts on (the directory is not empty)
     * @throws java.nio.file.FileSystemException when the disk refuses (permission denied, no space
     *     left on device)
     * @throws SQLException when the database refuses (wrong password, connection refused)
     */
    public static Summary backup(DatabaseUrl db, Path dir) throws IOException, SQLException {
        return backup(db, dir, UnaryOperator.identity());
    }

    /** The same, each file's stream wrapped by {@code disk} (tests: a disk that fills up). */
    static Summary backup(DatabaseUrl db, Path dir, UnaryOperator<OutputStream> disk)
            throws IOException, SQLException {
        PrivateDirectory target = PrivateDirectory.create(dir, disk);
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            String version = schemaVersion(c);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            JsonArray tables = new JsonArray();
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : tables(c)) {
                List<String> columns = columns(c, table);
                long[] n = new long[1];
                target.write(
                        table + ".copy.gz",
                        out -> {
                            GZIPOutputStream gz = new GZIPOutputStream(out);
                            n[0] =
                                    copy.copyOut(
                                            "COPY "
                                                    + table
                                                    + " ("
                                                    + String.join(", ", columns)
                                                    + ") TO STDOUT",
                                            gz);
                            gz.finish();
                        });
                tables.add(
                        new JsonObject()
                                .put("name", table)
                                .put("columns", new JsonArray(new ArrayList<>(columns)))
                                .put("rows", n[0]));
                rows.put(table, n[0]);
            }
            c.commit();
            JsonObject manifest =
                    new JsonObject()
                            .put("format", FORMAT)
                            .put("schemaVersion", version)
                            .put("tables", tables);
            target.write(
                    "manifest.json",
                    out ->
                            out.write(
                                    (manifest.encodePrettily() + "\n")
                                            .getBytes(StandardCharsets.UTF_8)));
            target.sync();
            LOG.info("event=backup_written tables={} schema={}", rows.size(), version);
            return new Summary(version, rows);
        } catch (IOException | SQLException | RuntimeException e) {
            target.discard();
            throw e;
        }
    }

    /**
     * Restores a backup into {@code db}, which must have no tables in {@code public} (a fresh
     * database). Checks the whole backup first (manifest, every file present and a complete gzip),
     * so that a missing or corrupt file is reported before the database is touched. Then creates
     * the schema at the backup's version, loads every table in one transaction, and moves sequences
     * past the loaded rows. Haven migrates further on its next start if it is newer than the
     * backup.
     *
     * @throws BackupException for a reason the operator acts on (not a backup, a file missing or
     *     corrupt, the database not empty)
     */
    public static Summary restore(DatabaseUrl db, Path dir) throws IOException, SQLException {
        JsonObject manifest = manifest(dir);
        String version = manifest.getString("schemaVersion");
        List<JsonObject> entries = new ArrayList<>();
        for (Object o : manifest.getJsonArray("tables")) {
            String name;
            try {
                name = ident(((JsonObject) o).getString("name"));
                ((JsonObject) o).getJsonArray("columns").forEach(col -> ident((String) col));
                ((JsonObject) o).getLong("rows").longValue();
            } catch (ClassCastException | IllegalArgumentException | NullPointerException e) {
                throw new BackupException(
                        dir.resolve("manifest.json")
                                + " is corrupt: a table entry without a valid name, columns or rows");
            }
            check(dir.resolve(name + ".copy.gz"));
            entries.add((JsonObject) o);
        }
        try (Connection c = connect(db)) {
            refuseIfNotEmpty(c);
            Migrations.migrate(
                    Flyway.configure()
                            .locations("classpath:db/migration")
                            .failOnMissingLocations(true)
                            .dataSource(db.jdbcUrl(), db.user(), db.password())
                            .target(version)
                            .load());
            try {
                return load(c, dir, version, entries);
            } catch (IOException | SQLException | RuntimeException e) {
                throw new BackupException(
                        reasonOf(e)
                                + "; the schema was created before this failure:"
                                + " drop and create the database again before the next restore",
                        e);
            }
        }
    }

    private static Summary load(Connection c, Path dir, String version, List<JsonObject> entries)
            throws IOException, SQLException {
        c.setAutoCommit(false);
        List<String> foreignKeys = dropForeignKeys(c);
        List<String> all = tables(c);
        try (Statement st = c.createStatement()) {
            // The audit log's append-only and chain triggers (and the retired-key check) guard live
            // writes; a restore loads rows exactly as they were, so they are off until it commits.
            for (String t : all) {
                st.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
            }
            // migrations seed rows (working groups); the backup holds them as they were
            st.execute("TRUNCATE " + String.join(", ", all));
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (JsonObject t : entries) {
            String table = ident(t.getString("name"));
            List<String> columns = new ArrayList<>();
            for (Object col : t.getJsonArray("columns")) {
                columns.add(ident((String) col));
            }
            Path file = dir.resolve(table + ".copy.gz");
            long n;
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                n =
                        copy.copyIn(
                                "COPY "
                                        + table
                                        + " ("
                                        + String.join(", ", columns)
                                        + ") FROM STDIN",
                                in);
            } catch (SQLException e) {
                // the server's message may quote the row: only its code is reported
                throw new BackupException(
                        file
                                + " is corrupt: the database refused its rows (SQLSTATE "
                                + e.getSQLState()
                                + ")");
            }
            if (n != t.getLong("rows")) {
                throw new BackupException(
                        file
                                + " is corrupt: "
                                + n
                                + " rows in it, "
                                + t.getLong("rows")
                                + " in the manifest");
            }
            rows.put(table, n);
        }
        try (Statement st = c.createStatement()) {
            for (String add : foreignKeys) {
                st.execute(add);
            }
            for (String t : all) {
                st.execute("ALTER TABLE " + t + " ENABLE TRIGGER USER");
            }
        }
        resetSequences(c);
        c.commit();
        LOG.info("event=backup_restored tables={} schema={}", rows.size(), version);
        return new Summary(version, rows);
    }

    /** The backup's manifest, checked: a directory, a manifest in it, JSON of our format. */
    private static JsonObject manifest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new BackupException(
                    dir
                            + (Files.exists(dir) ? " is not a directory" : " does not exist")
                            + ": give the directory 'haven backup' wrote");
        }
        Path file = dir.resolve("manifest.json");
        if (!Files.exists(file)) {
            throw new BackupException(
                    dir
                            + " holds no manifest.json: not a backup made by 'haven backup', or one that did not finish");
        }
        JsonObject manifest;
        try {
            manifest = new JsonObject(Files.readString(file));
        } catch (DecodeException | CharacterCodingException e) {
            throw new BackupException(file + " is corrupt: not JSON");
        }
        if (manifest.getValue("format") == null
                || !Integer.valueOf(FORMAT).equals(manifest.getValue("format"))) {
            throw new BackupException(
                    dir
                            + " is not a Haven backup of format "
                            + FORMAT
                            + " (format "
                            + manifest.getValue("format")
                            + ")");
        }
        if (!(manifest.getValue("schemaVersion") instanceof String)
                || !(manifest.getValue("tables") instanceof JsonArray)) {
            throw new BackupException(file + " is corrupt: no schemaVersion or tables");
        }
        return manifest;
    }

    /**
     * Reads {@code file} through, so that a missing, truncated or damaged one is named before the
     * database is touched.
     */
    private static void check(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BackupException(file + " is missing: the backup is incomplete");
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (ZipException | EOFException e) {
            throw new BackupException(
                    file
                            + " is corrupt ("
                            + (e instanceof EOFException ? "cut short" : "not gzip")
                            + ")");
        }
    }

    /** Refuses a database that holds tables already: a restore goes into a fresh one. */
    private static void refuseIfNotEmpty(Connection c) throws SQLException, BackupException {
        List<String> existing = tables(c);
        if (existing.isEmpty()) {
            return;
        }
        int withRows = 0;
        for (String t : existing) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + t + ")")) {
                rs.next();
                withRows += rs.getBoolean(1) ? 1 : 0;
            }
        }
        throw new BackupException(
                "the database is not empty ("
                        + (withRows > 0
                                ? withRows + " tables with rows"
                                : existing.size() + " tables")
                        + "); restore into a fresh database");
    }

    private static String reasonOf(Exception e) {
        if (e instanceof BackupException) {
            return e.getMessage();
        }
        if (e instanceof SQLException sql) {
            return "the database refused the restore (SQLSTATE " + sql.getSQLState() + ")";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getFile()
                    + ": "
                    + (fs.getReason() == null ? e.getClass().getSimpleName() : fs.getReason());
        }
        return e.getClass().getSimpleName()
                + (e.getMessage() == null || e instanceof RuntimeException
                        ? ""
                        : ": " + e.getMessage());
    }

    private static Connection connect(DatabaseUrl db) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    }

    private static String schemaVersion(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT version FROM "
                                        + HISTORY
                                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            if (!rs.next()) {
                throw new SQLException("no Flyway schema history: not a Haven database");
            }
            return rs.getString(1);
        }
    }

    /** Base tables of {@code public} except Flyway's, by name. */
    static List<String> tables(Connection c) throws SQLException {
        List<String> all = new ArrayList<>();
        eachRow(
                c,
                "SELECT table_name FROM information_schema.tables"
                        + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
                rs -> {
                    if (!HISTORY.equals(rs.getString(1))) {
                        all.add(ident(rs.getString(1)));
                    }
                });
        return all;
    }

    /**
     * Drops the foreign keys of {@code public} and returns the statements that put them back.
     * Haven's tables reference each other in a cycle (a conversation its case, a case its
     * conversation), so no load order satisfies them row by row; like pg_restore, the data goes in
     * first and the constraints, checked over all of it, after.
     */
    private static List<String> dropForeignKeys(Connection c) throws SQLException {
        List<String> drops = new ArrayList<>();
        List<String> adds = new ArrayList<>();
        eachRow(
                c,
                "SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid)"
                        + " FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace"
                        + " WHERE con.contype = 'f' AND n.nspname = 'public' ORDER BY 1, 2",
                rs -> {
                    String table = ident(rs.getString(1));
                    String name = ident(rs.getString(2));
                    drops.add("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
                    adds.add(
                            "ALTER TABLE "
                                    + table
                                    + " ADD CONSTRAINT "
                                    + name
                                    + " "
                                    + rs.getString(3));
                });
        try (Statement st = c.createStatement()) {
            for (String d : drops) {
                st.execute(d);
            }
        }
        return adds;
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT column_name FROM information_schema.columns"
                                + " WHERE table_schema = 'public' AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(ident(rs.getString(1)));
                }
            }
        }
        return columns;
    }

    private static void resetSequences(Connection c) throws SQLException {
        List<String[]> owned = new ArrayList<>();
        eachRow(
                c,
                "SELECT table_name, column_name,"
                        + " pg_get_serial_sequence(quote_ident(table_name), column_name)"
                        + " FROM information_schema.columns WHERE table_schema = 'public'",
                rs -> {
                    if (rs.getString(3) != null && !HISTORY.equals(rs.getString(1))) {
                        owned.add(
                                new String[] {
                                    ident(rs.getString(1)), ident(rs.getString(2)), rs.getString(3)
                                });
                    }
                });
        for (String[] o : owned) {
            try (PreparedStatement ps =
                    c.prepareStatement(
                            "SELECT setval(?, coalesce((SELECT max("
                                    + o[1]
                                    + ") FROM "
                                    + o[0]
                                    + "), 0) + 1, false)")) {
                ps.setString(1, o[2]);
                ps.execute();
            }
        }
    }

    /** Reads one row of a result set, while it is the current one. */
    @FunctionalInterface
    private interface Row {
        void read(ResultSet rs) throws SQLException;
    }

    /** Runs the query {@code sql} and hands each row of its result to {@code row}, in order. */
    private static void eachRow(Connection c, String sql, Row row) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                row.read(rs);
            }
        }
    }

    private static String ident(String s) {
        if (s == null || !IDENT.matcher(s).matches()) {
            throw new IllegalArgumentException("unexpected identifier in schema or backup");
        }
        return s;
    }
}
