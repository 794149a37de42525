package org.haven.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Reads everything the test run wrote (every module's surefire and failsafe reports, with the
 * gateway's own log lines in the {@code -output.txt} files, and the packaged jar's log) and looks
 * for what the tests typed as a person or used as a secret. Runs in its own failsafe execution
 * ({@code log-check} in the gateway's pom), after every unit test and every other IT. A finding
 * names the file, line and kind, never the text found.
 */
class LogsHaveNoPersonalDataIT {
    /** The fictional North American numbers (555-01xx) the tests use, in any written form. */
    private static final Pattern PHONE =
            Pattern.compile(
                    "(?<![0-9])(?:(?:\\+|%2B)?1[ .-]?)?\\(?[2-9][0-9]{2}\\)?[ .-]?555[ .-]?01[0-9]{2}(?![0-9])");

    /**
     * Markers the tests put into free-text answers ("evenings marker-<uuid>") to find them again.
     */
    private static final Pattern MARKER =
            Pattern.compile(
                    "\\b(?:marker|csrf|agency|group|race|work|dash|live|browser|sms)-[0-9a-f]{8}-[0-9a-f]{4}-|jar-restart-check|(?:evenings|mornings) \\S");

    /** The Signal ACIs (UUIDs) the tests use as a person's address: they start with 516e00. */
    private static final Pattern SIGNAL_ACI =
            Pattern.compile("(?i)(?<![0-9a-f])516e00[0-9a-f]{2}-[0-9a-f]{4}-");

    /**
     * Test constants that hold a passphrase, token or secret: {@code PASS = "…"}, {@code AUTH_TOKEN
     * = "…"}.
     */
    private static final Pattern SECRET_CONSTANT =
            Pattern.compile(
                    "\\b[A-Z_]*(?:PASS|PASSPHRASE|TOKEN|SECRET|DURESS)[A-Z_]*\\s*=\\s*\"([^\"]{8,})\"");

    /** Passphrases typed inline: a literal with a space that says it is one. */
    private static final Pattern PASSPHRASE_LITERAL =
            Pattern.compile("\"([^\"]* [^\"]*passphrase[^\"]*|[^\"]*passphrase [^\"]*)\"");

    private record Forbidden(String kind, Pattern pattern) {}

    /**
     * Verifies that no test output file contains a phone number, a Signal ACI, a free-text marker,
     * a passphrase or a token used by the tests.
     */
    @Test
    void testNoPersonalDataOrSecretInAnyTestOutput() throws IOException {
        Path gateway = Path.of("").toAbsolutePath();
        Path root = gateway.getParent();
        List<Forbidden> forbidden = new ArrayList<>();
        forbidden.add(new Forbidden("phone number", PHONE));
        forbidden.add(new Forbidden("test marker or free-text answer", MARKER));
        forbidden.add(new Forbidden("Signal ACI", SIGNAL_ACI));
        forbidden.addAll(secrets(gateway.resolve("src/test/java")));
        assertTrue(forbidden.size() > 3, "no secrets collected from the test sources");

        List<Path> files = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                for (String reports :
                        List.of("target/surefire-reports", "target/failsafe-reports")) {
                    Path dir = module.resolve(reports);
                    if (Files.isDirectory(dir)) {
                        try (Stream<Path> s = Files.list(dir)) {
                            s.filter(Files::isRegularFile)
                                    .filter(
                                            p ->
                                                    !p.getFileName()
                                                            .toString()
                                                            .contains(getClass().getSimpleName()))
                                    .forEach(files::add);
                        }
                    }
                }
            }
        }
        Path jarLog = gateway.resolve("target/jar-start-it.log");
        if (Files.exists(jarLog)) {
            files.add(jarLog);
        }
        assertTrue(files.size() > 5, "too few test reports to scan: " + files.size());

        List<String> findings = new ArrayList<>();
        long lines = 0;
        for (Path file : files) {
            List<String> content =
                    Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                            .map(
                                    l ->
                                            new String(
                                                    l.getBytes(StandardCharsets.ISO_8859_1),
                                                    StandardCharsets.UTF_8))
                            .toList();
            for (int i = 0; i < content.size(); i++) {
                lines++;
                for (Forbidden f : forbidden) {
                    if (f.pattern().matcher(content.get(i)).find()) {
                        findings.add(root.relativize(file) + ":" + (i + 1) + ": " + f.kind());
                    }
                }
            }
        }
        System.out.println(
                "scanned "
                        + files.size()
                        + " files, "
                        + lines
                        + " lines, for "
                        + forbidden.size()
                        + " kinds of data");
        assertTrue(
                findings.isEmpty(),
                findings.size()
                        + " findings:\n"
                        + String.join("\n", findings.subList(0, Math.min(50, findings.size()))));
    }

    /**
     * The passphrases and tokens written in the test sources, each named by where it is defined.
     */
    private static List<Forbidden> secrets(Path sources) throws IOException {
        List<Forbidden> out = new ArrayList<>();
        List<Path> java;
        try (Stream<Path> s = Files.walk(sources)) {
            java = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path file : java) {
            if (file.getFileName().toString().equals("LogsHaveNoPersonalDataIT.java")) {
                continue;
            }
            List<String> content = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < content.size(); i++) {
                for (Pattern p : List.of(SECRET_CONSTANT, PASSPHRASE_LITERAL)) {
                    Matcher m = p.matcher(content.get(i));
                    while (m.find()) {
                        // bounded so that a token is not found inside a longer identifier (a token
                        // equal to the tail of an account SID)
                        out.add(
                                new Forbidden(
                                        "secret defined at " + file.getFileName() + ":" + (i + 1),
                                        Pattern.compile(
                                                "(?<![A-Za-z0-9])"
                                                        + Pattern.quote(m.group(1))
                                                        + "(?![A-Za-z0-9])")));
                    }
                }
            }
        }
        return out;
    }
}
