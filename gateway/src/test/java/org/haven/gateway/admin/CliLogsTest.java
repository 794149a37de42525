package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator's commands run as their own process (the main class on the test class path,
 * with the shipped logback.xml), as an operator runs them: their standard output is their answer
 * only, the log lines go to standard error, and the migrations a command applies are logged.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CliLogsTest {

    /** What a finished process wrote. */
    private record Output(int code, String out, String err) {}

    /**
     * Verifies that {@code haven restore} on a fresh database prints only its one-line summary on
     * stdout, while the migrations it applied ({@code event=migration_applied version=1 ...}) and
     * its {@code event=backup_restored} are logged on stderr.
     */
    @Test
    void testRestoreLogsToStandardErrorOnly(@TempDir Path work) throws Exception {
        String source = TestPostgres.newDatabase();
        // a first command migrates the source; its answer alone is on stdout, the migrations on
        // stderr
        Output first =
                haven(
                        Map.of("HAVEN_DB_URL", source, "HAVEN_DATA_DIR", work.toString()),
                        "retention",
                        "show");
        assertEquals(0, first.code(), first.toString());
        assertFalse(first.out().contains("event="), "a log line on stdout: " + first);
        assertTrue(
                first.err().contains("event=migration_applied version=1 description="),
                first.toString());
        assertTrue(first.err().contains("event=schema_ready version="), first.toString());

        Path backup = work.resolve("backup");
        assertEquals(
                0,
                HavenCli.run(Map.of("HAVEN_DB_URL", source), "backup", backup.toString()).code());
        Output restore =
                haven(
                        Map.of("HAVEN_DB_URL", TestPostgres.newDatabase()),
                        "restore",
                        backup.toString());
        assertEquals(0, restore.code(), restore.toString());
        assertEquals(1, restore.out().lines().count(), restore.toString());
        assertTrue(restore.out().startsWith("restored schema "), restore.toString());
        assertTrue(
                restore.err().contains("event=migration_applied version=1 description="),
                restore.toString());
        assertTrue(restore.err().contains("event=backup_restored"), restore.toString());
    }

    /**
     * Runs {@code org.haven.gateway.Main} with {@code args} in a new JVM on this test's class path.
     */
    private static Output haven(Map<String, String> env, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx256m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "org.haven.gateway.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("HAVEN_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<byte[]> err =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return p.getErrorStream().readAllBytes();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("haven " + String.join(" ", args) + " did not finish");
        }
        return new Output(p.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
    }
}
