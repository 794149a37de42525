package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.haven.gateway.support.FileModes;
import org.haven.gateway.support.LocalUser;
import org.haven.gateway.support.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL as another user of the same host meets it ("a local user on the host may
 * get nothing"): {@code nobody}, with the psql client, the shell and the data dir's path. The data
 * dir sits where every user can reach it (a {@code 0755} parent, itself made {@code 0755} as a
 * plain {@code mkdir} makes it), so only Haven's own protection stands in the way.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseLocalUserTest {
    private static final String PSQL = "/usr/bin/psql";

    @TempDir static Path shared;
    private static Path dataDir;
    private static Vertx vertx;
    private static Database db;
    private static LogCapture startLog;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        dataDir = reachableDataDir(shared);
        startLog = new LogCapture();
        try {
            db = Database.open(vertx, Optional.empty(), dataDir);
        } finally {
            startLog.close();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
        await(vertx.close());
    }

    /**
     * Verifies that a local user who knows the port cannot connect over TCP as the superuser,
     * neither without a password nor with a guessed one, while Haven itself connects.
     */
    @Test
    void testLocalUserCannotConnectOverTcp() throws Exception {
        assumeLocalUser();
        assertTrue(await(db.ping()), "Haven itself does not get in");
        String port = Integer.toString(db.connectOptions().getPort());
        for (Map<String, String> env :
                List.of(
                        Map.<String, String>of(),
                        Map.of("PGPASSWORD", "postgres"),
                        Map.of("PGPASSWORD", ""))) {
            for (String user : List.of("postgres", "nobody")) {
                LocalUser.Result r =
                        LocalUser.run(
                                env,
                                PSQL,
                                "-X",
                                "-w",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                port,
                                "-U",
                                user,
                                "-d",
                                "postgres",
                                "-tAc",
                                "SELECT 'in as ' || current_user");
                assertFalse(
                        r.succeeded() || r.output().contains("in as"),
                        "a local user got in as " + user + ": " + r.output());
                assertTrue(
                        r.output().contains("password"),
                        "refused for another reason than authentication: " + r.output());
            }
        }
    }

    /**
     * Verifies that there is no Unix socket a local user could connect through (nor one in /tmp for
     * the port).
     */
    @Test
    void testLocalUserCannotConnectOverUnixSocket() throws Exception {
        assumeLocalUser();
        String port = Integer.toString(db.connectOptions().getPort());
        List<String> socketDirs =
                new ArrayList<>(List.of("/tmp", "/var/run/postgresql", dataDir.toString()));
        // what the server itself announces in its pid file (line 5: the first socket directory)
        List<String> pidFile =
                Files.readAllLines(
                        dataDir.resolve("postgres").resolve(EmbeddedPostmaster.PID_FILE));
        if (pidFile.size() > 4 && !pidFile.get(4).isBlank()) {
            socketDirs.add(pidFile.get(4).strip());
        }
        for (String dir : socketDirs) {
            LocalUser.Result r =
                    LocalUser.run(
                            PSQL,
                            "-X",
                            "-w",
                            "-h",
                            dir,
                            "-p",
                            port,
                            "-U",
                            "postgres",
                            "-d",
                            "postgres",
                            "-tAc",
                            "SELECT 'in as ' || current_user");
            assertFalse(
                    r.succeeded() || r.output().contains("in as"),
                    "a local user got in through " + dir + ": " + r.output());
        }
        assertTrue(
                pidFile.size() > 4 && pidFile.get(4).isBlank(),
                "the server listens on a Unix socket in " + pidFile);
    }

    /**
     * Verifies that a local user can neither read the database's files and the password, nor write
     * anything under the data dir, the unpacked PostgreSQL binaries included.
     */
    @Test
    void testLocalUserCannotReadOrWriteDataDir() throws Exception {
        assumeLocalUser();
        Path pg = dataDir.resolve("postgres");
        Path bin = dataDir.resolve("postgres-bin");
        List<String[]> attempts =
                List.of(
                        new String[] {"cat", pg.resolve("PG_VERSION").toString()},
                        new String[] {"ls", pg.resolve("base").toString()},
                        new String[] {"cat", Database.embeddedPasswordFile(dataDir).toString()},
                        new String[] {"ls", dataDir.toString()},
                        new String[] {"touch", dataDir.resolve("planted").toString()},
                        new String[] {"touch", bin.resolve("planted").toString()},
                        new String[] {
                            "sh",
                            "-c",
                            "for d in \"$1\"/PG-*; do mv \"$d\" \"$d.moved\" && exit 0; done; exit 1",
                            "sh",
                            bin.toString()
                        });
        for (String[] attempt : attempts) {
            LocalUser.Result r = LocalUser.run(attempt);
            assertFalse(
                    r.succeeded(),
                    "a local user could " + String.join(" ", attempt) + ": " + r.output());
        }
        assertFalse(Files.exists(dataDir.resolve("planted")));
        assertFalse(Files.exists(bin.resolve("planted")));
    }

    /**
     * Verifies that nothing under the data dir (the unpacked binaries included) is writable by
     * group or others, that the data dir itself is the owner's alone, and that the password file is
     * readable by the owner only.
     */
    @Test
    void testNothingUnderDataDirIsWritableByOthers() throws Exception {
        assertEquals(
                Set.of(),
                Files.getPosixFilePermissions(dataDir).stream()
                        .filter(p -> !p.name().startsWith("OWNER"))
                        .collect(Collectors.toSet()),
                "data dir mode");
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(Database.embeddedPasswordFile(dataDir))));
        List<String> writable = FileModes.writableByOthers(dataDir);
        assertEquals(List.of(), writable, "writable by group or others");
        try (Stream<Path> bins = Files.list(dataDir.resolve("postgres-bin"))) {
            assertTrue(
                    bins.anyMatch(p -> Files.isExecutable(p.resolve("bin").resolve("postgres"))),
                    "the binaries are not under the data dir");
        }
    }

    /** Verifies that the password is never written to the log while the database starts. */
    @Test
    void testPasswordIsNeverLogged() throws Exception {
        String password = Files.readString(Database.embeddedPasswordFile(dataDir)).strip();
        assertTrue(password.length() >= 32, "a short password");
        List<String> lines = startLog.lines();
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("event=database_ready kind=embedded")),
                "nothing captured");
        assertTrue(
                lines.stream().noneMatch(l -> l.contains(password)), "the password is in the log");
    }

    /**
     * Verifies that a data dir made by an earlier Haven (initdb's trust for everyone, no password,
     * binaries in a world-writable directory) is sealed at the next start, its data kept: a local
     * user hammering the port meanwhile never gets in and is refused afterwards, every pg_hba.conf
     * line asks for SCRAM, and binaries another user could have changed are replaced by freshly
     * unpacked ones, the owner's alone.
     */
    @Test
    void testTrustDataDirOfEarlierVersionIsSealedWithDataKept(@TempDir Path base) throws Exception {
        Path old = reachableDataDir(base);
        Path pgDir = old.resolve("postgres");
        Files.createDirectories(pgDir);
        // exactly how earlier versions started it
        try (EmbeddedPostgres before =
                        EmbeddedPostgres.builder()
                                .setDataDirectory(pgDir)
                                .setPort(EmbeddedPort.free())
                                .setCleanDataDirectory(false)
                                .setOverrideWorkingDirectory(old.resolve("postgres-bin").toFile())
                                .setRegisterShutdownHook(false)
                                .setServerConfig("listen_addresses", "127.0.0.1")
                                .start();
                Connection c =
                        DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + before.getPort() + "/postgres",
                                "postgres",
                                "");
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE SCHEMA earlier; CREATE TABLE earlier.kept (n int); INSERT INTO earlier.kept VALUES (42)");
        }
        assertTrue(
                Files.readString(pgDir.resolve("pg_hba.conf")).contains("trust"),
                "not the old trust setup");
        // The library makes the working directory it unpacks into writable by everyone, but only
        // when
        // it unpacks in this JVM (not when another test of the run already has): the mode it
        // leaves.
        Files.createDirectories(old.resolve("postgres-bin"));
        Files.setPosixFilePermissions(
                old.resolve("postgres-bin"), PosixFilePermissions.fromString("rwxrwxrwx"));
        // what another user could do to those binaries meanwhile (as nobody where the test can act
        // as nobody)
        Path planted = old.resolve("postgres-bin").resolve("planted");
        if (LocalUser.unavailableReason() == null) {
            assertTrue(
                    LocalUser.run("touch", planted.toString()).succeeded(),
                    "the earlier layout was not writable by others");
        } else {
            Files.createFile(planted);
        }

        Intruder intruder = new Intruder(pgDir);
        try (LogCapture logs = new LogCapture();
                Database upgraded = Database.open(vertx, Optional.empty(), old)) {
            if (LocalUser.unavailableReason() == null) {
                assertTrue(intruder.awaitAttempts(3) >= 3, "the intruder never reached the server");
            }
            intruder.close();
            assertEquals(
                    List.of(),
                    intruder.successes(),
                    "a local user got in while the data dir was being sealed");
            assertEquals(
                    42,
                    await(upgraded.pool().query("SELECT n FROM earlier.kept").execute())
                            .iterator()
                            .next()
                            .getInteger(0));
            for (String line : Files.readAllLines(pgDir.resolve("pg_hba.conf"))) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    assertTrue(l.endsWith("scram-sha-256"), "pg_hba.conf line without SCRAM: " + l);
                }
            }
            assertEquals(List.of(), FileModes.writableByOthers(old));
            assertFalse(Files.exists(planted), "the binaries others could change are still used");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(
                                    l -> l.contains("event=embedded_database_binaries_set_aside")),
                    "not logged");
            try (Stream<Path> left = Files.list(old)) {
                assertEquals(
                        List.of(),
                        left.filter(p -> p.getFileName().toString().contains("untrusted")).toList(),
                        "not removed");
            }
            String password = Files.readString(Database.embeddedPasswordFile(old)).strip();
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains(password)),
                    "the password is in the log");
            if (LocalUser.unavailableReason() == null) {
                LocalUser.Result r =
                        LocalUser.run(
                                PSQL,
                                "-X",
                                "-w",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(upgraded.connectOptions().getPort()),
                                "-U",
                                "postgres",
                                "-d",
                                "postgres",
                                "-tAc",
                                "SELECT 'kept:' || n FROM earlier.kept");
                assertFalse(
                        r.succeeded() || r.output().contains("kept:42"),
                        "a local user still gets in: " + r.output());
            }
        }
        intruder.close();
        // and again, now that it is sealed: nothing to upgrade, the same password
        String password = Files.readString(Database.embeddedPasswordFile(old));
        try (Database again = Database.open(vertx, Optional.empty(), old)) {
            assertTrue(await(again.ping()));
        }
        assertEquals(password, Files.readString(Database.embeddedPasswordFile(old)));
    }

    /**
     * Verifies that a password file replaced while Haven was stopped (a restore that brought
     * another node's secrets, say) is the password the server asks for after the next start, that
     * the previous one no longer opens it, and that the file is made the owner's alone.
     */
    @Test
    void testReplacedPasswordFileIsTheOneAskedForAfterRestart(@TempDir Path base) throws Exception {
        Path dir = reachableDataDir(base);
        Database.open(vertx, Optional.empty(), dir).close();
        Path file = Database.embeddedPasswordFile(dir);
        String previous = Files.readString(file).strip();
        String replaced = "replaced-" + UUID.randomUUID();
        Files.writeString(file, replaced + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        try (Database db = Database.open(vertx, Optional.empty(), dir)) {
            assertTrue(await(db.ping()));
            String url =
                    "jdbc:postgresql://127.0.0.1:" + db.connectOptions().getPort() + "/postgres";
            SQLException refused =
                    assertThrows(
                            SQLException.class,
                            () -> DriverManager.getConnection(url, "postgres", previous).close());
            assertEquals("28P01", refused.getSQLState(), "not refused for its password");
            DriverManager.getConnection(url, "postgres", replaced).close();
        }
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /**
     * Another user of the host trying, again and again, to connect with psql (no password) to
     * whatever port the data dir's server announces in its pid file, until closed.
     */
    private static final class Intruder implements AutoCloseable {
        private final List<String> successes = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger attempts = new AtomicInteger();
        private final Thread thread;
        private volatile boolean stop;

        Intruder(Path pgDir) {
            thread =
                    new Thread(
                            () -> {
                                while (!stop) {
                                    try {
                                        List<String> pid =
                                                Files.exists(
                                                                pgDir.resolve(
                                                                        EmbeddedPostmaster
                                                                                .PID_FILE))
                                                        ? Files.readAllLines(
                                                                pgDir.resolve(
                                                                        EmbeddedPostmaster
                                                                                .PID_FILE))
                                                        : List.of();
                                        if (pid.size() < 4
                                                || pid.get(3).isBlank()
                                                || LocalUser.unavailableReason() != null) {
                                            Thread.sleep(10);
                                            continue;
                                        }
                                        LocalUser.Result r =
                                                LocalUser.run(
                                                        PSQL,
                                                        "-X",
                                                        "-w",
                                                        "-h",
                                                        "127.0.0.1",
                                                        "-p",
                                                        pid.get(3).strip(),
                                                        "-U",
                                                        "postgres",
                                                        "-d",
                                                        "postgres",
                                                        "-tAc",
                                                        "SELECT 'in as ' || current_user");
                                        if (r.output().contains("in as")) {
                                            successes.add(r.output());
                                        }
                                        if (!r.output().contains("Connection refused")) {
                                            attempts.incrementAndGet(); // it reached a server
                                        }
                                    } catch (IOException e) {
                                        // the pid file changed while read
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            },
                            "intruder");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits (up to 30 s) until this many attempts reached a server; returns how many did. */
        int awaitAttempts(int n) throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (attempts.get() < n && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            return attempts.get();
        }

        List<String> successes() {
            return List.copyOf(successes);
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(TimeUnit.SECONDS.toMillis(70));
        }
    }

    /**
     * A data dir in a parent every user can enter, itself as {@code mkdir} under the usual umask
     * makes it.
     */
    private static Path reachableDataDir(Path base) throws IOException {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = base.resolve("haven");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    private static void assumeLocalUser() throws Exception {
        String reason = LocalUser.unavailableReason();
        assumeTrue(reason == null, reason);
        assumeTrue(Files.isExecutable(Path.of(PSQL)), "no psql client at " + PSQL);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
