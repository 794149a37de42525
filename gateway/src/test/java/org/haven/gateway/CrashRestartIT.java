package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.JarProcess;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar killed with SIGKILL and started again on the same data dir: its embedded
 * PostgreSQL must not stand in the way of the next start, and nothing stored may be lost.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashRestartIT {

    /**
     * Verifies that after the gateway's JVM is killed its PostgreSQL stops too (the watchdog), and
     * that the next start on the same data dir succeeds at the first attempt with the case finished
     * before the kill still in the inbox.
     */
    @Test
    void testKilledGatewayRestartsAtFirstAttemptWithCaseKept(@TempDir Path dataDir)
            throws Exception {
        String name = "crash-restart-it-kill";
        Files.deleteIfExists(Path.of("target", name + ".log"));
        String reference;
        long postmaster;
        try (JarProcess first = JarProcess.start(name, dataDir, JarProcess.QUICK_START)) {
            reference = finishIntake(first, dataDir);
            postmaster = postmasterPid(dataDir);
            first.kill();
        }
        awaitGone(postmaster, 20);
        try (JarProcess second = JarProcess.start(name, dataDir, JarProcess.QUICK_START)) {
            assertCaseKept(second, dataDir, reference);
        }
        assertNoMarkerLogged(name);
    }

    /**
     * Verifies that a postmaster left running on the data dir (its gateway and the gateway's
     * watchdog killed together) is shut down at the next start, which succeeds at the first
     * attempt, says so in the log, and finds the case finished before the kill.
     */
    @Test
    void testPostmasterLeftRunningIsStoppedAtNextStart(@TempDir Path dataDir) throws Exception {
        String name = "crash-restart-it-orphan";
        Files.deleteIfExists(Path.of("target", name + ".log"));
        String reference;
        long postmaster;
        try (JarProcess first = JarProcess.start(name, dataDir, JarProcess.QUICK_START)) {
            reference = finishIntake(first, dataDir);
            postmaster = postmasterPid(dataDir);
            first.killWithChildren();
        }
        Thread.sleep(1000);
        assertTrue(
                ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                "precondition: the postmaster outlived its gateway");
        try (JarProcess second = JarProcess.start(name, dataDir, JarProcess.QUICK_START)) {
            awaitGone(postmaster, 5);
            String log = Files.readString(second.log(), StandardCharsets.UTF_8);
            assertTrue(
                    log.contains(
                            "event=embedded_database_left_running pid="
                                    + postmaster
                                    + " action=fast_shutdown"),
                    log);
            assertTrue(
                    log.contains("event=embedded_database_left_running_stopped pid=" + postmaster),
                    log);
            assertCaseKept(second, dataDir, reference);
        }
        assertNoMarkerLogged(name);
    }

    private static final String MARKER = "marker-" + UUID.randomUUID();

    private static String finishIntake(JarProcess haven, Path dataDir) throws Exception {
        TestHaven.setUpAdmin(haven.port(), dataDir);
        IntakeDriver.completeIntake(haven.port(), MARKER);
        InboxClient inbox = TestHaven.loggedIn(haven.port(), dataDir, TestHaven.ADMIN);
        return IntakeDriver.onlyCaseReference(inbox.get("/inbox").body());
    }

    private static void assertCaseKept(JarProcess haven, Path dataDir, String reference)
            throws Exception {
        InboxClient inbox = TestHaven.loggedIn(haven.port(), dataDir, TestHaven.ADMIN);
        assertTrue(inbox.get("/inbox").body().contains(reference), "case lost across the crash");
    }

    private static long postmasterPid(Path dataDir) throws Exception {
        List<String> lines =
                Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"));
        return Long.parseLong(lines.get(0).strip());
    }

    /** Waits until the process is gone (a zombie counts as gone: it has ended). */
    private static void awaitGone(long pid, int seconds) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            if (!Files.exists(stat)) {
                return;
            }
            try {
                String s = Files.readString(stat);
                char state = s.charAt(s.lastIndexOf(')') + 2);
                if (state == 'Z' || state == 'X') {
                    return;
                }
            } catch (IOException gone) {
                return;
            }
            Thread.sleep(100);
        }
        assertFalse(true, "postmaster " + pid + " still runs after " + seconds + " s");
    }

    private static void assertNoMarkerLogged(String name) throws Exception {
        String log = Files.readString(Path.of("target", name + ".log"), StandardCharsets.UTF_8);
        assertFalse(log.contains(MARKER), "an answer was logged");
        assertEquals(-1, log.indexOf("level=ERROR"), "an error was logged");
    }
}
