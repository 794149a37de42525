package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.haven.crypto.Argon2Params;
import org.haven.gateway.support.JarProcess;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator's commands through the packaged jar, as separate processes beside (and after) a
 * running server.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminCliIT {
    private record Result(int code, String output) {}

    /**
     * Verifies that with the embedded database a command refuses clearly while the server runs, and
     * works once it stopped: the start-up purge is in an intact audit chain.
     */
    @Test
    void testCommandsRefuseWhileServerRunsAndWorkAfter(@TempDir Path dataDir) throws Exception {
        try (JarProcess server =
                JarProcess.start("admin-cli-it", dataDir, JarProcess.QUICK_START, List.of())) {
            // the audit entry the checks below count: the start-up purge, committed before it is
            // logged
            server.awaitLog("event=retention_purged", Duration.ofSeconds(30));
            Result locked = run(dataDir, "audit", "verify");
            assertEquals(1, locked.code(), locked.output());
            assertTrue(
                    locked.output()
                            .contains("is in use by a running Haven server: stop the server first"),
                    locked.output());
        }
        Result verify = run(dataDir, "audit", "verify");
        assertEquals(0, verify.code(), verify.output());
        assertTrue(verify.output().contains("audit log intact: 1 entries"), verify.output());
        Result list = run(dataDir, "audit", "list", "--action", "retention_purge");
        assertEquals(0, list.code(), list.output());
        assertTrue(
                list.output().contains("\tsystem:retention\tretention_purge:0\t-"), list.output());
        Result bad = run(dataDir, "retention", "set", "-5");
        assertEquals(2, bad.code(), bad.output());
    }

    /**
     * Verifies that {@code account add} through the jar, its secrets piped on standard input (no
     * terminal), adds a coordinator with a team-key grant that {@code account list} shows, that
     * {@code account passphrase} replaces her one-time passphrase the same way, and that no output
     * holds a passphrase.
     */
    @Test
    void testAccountAddReadsSecretsFromStandardInput(@TempDir Path dataDir) throws Exception {
        try (JarProcess server =
                JarProcess.start("admin-cli-it", dataDir, JarProcess.QUICK_START, List.of())) {
            TestHaven.setUpAdmin(server.port(), dataDir);
        }
        String pass = "a coordinator's first passphrase";
        String input =
                String.join(
                                "\n",
                                TestHaven.ADMIN,
                                TestHaven.ADMIN_PASSPHRASE,
                                TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode(),
                                pass,
                                pass)
                        + "\n";
        Result added =
                runWithInput(
                        dataDir,
                        input,
                        "account",
                        "add",
                        "--username",
                        "rita",
                        "--role",
                        "coordinator",
                        "--group",
                        "montreal");
        assertEquals(0, added.code(), added.output());
        assertTrue(added.output().contains("account rita created"), added.output());
        Result list = run(dataDir, "account", "list");
        assertEquals(0, list.code(), list.output());
        assertTrue(
                list.output()
                        .matches(
                                "(?s).*\trita\tcoordinator\tmontreal\t-\t\\S+\tkey=yes\tgrant=yes\tsecond-factor=no\tpassphrase=one-time\n.*"),
                list.output());
        String own = "rita's own passphrase, piped";
        Result changed =
                runWithInput(
                        dataDir,
                        String.join("\n", pass, own, own) + "\n",
                        "account",
                        "passphrase",
                        "--username",
                        "rita");
        assertEquals(0, changed.code(), changed.output());
        assertTrue(changed.output().contains("passphrase of rita changed"), changed.output());
        Result after = run(dataDir, "account", "list");
        assertTrue(
                after.output()
                        .matches(
                                "(?s).*\trita\tcoordinator\tmontreal\t-\t\\S+\tkey=yes\tgrant=yes\tsecond-factor=no"
                                        + "\tpassphrase=own\n.*"),
                after.output());
        for (String secret : List.of(pass, own, TestHaven.ADMIN_PASSPHRASE)) {
            for (Result r : List.of(added, list, changed, after)) {
                assertFalse(r.output().contains(secret));
            }
        }
    }

    /**
     * Verifies that the shipped command refuses to run, serving or not, with the test suite's
     * property that lowers the passphrase cost, and says why.
     */
    @Test
    void testRefusesTheTestPassphraseCost(@TempDir Path dataDir) throws Exception {
        for (String command : List.of("serve", "account")) {
            List<String> args = new ArrayList<>(java(dataDir, List.of(command)).command());
            args.add(1, "-D" + Argon2Params.TEST_MINIMUM + "=true");
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("refusing to run"), out);
            assertFalse(Files.exists(dataDir.resolve("secrets")), "it started before refusing");
        }
    }

    /** The jar as a command (no server: it binds no port). */
    private static ProcessBuilder java(Path dataDir, List<String> args) {
        Path jar = Path.of("target", "haven.jar").toAbsolutePath();
        assertTrue(Files.exists(jar), "run mvn package first: " + jar);
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HAVEN_DATA_DIR", dataDir.toString());
        pb.environment().remove("HAVEN_DB_URL");
        pb.redirectErrorStream(true);
        return pb;
    }

    private static Result run(Path dataDir, String... args) throws Exception {
        return runWithInput(dataDir, "", args);
    }

    private static Result runWithInput(Path dataDir, String input, String... args)
            throws Exception {
        Process p = java(dataDir, List.of(args)).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }
}
