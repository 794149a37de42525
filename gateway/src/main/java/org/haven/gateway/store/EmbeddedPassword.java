package org.haven.gateway.store;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's only way in: the superuser {@code postgres} with a password Haven made,
 * checked by PostgreSQL with SCRAM-SHA-256 on every connection (no line of {@code pg_hba.conf}
 * trusts anyone), on 127.0.0.1 only and with no Unix socket.
 *
 * <p>The password is 32 random bytes (base64url, 43 characters) in {@code <data
 * dir>/secrets/postgres-password}, mode {@code 0600}; it is never logged and never put on a command
 * line. A new data dir gets it from initdb ({@code --auth=scram-sha-256 --pwfile}), so it never
 * trusts anyone, not even for a moment. A data dir of an earlier Haven (initdb's {@code trust} for
 * everyone, no password) or whose password file is new or was replaced gets the password from
 * PostgreSQL's single-user mode, which listens on nothing, before the server starts. {@code
 * pg_hba.conf} carries a fingerprint of the password (SHA-256) that tells at start whether the
 * server already has it.
 */
final class EmbeddedPassword {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPassword.class);
    static final String SUPERUSER = "postgres";
    private static final String FINGERPRINT = "# password fingerprint: ";

    private final Path file;
    private final String password;

    private EmbeddedPassword(Path file, String password) {
        this.file = file;
        this.password = password;
    }

    /**
     * Reads the password file of a data dir, or makes it if there is none; its directory becomes
     * {@code 0700}.
     */
    static EmbeddedPassword loadOrCreate(Path file) throws IOException {
        OwnerOnly.directory(file.getParent());
        if (Files.exists(file)) {
            String was = OwnerOnly.file(file);
            if (was != null) {
                LOG.warn(
                        "event=embedded_database_password_file_permissions_tightened mode_was={} mode=rw-------",
                        was);
            }
            String password = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (password.isEmpty() || password.contains("\n") || password.contains("\r")) {
                // initdb's --pwfile takes the first line only
                throw new IOException(
                        "the embedded database's password file must hold one non-empty line: "
                                + file);
            }
            return new EmbeddedPassword(file, password);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        OwnerOnly.writeFile(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
        LOG.info("event=embedded_database_password_created");
        return new EmbeddedPassword(file, password);
    }

    /** The password file (initdb's {@code --pwfile}). */
    Path file() {
        return file;
    }

    /** The password, for Haven's own connections. */
    String password() {
        return password;
    }

    /**
     * Makes an existing data dir accept this password and nothing else, before its server starts:
     * sets the password in single-user mode unless {@code pg_hba.conf} already names it, then
     * writes {@code pg_hba.conf}. For a data dir initdb has just made with this password, only
     * {@code pg_hba.conf} is written.
     *
     * @param initialised whether initdb made the data dir in this start (with this password)
     */
    void seal(Path pgDir, EmbeddedBinaries binaries, boolean initialised) throws IOException {
        Path hba = pgDir.resolve("pg_hba.conf");
        String wanted = pgHba();
        String found = Files.exists(hba) ? Files.readString(hba, StandardCharsets.UTF_8) : "";
        if (found.equals(wanted)) {
            return;
        }
        if (!initialised) {
            String reason =
                    found.contains(FINGERPRINT) ? "password_file_changed" : "earlier_version";
            long t0 = System.nanoTime();
            setInSingleUserMode(pgDir, binaries.dir());
            LOG.info(
                    "event=embedded_database_password_set reason={} millis={}",
                    reason,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        OwnerOnly.writeFile(hba, wanted.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Haven's {@code pg_hba.conf}: SCRAM for every kind of connection, and the fingerprint of the
     * password it expects.
     */
    String pgHba() {
        return "# Written by Haven at each start of its embedded PostgreSQL; changes are replaced.\n"
                + "# Every connection proves the password in <data dir>/secrets/postgres-password (SCRAM-SHA-256).\n"
                + "# The server listens on 127.0.0.1 only and has no Unix socket.\n"
                + FINGERPRINT
                + fingerprint()
                + "\n"
                + "# TYPE  DATABASE     USER  ADDRESS        METHOD\n"
                + "local   all          all                  scram-sha-256\n"
                + "host    all          all   127.0.0.1/32   scram-sha-256\n"
                + "host    all          all   ::1/128        scram-sha-256\n"
                + "local   replication  all                  scram-sha-256\n"
                + "host    replication  all   127.0.0.1/32   scram-sha-256\n"
                + "host    replication  all   ::1/128        scram-sha-256\n";
    }

    /**
     * A hash of the password, enough to notice that the file changed (the password is 256 random
     * bits: it cannot be guessed from it).
     */
    private String fingerprint() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("haven embedded postgres password\0".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code ALTER ROLE} in a single-user backend: no postmaster, no network. The statement goes in
     * on standard input and carries the SCRAM verifier, not the password; what the backend prints
     * (which repeats a failed statement) is read and dropped, never logged.
     */
    private void setInSingleUserMode(Path pgDir, Path binaries) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(
                    List.of(
                            "unshare",
                            "-U")); // as the library runs it: PostgreSQL refuses to run as root
        }
        command.addAll(
                List.of(
                        binaries.resolve("bin").resolve("postgres").toString(),
                        "--single",
                        "-D",
                        pgDir.toString(),
                        "-c",
                        "exit_on_error=on",
                        "-c",
                        "log_statement=none",
                        "postgres"));
        String verifier = PasswordUtil.encodeScramSha256(password.toCharArray());
        Process p =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(
                    ("ALTER ROLE " + SUPERUSER + " PASSWORD '" + verifier + "'\n")
                            .getBytes(StandardCharsets.US_ASCII));
        }
        try {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("setting the embedded database's password timed out");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting the embedded database's password", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "could not set the embedded database's password: postgres --single exited with "
                            + p.exitValue());
        }
    }
}
