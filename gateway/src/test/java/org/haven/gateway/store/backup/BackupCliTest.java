package org.haven.gateway.store.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.haven.gateway.cli.Reasons;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code haven backup} and {@code haven restore} as an operator meets them (issue 17): a backup
 * only its owner can read, written whole or not at all, and every refusal as one line on stderr
 * that says why, with exit 1 and nothing on stdout.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BackupCliTest {
    private static String source;

    @BeforeAll
    static void migratedDatabase() throws Exception {
        source = TestPostgres.newDatabase();
        DatabaseUrl url = DatabaseUrl.parse(source);
        // the migrations seed rows (working groups), so the source has tables with rows
        Flyway.configure()
                .locations("classpath:db/migration")
                .dataSource(url.jdbcUrl(), url.user(), url.password())
                .load()
                .migrate();
    }

    /**
     * Verifies that a backup into a new directory makes it 0700 and every file 0600, that an
     * existing empty directory others could enter is tightened to 0700, and that no temporary file
     * is left.
     */
    @Test
    void testBackupIsReadableByItsOwnerOnly(@TempDir Path work) throws Exception {
        Path fresh = work.resolve("new").resolve("backup");
        HavenCli.Run run = HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", fresh.toString());
        assertEquals(0, run.code(), run.toString());
        assertTrue(run.out().startsWith("backup of schema "), run.toString());
        assertEquals("", run.err(), run.toString());
        assertPrivate(fresh);

        Path open = Files.createDirectory(work.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        HavenCli.Run again =
                HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", open.toString());
        assertEquals(0, again.code(), again.toString());
        assertPrivate(open);
    }

    /**
     * Verifies that a backup into a directory that holds something is refused in one line, and the
     * directory left as it was.
     */
    @Test
    void testBackupIntoANonEmptyDirectoryIsRefused(@TempDir Path work) throws Exception {
        Files.writeString(work.resolve("notes.txt"), "keep me");
        HavenCli.Run run = HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", work.toString());
        assertRefused(
                run, "haven: backup: " + work + " is not empty: give a new or an empty directory");
        try (Stream<Path> files = Files.list(work)) {
            assertEquals(List.of(work.resolve("notes.txt")), files.toList());
        }
    }

    /**
     * Verifies that a backup where it may not write says so with the path and the system's reason
     * (as root, the directory is made immutable: root passes permission bits).
     */
    @Test
    void testBackupWhereItMayNotWriteSaysSo(@TempDir Path work) throws Exception {
        Path locked = Files.createDirectory(work.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-x------"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            assertEquals(
                    0,
                    new ProcessBuilder("chattr", "+i", locked.toString())
                            .inheritIO()
                            .start()
                            .waitFor());
        }
        try {
            Path target = locked.resolve("backup");
            HavenCli.Run run =
                    HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", target.toString());
            assertEquals(1, run.code(), run.toString());
            assertTrue(
                    run.err()
                            .equals(
                                    "haven: backup: cannot write "
                                            + target
                                            + ": "
                                            + (root
                                                    ? "operation not permitted"
                                                    : "permission denied")
                                            + "\n"),
                    run.toString());
            assertEquals("", run.out());
        } finally {
            if (root) {
                new ProcessBuilder("chattr", "-i", locked.toString()).inheritIO().start().waitFor();
            }
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /**
     * Verifies that a backup that runs out of disk part-way (ENOSPC after some bytes) fails naming
     * the directory and "no space left on device", and leaves nothing: no directory, no partial
     * file, nothing that looks like a backup.
     */
    @Test
    void testBackupOnAFullDiskLeavesNothing(@TempDir Path work) throws Exception {
        Path target = work.resolve("backup");
        long[] room = {2000};
        FileSystemException e =
                assertThrows(
                        FileSystemException.class,
                        () ->
                                LogicalBackup.backup(
                                        DatabaseUrl.parse(source),
                                        target,
                                        out ->
                                                new FilterOutputStream(out) {
                                                    @Override
                                                    public void write(int b) throws IOException {
                                                        if (room[0]-- <= 0) {
                                                            throw new IOException(
                                                                    "No space left on device");
                                                        }
                                                        out.write(b);
                                                    }
                                                }));
        assertEquals(
                "backup: cannot write " + target + ": no space left on device",
                "backup: cannot write " + Reasons.of(e, Optional.empty()));
        assertFalse(Files.exists(target), "a failed backup left its directory");
        try (Stream<Path> left = Files.list(work)) {
            assertEquals(List.of(), left.toList());
        }
    }

    /**
     * Verifies that restore names what is wrong with the backup (absent, no manifest, a file
     * missing, a file cut short) before touching the database, which then takes the good backup;
     * and that restoring over data names the tables that hold rows.
     */
    @Test
    void testRestoreSaysWhatIsWrong(@TempDir Path work) throws Exception {
        Path good = work.resolve("good");
        assertEquals(
                0, HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", good.toString()).code());
        Map<String, String> fresh = Map.of("HAVEN_DB_URL", TestPostgres.newDatabase());

        Path absent = work.resolve("absent");
        assertRestoreRefused(
                fresh, absent, absent + " does not exist: give the directory 'haven backup' wrote");
        Path empty = Files.createDirectory(work.resolve("empty"));
        assertRestoreRefused(
                fresh,
                empty,
                empty
                        + " holds no manifest.json: not a backup made by 'haven backup', or one that did not finish");

        Path incomplete = copy(good, work.resolve("incomplete"));
        Files.delete(incomplete.resolve("cases.copy.gz"));
        assertRestoreRefused(
                fresh,
                incomplete,
                incomplete.resolve("cases.copy.gz") + " is missing: the backup is incomplete");

        Path cut = copy(good, work.resolve("cut"));
        byte[] bytes = Files.readAllBytes(cut.resolve("working_groups.copy.gz"));
        Files.write(cut.resolve("working_groups.copy.gz"), Arrays.copyOf(bytes, bytes.length / 2));
        assertRestoreRefused(
                fresh, cut, cut.resolve("working_groups.copy.gz") + " is corrupt (cut short)");

        Path garbled = copy(good, work.resolve("garbled"));
        Files.writeString(garbled.resolve("manifest.json"), "{\"format\": 1, \"schema");
        assertRestoreRefused(
                fresh, garbled, garbled.resolve("manifest.json") + " is corrupt: not JSON");

        HavenCli.Run restored = HavenCli.run(fresh, "restore", good.toString());
        assertEquals(0, restored.code(), "the refusals touched the database: " + restored);

        HavenCli.Run over = HavenCli.run(fresh, "restore", good.toString());
        assertEquals(1, over.code(), over.toString());
        assertTrue(
                over.err()
                        .matches(
                                "haven: restore: the database is not empty \\(\\d+ tables with rows\\);"
                                        + " restore into a fresh database\n"),
                over.toString());
        assertEquals("", over.out());
    }

    /**
     * Verifies that a database that cannot be reached or refuses the login is named (host, port,
     * database) with the server's reason, and that the URL's password is never printed.
     */
    @Test
    void testUnreachableDatabaseIsNamedWithoutItsPassword(@TempDir Path work) throws Exception {
        DatabaseUrl url = DatabaseUrl.parse(source);
        String where = url.host() + ":" + url.port() + "/" + url.database();
        HavenCli.Run nobody =
                HavenCli.run(
                        Map.of("HAVEN_DB_URL", "postgresql://no_such_role:pw-S3cret@" + where),
                        "backup",
                        work.resolve("b").toString());
        assertRefused(
                nobody,
                "haven: backup: cannot log in to the database at "
                        + where
                        + ": role \"no_such_role\" does not exist");
        assertFalse(nobody.err().contains("pw-S3cret"));

        String noSuchDb =
                "postgresql://postgres:pw-S3cret@" + url.host() + ":" + url.port() + "/no_such_db";
        HavenCli.Run noDb =
                HavenCli.run(Map.of("HAVEN_DB_URL", noSuchDb), "restore", work.toString());
        assertTrue(
                noDb.err().contains("holds no manifest.json"),
                "the backup is checked before the database: " + noDb);

        HavenCli.Run refused =
                HavenCli.run(
                        Map.of("HAVEN_DB_URL", "postgresql://postgres:pw-S3cret@127.0.0.1:1/haven"),
                        "backup",
                        work.resolve("c").toString());
        assertRefused(
                refused,
                "haven: backup: cannot connect to the database at 127.0.0.1:1/haven: connection refused");
        assertFalse(Files.exists(work.resolve("c")), "a failed backup left its directory");

        HavenCli.Run cli =
                HavenCli.run(
                        Map.of("HAVEN_DB_URL", noSuchDb, "HAVEN_DATA_DIR", work.toString()),
                        "retention",
                        "show");
        assertRefused(
                cli,
                "haven: cannot open the database: cannot log in to the database at "
                        + url.host()
                        + ":"
                        + url.port()
                        + "/no_such_db: database \"no_such_db\" does not exist");
    }

    /**
     * Asserts that restoring {@code backup} into the database of {@code env} is refused with {@code
     * "haven: restore: " + reason}.
     */
    private static void assertRestoreRefused(Map<String, String> env, Path backup, String reason) {
        assertRefused(HavenCli.run(env, "restore", backup.toString()), "haven: restore: " + reason);
    }

    private static void assertRefused(HavenCli.Run run, String line) {
        assertEquals(1, run.code(), run.toString());
        assertEquals(line + "\n", run.err(), run.toString());
        assertEquals("", run.out(), run.toString());
    }

    private static void assertPrivate(Path dir) throws IOException {
        assertEquals(
                "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertTrue(all.contains(dir.resolve("manifest.json")), all.toString());
            for (Path f : all) {
                assertFalse(
                        f.getFileName().toString().startsWith("."),
                        "a temporary file was left: " + f);
                assertEquals(
                        "rw-------",
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                        f.toString());
            }
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectory(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
