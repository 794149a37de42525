package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * real {@code gpg} binary. Skipped, with a message, when gpg is not installed; CI installs it.
 */
@Timeout(120)
class OpenPgpGpgTest {
  private static final String UID = "Haven Test Lawyer <lawyer@example.org>";

  @TempDir
  Path dir;
  private Path home;
  private String gpg;

  @BeforeEach
  void setUp() throws Exception {
    gpg = findGpg();
    if (gpg == null) {
      System.out.println("OpenPgpGpgTest: SKIPPED, gpg not found on PATH or at /usr/bin/gpg");
    }
    Assumptions.assumeTrue(gpg != null, "gpg is not installed; OpenPGP interop test skipped");
    home = Files.createDirectory(dir.resolve("gnupg"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  @AfterEach
  void stopAgent() throws Exception {
    if (home != null) {
      run(List.of("gpgconf", "--kill", "gpg-agent"), true);
    }
  }

  /** Verifies that gpg decrypts a case file encrypted to a freshly generated gpg key. */
  @Test
  void testGpgDecryptsExportedCaseFile() throws Exception {
    run(List.of(gpg, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
        "--quick-gen-key", UID, "future-default", "default", "never"), false);
    String publicKey = run(List.of(gpg, "--armor", "--export", "lawyer@example.org"), false);
    byte[] caseFile = ("{\"case\":\"2026-0042\",\"answers\":{\"what_happened\":\"torture\","
        + "\"where\":\"Syria\",\"note\":\"données é ü ✓\"}}").getBytes(StandardCharsets.UTF_8);

    String message = OpenPgpExport.encrypt(caseFile, "case-2026-0042.json", publicKey);
    Path in = Files.writeString(dir.resolve("case.asc"), message);
    Path out = dir.resolve("case.json");
    run(List.of(gpg, "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
        "--output", out.toString(), "--decrypt", in.toString()), false);

    assertArrayEquals(caseFile, Files.readAllBytes(out));
    System.out.println("OpenPgpGpgTest: gpg decrypted the exported case file ("
        + caseFile.length + " bytes)");
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
      assertEquals(0, p.exitValue(),
          () -> "gpg failed: " + readQuietly(err.toPath()));
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
