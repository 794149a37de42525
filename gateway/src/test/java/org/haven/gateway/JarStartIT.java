package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.JarProcess;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged jar the way the README does, as a separate process. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class JarStartIT {

    /**
     * Verifies that the jar starts on a fresh data dir and answers /health with 200, that an intake
     * finished before a restart is still in the inbox after it, and that it starts again. The start
     * times are printed, not asserted: they are measured where the machine is quiet
     * (docs/performance.md), and a busy CI machine must not fail the suite on them.
     */
    @Test
    void testJarServesHealthQuicklyAndKeepsCasesAcrossRestart(@TempDir Path dataDir)
            throws Exception {
        String name = "jar-start-it";
        String reference;
        long t0 = System.nanoTime();
        try (JarProcess first = JarProcess.start(name, dataDir, Map.of(), List.of())) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("first start: /health 200 after " + millis + " ms");
            TestHaven.setUpAdmin(first.port(), dataDir);
            IntakeDriver.completeIntake(first.port(), "jar-restart-check");
            InboxClient inbox = TestHaven.loggedIn(first.port(), dataDir, TestHaven.ADMIN);
            reference = IntakeDriver.onlyCaseReference(inbox.get("/inbox").body());
        }
        t0 = System.nanoTime();
        try (JarProcess second = JarProcess.start(name, dataDir, Map.of(), List.of())) {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.println("restart: /health 200 after " + millis + " ms");
            InboxClient inbox = TestHaven.loggedIn(second.port(), dataDir, TestHaven.ADMIN);
            assertTrue(inbox.get("/inbox").body().contains(reference), "case lost across restart");
        }
    }

    /**
     * Verifies that SIGTERM stops the jar cleanly: it exits well within a service manager's grace
     * period, logs no warning and no error on the way (workers stop before the pool, the pool
     * before the database), says it stopped, and leaves no PostgreSQL running.
     */
    @Test
    void testSigtermStopsCleanlyWithoutWarnings(@TempDir Path dataDir) throws Exception {
        String name = "jar-sigterm-it";
        Files.deleteIfExists(Path.of("target", name + ".log"));
        JarProcess haven = JarProcess.start(name, dataDir, Map.of());
        long postmaster;
        ChatClient chat = null;
        try {
            postmaster =
                    Long.parseLong(
                            Files.readAllLines(
                                            dataDir.resolve("postgres").resolve("postmaster.pid"))
                                    .get(0)
                                    .strip());
            TestHaven.setUpAdmin(haven.port(), dataDir);
            IntakeDriver.completeIntake(haven.port(), "jar-restart-check");
            // a web chat left open, its last message sent right before the signal (the outbox at
            // work)
            chat = ChatClient.connect(haven.port());
            chat.start(null);
            chat.nextOfType("reply");
            chat.say("yes");
        } catch (Exception | Error e) {
            haven.close();
            throw e;
        }
        long t0 = System.nanoTime();
        int code;
        try {
            code = haven.terminate();
        } finally {
            chat.close();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println("SIGTERM: exited with " + code + " after " + millis + " ms");
        assertTrue(code == 0 || code == 143, "exit code " + code);
        assertTrue(millis < 30_000, "stopping took " + millis + " ms");
        List<String> lines = Files.readAllLines(haven.log(), StandardCharsets.UTF_8);
        List<String> bad =
                lines.stream()
                        .filter(l -> l.contains("level=WARN") || l.contains("level=ERROR"))
                        .toList();
        assertEquals(List.of(), bad, "warnings or errors while stopping");
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("event=database_stopped kind=embedded")),
                "database not stopped");
        assertTrue(
                lines.get(lines.size() - 1).contains("event=stopped"),
                "the last line is not event=stopped");
        assertFalse(
                Files.exists(dataDir.resolve("postgres").resolve("postmaster.pid")),
                "PostgreSQL left its pid file");
        assertFalse(
                ProcessHandle.of(postmaster)
                        .map(p -> p.isAlive() && !zombie(p.pid()))
                        .orElse(false),
                "PostgreSQL still runs");
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
