package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.support.FileModes;
import org.haven.gateway.support.JarProcess;
import org.haven.gateway.support.LocalUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a plain {@code java -jar} runs it from an operator's shell whose umask is
 * {@code 0000}, its data dir in a directory every user can enter; then another user of the host
 * ({@code nobody}) tries the embedded database and the files.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LocalUserIT {
    private static final Pattern DB_PORT =
            Pattern.compile("event=database_ready kind=embedded port=(\\d+)");

    /**
     * Verifies that, started under a permissive umask, Haven leaves a data dir another user can
     * neither enter nor write anything under, database files no mode of which lets them write, and
     * an embedded database that refuses them; and that its log never shows the password.
     */
    @Test
    void testLocalUserGetsNothingFromJarStartedUnderPermissiveUmask(@TempDir Path base)
            throws Exception {
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dataDir = base.resolve("haven");
        try (JarProcess haven =
                JarProcess.start("local-user-it", dataDir, JarProcess.QUICK_START, "0000")) {
            Matcher m = DB_PORT.matcher(Files.readString(haven.log()));
            String port = null;
            while (m.find()) {
                port = m.group(1);
            }
            assertTrue(port != null, "no database_ready line in " + haven.log());

            assertEquals(
                    "rwx------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
            // the embedded database's own files, whatever the umask (the data dir's mode keeps the
            // rest out of reach)
            for (String part :
                    List.of(
                            "postgres",
                            "postgres-bin",
                            "postgres.lock",
                            "secrets/postgres-password")) {
                assertEquals(
                        List.of(),
                        FileModes.writableByOthers(dataDir.resolve(part)),
                        part + ": writable by group or others");
            }

            String reason = LocalUser.unavailableReason();
            if (reason == null) {
                LocalUser.Result psql =
                        LocalUser.run(
                                "/usr/bin/psql",
                                "-X",
                                "-w",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                port,
                                "-U",
                                "postgres",
                                "-d",
                                "postgres",
                                "-tAc",
                                "SELECT 'in as ' || current_user");
                assertFalse(
                        psql.succeeded() || psql.output().contains("in as"),
                        "a local user got in: " + psql.output());
                assertTrue(psql.output().contains("password"), psql.output());
                LocalUser.Result ls = LocalUser.run("ls", dataDir.resolve("postgres").toString());
                assertFalse(
                        ls.succeeded(), "a local user lists the database's files: " + ls.output());
                // every file and directory under the data dir, opened for writing or written into
                List<String> paths = FileModes.files(dataDir).stream().map(Path::toString).toList();
                List<String> argv =
                        new ArrayList<>(
                                List.of(
                                        "sh",
                                        "-c",
                                        "for p in \"$@\"; do"
                                                + " if [ -d \"$p\" ]; then touch \"$p/planted\" 2>/dev/null && echo \"$p\";"
                                                + " else (: >> \"$p\") 2>/dev/null && echo \"$p\"; fi; done; true",
                                        "sh"));
                argv.addAll(paths);
                LocalUser.Result write = LocalUser.run(argv.toArray(String[]::new));
                assertTrue(paths.size() > 1000, "too few files: " + paths.size());
                assertEquals("", write.output().strip(), "a local user could write these");
            } else {
                System.out.println(
                        "LocalUserIT: the attempts as another user are skipped: " + reason);
            }
            String password =
                    Files.readString(dataDir.resolve("secrets").resolve("postgres-password"))
                            .strip();
            assertFalse(
                    Files.readString(haven.log()).contains(password),
                    "the database password is in the log");
            int code = haven.terminate();
            assertTrue(code == 0 || code == 143, "exit code " + code);
        }
    }
}
