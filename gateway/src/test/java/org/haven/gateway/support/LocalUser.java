package org.haven.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Another user of the same host, without any account of Haven's: {@code nobody} (uid and gid 65534,
 * no supplementary groups), reached from a test running as root through {@code setpriv}. Its
 * commands get an empty environment (no {@code PGPASSWORD}, no {@code ~/.pgpass} of root's).
 */
public final class LocalUser {
    /** The uid (and gid) the commands run as. */
    public static final int NOBODY = 65534;

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private LocalUser() {}

    /** What a command printed (standard output and error together) and how it ended. */
    public record Result(int exit, String output) {
        /** Whether it exited with 0. */
        public boolean succeeded() {
            return exit == 0;
        }
    }

    /**
     * Why the tests cannot act as another local user here, or null if they can: only root can
     * become {@code nobody}.
     */
    public static String unavailableReason() throws IOException, InterruptedException {
        if (!Files.isExecutable(SETPRIV)) {
            return "no " + SETPRIV + " to run a command as another user";
        }
        Process id = new ProcessBuilder("id", "-u").start();
        String uid =
                new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        id.waitFor();
        return uid.equals("0")
                ? null
                : "the tests run as uid "
                        + uid
                        + ", not root: they cannot become another local user";
    }

    /**
     * Runs {@code command} as {@code nobody} with only {@code env} in its environment (plus PATH).
     */
    public static Result run(Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        List<String> argv =
                new ArrayList<>(
                        List.of(
                                SETPRIV.toString(),
                                "--reuid=" + NOBODY,
                                "--regid=" + NOBODY,
                                "--clear-groups",
                                "--"));
        argv.addAll(List.of(command));
        ProcessBuilder pb =
                new ProcessBuilder(argv).directory(Path.of("/").toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("HOME", "/nonexistent");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }

    /** The same, with an empty environment. */
    public static Result run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), command);
    }
}
