package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL as {@link Database} runs it: durable settings, and a start that copes
 * with what a dead gateway or a power cut left in the data dir without touching anything else.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EmbeddedDatabaseTest {
    private static Vertx vertx;

    /**
     * A data dir where a database was opened and closed cleanly, as a gateway that ran and stopped
     * leaves it.
     */
    @TempDir static Path used;

    @BeforeAll
    static void startVertx() throws Exception {
        vertx = Vertx.vertx();
        TestPostgres
                .start(); // unpacks the binaries once for the class, instead of into each test's
        // data dir
        Database.open(vertx, Optional.empty(), used).close();
    }

    /**
     * Makes {@code dataDir} a copy of {@link #used}: what each test starts from but the first,
     * without an initdb each.
     */
    private static void usedBefore(Path dataDir) throws Exception {
        Path from = used.resolve("postgres");
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p :
                    (Iterable<Path>)
                            paths::iterator) { // parents first; directories keep their mode (0700)
                Files.copy(
                        p,
                        dataDir.resolve("postgres").resolve(from.relativize(p).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    /**
     * Verifies that the embedded server waits for the WAL flush before a commit returns (zonky's
     * builder turns synchronous_commit off and passes -F, fsync off, unless told otherwise), with
     * full-page writes on.
     */
    @Test
    void testEmbeddedDatabaseCommitsDurably(@TempDir Path dataDir) throws Exception {
        try (Database db = Database.open(vertx, Optional.empty(), dataDir)) {
            assertEquals("on", show(db, "synchronous_commit"));
            assertEquals("on", show(db, "fsync"));
            assertEquals("on", show(db, "full_page_writes"));
        }
    }

    /**
     * Verifies that the embedded server listens on a port below the host's ephemeral range, where
     * no outgoing connection of another process can take it between the choice and the server's
     * bind (the library's own choice came from that range, and a start on a busy host waited two
     * minutes for a server that could not bind: CI).
     */
    @Test
    void testEmbeddedServerListensBelowTheEphemeralRange(@TempDir Path dataDir) throws Exception {
        usedBefore(dataDir);
        try (Database db = Database.open(vertx, Optional.empty(), dataDir)) {
            List<String> pidFile =
                    Files.readAllLines(
                            dataDir.resolve("postgres").resolve(EmbeddedPostmaster.PID_FILE));
            int port = Integer.parseInt(pidFile.get(3).trim()); // line 4: the port
            assertTrue(
                    port < EmbeddedPort.ephemeralLow(),
                    port + " is in the ephemeral range from " + EmbeddedPort.ephemeralLow());
            assertEquals("on", show(db, "fsync")); // and it answers there
        }
    }

    /**
     * Verifies that a postmaster left running on the data dir (its gateway died) is shut down
     * before the start, which then succeeds at the first attempt with the data kept.
     */
    @Test
    void testStartStopsPostmasterLeftRunningOnDataDir(@TempDir Path dataDir) throws Exception {
        Path pgDir = dataDir.resolve("postgres");
        Path pgCtl;
        usedBefore(dataDir);
        try (Database db = Database.open(vertx, Optional.empty(), dataDir)) {
            await(
                    db.pool()
                            .query("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
                            .execute());
            // the binaries zonky uses (it unpacks them once per JVM: see TestPostgres.start)
            long postmaster = EmbeddedPostmaster.pidInFile(pgDir).orElseThrow();
            pgCtl =
                    Path.of("/proc", Long.toString(postmaster), "exe")
                            .toRealPath()
                            .resolveSibling("pg_ctl");
        }
        // What a gateway killed with SIGKILL leaves behind: the server started by pg_ctl, detached,
        // still running. It
        // listens on a socket in the data dir only: a TCP port picked free here could be taken
        // before it binds it.
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(
                    List.of("unshare", "-U")); // as zonky does: PostgreSQL refuses to run as root
        }
        command.addAll(
                List.of(
                        pgCtl.toString(),
                        "-D",
                        pgDir.toString(),
                        "-o",
                        "-c listen_addresses='' -c unix_socket_directories=" + dataDir,
                        "-w",
                        "-l",
                        dataDir.resolve("left-running.log").toString(),
                        "start"));
        Process started =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        assertEquals(0, started.waitFor(), "pg_ctl start");
        long orphan = EmbeddedPostmaster.pidInFile(pgDir).orElseThrow();
        assertEquals(EmbeddedPostmaster.Identity.OURS, EmbeddedPostmaster.identify(orphan, pgDir));

        try (LogCapture logs = new LogCapture();
                Database db = Database.open(vertx, Optional.empty(), dataDir)) {
            assertEquals(
                    42,
                    await(db.pool().query("SELECT n FROM kept").execute())
                            .iterator()
                            .next()
                            .getInteger(0));
            assertEquals(
                    EmbeddedPostmaster.Identity.GONE,
                    EmbeddedPostmaster.identify(orphan, pgDir),
                    "the old postmaster still runs");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(
                                    l ->
                                            l.contains(
                                                    "event=embedded_database_left_running pid="
                                                            + orphan)),
                    "not logged");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(
                                    l ->
                                            l.contains(
                                                    "event=embedded_database_left_running_stopped")));
        }
    }

    /**
     * Verifies that a pid file naming a live process that is not a postmaster (its pid reused after
     * a power cut) is set aside so PostgreSQL starts, and that the process is not touched.
     */
    @Test
    void testStalePidFileOfUnrelatedProcessIsRemovedAndProcessSpared(@TempDir Path dataDir)
            throws Exception {
        usedBefore(dataDir);
        Process unrelated = new ProcessBuilder("sleep", "120").start();
        try {
            writePidFile(dataDir.resolve("postgres"), unrelated.pid());
            assertEquals(
                    EmbeddedPostmaster.Identity.OTHER,
                    EmbeddedPostmaster.identify(unrelated.pid(), dataDir.resolve("postgres")));
            try (Database db = Database.open(vertx, Optional.empty(), dataDir)) {
                assertTrue(await(db.ping()));
            }
            assertTrue(unrelated.isAlive(), "an unrelated process was signalled");
        } finally {
            unrelated.destroyForcibly();
        }
    }

    /**
     * Verifies that a pid file naming the live postmaster of another data dir leaves that
     * postmaster running and serving: only a postmaster of this very data dir is ever stopped.
     */
    @Test
    void testPidFileNamingAnotherDataDirsPostmasterSparesIt(
            @TempDir Path dataA, @TempDir Path dataB) throws Exception {
        usedBefore(dataB);
        usedBefore(dataA);
        try (Database a = Database.open(vertx, Optional.empty(), dataA)) {
            long postmasterA =
                    EmbeddedPostmaster.pidInFile(dataA.resolve("postgres")).orElseThrow();
            writePidFile(dataB.resolve("postgres"), postmasterA);
            assertEquals(
                    EmbeddedPostmaster.Identity.OTHER,
                    EmbeddedPostmaster.identify(postmasterA, dataB.resolve("postgres")));
            try (Database b = Database.open(vertx, Optional.empty(), dataB)) {
                assertTrue(await(b.ping()));
            }
            assertTrue(
                    ProcessHandle.of(postmasterA).map(ProcessHandle::isAlive).orElse(false),
                    "another data dir's postmaster was stopped");
            assertTrue(await(a.ping()), "the other database stopped answering");
        }
    }

    /**
     * Verifies that a second open of a data dir in use fails with "could not lock" (what the
     * command line reports as a running server) and leaves the first one's server running.
     */
    @Test
    void testSecondOpenOfDataDirInUseFailsAndSparesFirst(@TempDir Path dataDir) throws Exception {
        usedBefore(dataDir);
        try (Database first = Database.open(vertx, Optional.empty(), dataDir)) {
            IllegalStateException e =
                    assertThrows(
                            IllegalStateException.class,
                            () -> Database.open(vertx, Optional.empty(), dataDir).close());
            assertTrue(e.getMessage().contains("could not lock"), e.getMessage());
            assertTrue(await(first.ping()), "the first database stopped answering");
        }
        try (Database again = Database.open(vertx, Optional.empty(), dataDir)) {
            assertTrue(await(again.ping()), "the lock was not released at close");
        }
    }

    /** Verifies that a clean close stops the postmaster and its watchdog, leaving no pid file. */
    @Test
    void testCloseStopsPostmasterAndWatchdog(@TempDir Path dataDir) throws Exception {
        long postmaster;
        List<ProcessHandle> children;
        usedBefore(dataDir);
        try (Database db = Database.open(vertx, Optional.empty(), dataDir)) {
            postmaster = EmbeddedPostmaster.pidInFile(dataDir.resolve("postgres")).orElseThrow();
            children =
                    ProcessHandle.current()
                            .children()
                            .filter(
                                    p ->
                                            p.info()
                                                    .arguments()
                                                    .map(
                                                            a ->
                                                                    String.join(" ", a)
                                                                            .contains(
                                                                                    dataDir
                                                                                            .toString()))
                                                    .orElse(false))
                            .toList();
            assertEquals(1, children.size(), "one watchdog for the data dir");
        }
        assertFalse(Files.exists(dataDir.resolve("postgres").resolve(EmbeddedPostmaster.PID_FILE)));
        assertEquals(
                EmbeddedPostmaster.Identity.GONE,
                EmbeddedPostmaster.identify(postmaster, dataDir.resolve("postgres")));
        assertFalse(children.get(0).isAlive(), "the watchdog outlived the database");
    }

    private static void writePidFile(Path pgDir, long pid) throws Exception {
        // the layout PostgreSQL writes: pid, data dir, start time, port, socket dir, listen
        // address, shared memory key, status
        List<String> lines =
                new ArrayList<>(
                        List.of(
                                Long.toString(pid),
                                pgDir.toString(),
                                "1700000000",
                                "5432",
                                "/tmp",
                                "127.0.0.1",
                                "  5432001     32768",
                                "ready   "));
        Files.write(pgDir.resolve(EmbeddedPostmaster.PID_FILE), lines, StandardCharsets.UTF_8);
    }

    private static boolean isRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        return new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                .strip()
                .equals("0");
    }

    private static String show(Database db, String setting) throws Exception {
        return await(db.pool().query("SHOW " + setting).execute()).iterator().next().getString(0);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
