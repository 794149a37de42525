package org.haven.gateway.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code gpg} in a throwaway home directory, as a lawyer receiving an export would use it:
 * import keys, decrypt, read the status lines (GOODSIG, VALIDSIG...).
 */
public final class Gpg implements AutoCloseable {
    private final Path dir;
    private final Path home;
    private final String gpg;

    private Gpg(Path dir, String gpg) throws IOException {
        this.dir = dir;
        this.gpg = gpg;
        this.home =
                Files.createDirectory(
                        dir.resolve("gnupg"),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
    }

    /** gpg's path, or null when it is not installed. */
    public static String find() {
        for (String d : List.of("/usr/bin", "/usr/local/bin")) {
            File f = new File(d, "gpg");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    /** A gpg with an empty home under {@code dir}; gpg must be installed ({@link #find()}). */
    public static Gpg in(Path dir) throws IOException {
        return new Gpg(dir, find());
    }

    /** Imports armored keys (public or secret). */
    public void importKey(String armored) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "key", ".asc"), armored);
        run(List.of("--batch", "--import", file.toString()));
    }

    /** Makes a key pair (gpg's defaults, no passphrase) and returns its armored public key. */
    public String generate(String userId) throws Exception {
        run(
                List.of(
                        "--batch",
                        "--pinentry-mode",
                        "loopback",
                        "--passphrase",
                        "",
                        "--quick-gen-key",
                        userId,
                        "future-default",
                        "default",
                        "never"));
        return run(List.of("--armor", "--export", userId));
    }

    /** What gpg reports decrypting {@code message}: its status lines, and the plaintext. */
    public record Decrypted(String status, byte[] plaintext) {
        public String text() {
            return new String(plaintext, StandardCharsets.UTF_8);
        }
    }

    /** Decrypts (and verifies, if signed) an armored message. */
    public Decrypted decrypt(String message) throws Exception {
        Path in = Files.writeString(Files.createTempFile(dir, "message", ".asc"), message);
        Path out = dir.resolve(in.getFileName() + ".out");
        String status =
                run(
                        List.of(
                                "--batch",
                                "--pinentry-mode",
                                "loopback",
                                "--passphrase",
                                "",
                                "--status-fd",
                                "1",
                                "--output",
                                out.toString(),
                                "--decrypt",
                                in.toString()));
        return new Decrypted(status, Files.readAllBytes(out));
    }

    private String run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(gpg);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("GNUPGHOME", home.toString());
        File err = dir.resolve("gpg.err").toFile();
        pb.redirectError(err);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("gpg timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException(
                    "gpg failed (" + p.exitValue() + "): " + Files.readString(err.toPath()));
        }
        return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder("gpgconf", "--kill", "gpg-agent")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("GNUPGHOME", home.toString());
        pb.start().waitFor(10, TimeUnit.SECONDS);
    }
}
