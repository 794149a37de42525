package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with GnuPG: a case file exported with {@link OpenPgpExport} decrypts with the
 * real {@code gpg} binary, which reports a good signature from the organisation's signing key.
 * Skipped, with a message, when gpg is not installed; CI installs it.
 */
@Timeout(120)
class OpenPgpGpgTest {
    private static final String UID = "Haven Test Lawyer <lawyer@example.org>";

    @TempDir Path dir;
    private Path home;
    private String gpg;

    @BeforeEach
    void setUp() throws Exception {
        gpg = findGpg();
        if (gpg == null) {
            System.out.println("OpenPgpGpgTest: SKIPPED, gpg not found on PATH or at /usr/bin/gpg");
        }
        Assumptions.assumeTrue(gpg != null, "gpg is not installed; OpenPGP interop test skipped");
        home =
                Files.createDirectory(
                        dir.resolve("gnupg"),
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString("rwx------")));
    }

    @AfterEach
    void stopAgent() throws Exception {
        if (home != null) {
            run(List.of("gpgconf", "--kill", "gpg-agent"), true);
        }
    }

    /**
     * Verifies that gpg, holding the lawyer's secret key and the organisation's signing public key,
     * decrypts an export and reports a good signature from the signing key's fingerprint, and the
     * file is what was exported.
     */
    @Test
    void testGpgDecryptsAndVerifiesExport() throws Exception {
        OpenPgpSigningKey signer =
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(9), "Haven case exports");
        importKey(OpenPgpExportTest.resource("lawyer-secret.asc"));
        importKey(signer.armoredPublicKey());
        byte[] caseFile =
                ("Haven case HV-0042\nTriage: Likely within the mandate\n" + "données é ü ✓\n")
                        .getBytes(StandardCharsets.UTF_8);

        String message =
                OpenPgpExport.encrypt(
                        caseFile,
                        "case-HV-0042.txt",
                        OpenPgpRecipient.parse(OpenPgpExportTest.resource("lawyer-public.asc")),
                        signer);
        String status = decrypt(message, caseFile);
        assertTrue(status.contains("[GNUPG:] GOODSIG "), status);
        assertTrue(status.contains("[GNUPG:] VALIDSIG " + signer.fingerprint() + " "), status);
        System.out.println(
                "OpenPgpGpgTest: gpg decrypted the export and verified the signature of "
                        + signer.fingerprint());
    }

    /** Verifies that gpg decrypts and verifies an export to a key it has just made itself. */
    @Test
    void testGpgDecryptsExportToFreshKey() throws Exception {
        run(
                List.of(
                        gpg,
                        "--batch",
                        "--pinentry-mode",
                        "loopback",
                        "--passphrase",
                        "",
                        "--quick-gen-key",
                        UID,
                        "future-default",
                        "default",
                        "never"),
                false);
        String publicKey = run(List.of(gpg, "--armor", "--export", "lawyer@example.org"), false);
        OpenPgpSigningKey signer =
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(10), "Haven case exports");
        importKey(signer.armoredPublicKey());
        byte[] caseFile = "case file".getBytes(StandardCharsets.UTF_8);
        String status =
                decrypt(
                        OpenPgpExport.encrypt(
                                caseFile, "case.txt", OpenPgpRecipient.parse(publicKey), signer),
                        caseFile);
        assertTrue(status.contains("[GNUPG:] VALIDSIG " + signer.fingerprint() + " "), status);
    }

    /**
     * Verifies that gpg reads the derived signing key as Haven describes it: the same fingerprint,
     * a good self-signature, an ed25519 key for signing and certifying.
     */
    @Test
    void testGpgReadsSigningKeyAsHavenDoes() throws Exception {
        OpenPgpSigningKey signer =
                OpenPgpSigningKey.derive(OpenPgpExportTest.teamKey(11), "Haven case exports");
        importKey(signer.armoredPublicKey());
        String listing =
                run(
                        List.of(
                                gpg,
                                "--batch",
                                "--with-colons",
                                "--check-signatures",
                                signer.fingerprint()),
                        false);
        assertTrue(listing.contains("fpr:::::::::" + signer.fingerprint() + ":"), listing);
        assertTrue(
                listing.matches("(?s).*\\npub:[-mfuq]?:255:22:[0-9A-F]{16}:1704067200:.*:scSC:.*"),
                listing);
        assertTrue(listing.contains("\nsig:!:"), "self-signature not good: " + listing);
        assertTrue(listing.contains("Haven case exports"), listing);
    }

    private void importKey(String armored) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "key", ".asc"), armored);
        run(List.of(gpg, "--batch", "--import", file.toString()), false);
    }

    /** Decrypts with gpg, checks the plaintext, returns gpg's status lines. */
    private String decrypt(String message, byte[] expected) throws Exception {
        Path in = Files.writeString(dir.resolve("case.asc"), message);
        Path out = dir.resolve("case.out");
        Files.deleteIfExists(out);
        String status =
                run(
                        List.of(
                                gpg,
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
                                in.toString()),
                        false);
        assertArrayEquals(expected, Files.readAllBytes(out));
        return status;
    }

    private String run(List<String> command, boolean ignoreFailure) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
        pb.environment().put("GNUPGHOME", home.toString());
        pb.redirectErrorStream(false);
        File err = dir.resolve("gpg.err").toFile();
        pb.redirectError(err);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command.get(0) + " " + command.get(1));
        }
        if (!ignoreFailure) {
            assertEquals(0, p.exitValue(), () -> "gpg failed: " + readQuietly(err.toPath()));
        }
        return new String(stdout, StandardCharsets.UTF_8);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no stderr)";
        }
    }

    private static String findGpg() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of("/usr/bin", "/usr/local/bin"));
        if (path != null) {
            dirs.addAll(0, List.of(path.split(File.pathSeparator)));
        }
        for (String d : dirs) {
            File f = new File(d, "gpg");
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
