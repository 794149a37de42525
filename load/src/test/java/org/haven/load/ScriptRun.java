package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one of the scripts under {@code scripts/} as a person would (from the repository root, with
 * the jars the build just packaged), with {@code --keep-data} so the gateway's log can be read
 * after.
 */
final class ScriptRun {
    /** The fictional numbers the driver writes from (+1 555 010 xxxx), in any written form. */
    private static final Pattern NUMBER =
            Pattern.compile(
                    "(?<![0-9])(?:(?:\\+|%2B)?1[ .-]?)?\\(?555\\)?[ .-]?010[ .-]?[0-9]{4}(?![0-9])");

    private static final Pattern KEPT = Pattern.compile("^data kept in (\\S+)$", Pattern.MULTILINE);

    /** What a run printed, its exit code, and the data dir it kept (null if it printed none). */
    record Result(int exit, String output, Path dataDir) {}

    private ScriptRun() {}

    static Result run(Duration timeout, String script, String... args) throws Exception {
        Path root = Path.of(System.getProperty("haven.root", "..")).toAbsolutePath().normalize();
        List<String> command = new ArrayList<>(List.of("bash", root.resolve(script).toString()));
        command.addAll(List.of(args));
        command.add("--keep-data");
        Process p =
                new ProcessBuilder(command)
                        .directory(root.toFile())
                        .redirectErrorStream(true)
                        .start();
        StringBuilder output = new StringBuilder();
        Thread reader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    p.getInputStream(), StandardCharsets.UTF_8))) {
                                for (String line; (line = r.readLine()) != null; ) {
                                    System.out.println(
                                            line); // into the failsafe report, for a look at a
                                    // failed CI run
                                    synchronized (output) {
                                        output.append(line).append('\n');
                                    }
                                }
                            } catch (IOException e) {
                                // the process went away
                            }
                        });
        reader.start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            reader.join(5000);
            fail(script + " did not finish within " + timeout + "; its output:\n" + output);
        }
        reader.join(10_000);
        String out;
        synchronized (output) {
            out = output.toString();
        }
        Matcher kept = KEPT.matcher(out);
        Path dataDir = null;
        while (kept.find()) {
            dataDir = Path.of(kept.group(1));
        }
        return new Result(p.exitValue(), out, dataDir);
    }

    /**
     * Fails when the text holds a number the driver wrote from, a message it sent (the longer ones:
     * "yes" or "en" are ordinary words of a log line) or the webhook token. The finding names the
     * kind and the line number, never the text found.
     */
    static void assertNothingPersonal(String what, String text) {
        List<Pattern> texts =
                Stream.concat(Script.INTAKE.stream(), Script.AFTER.stream())
                        .filter(s -> s.length() >= 5 && !s.chars().allMatch(Character::isDigit))
                        .map(
                                s ->
                                        Pattern.compile(
                                                "(?<![A-Za-z0-9])"
                                                        + Pattern.quote(s)
                                                        + "(?![A-Za-z0-9])"))
                        .toList();
        Pattern token = Pattern.compile(Pattern.quote(Load.TOKEN));
        List<String> findings = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (NUMBER.matcher(line).find()) {
                findings.add("line " + (i + 1) + ": phone number");
            }
            if (texts.stream().anyMatch(t -> t.matcher(line).find())) {
                findings.add("line " + (i + 1) + ": message text");
            }
            if (token.matcher(line).find()) {
                findings.add("line " + (i + 1) + ": webhook token");
            }
        }
        assertTrue(
                findings.isEmpty(),
                what
                        + ": "
                        + findings.size()
                        + " findings:\n"
                        + String.join("\n", findings.subList(0, Math.min(20, findings.size()))));
    }

    /**
     * Checks the gateway's log of the run (haven.log in the data dir it kept) and the run's own
     * output.
     */
    static void assertLogsHoldNothingPersonal(Result r) throws IOException {
        assertTrue(
                r.dataDir() != null && Files.isRegularFile(r.dataDir().resolve("haven.log")),
                "the run kept no data dir with a haven.log:\n" + r.output());
        byte[] log = Files.readAllBytes(r.dataDir().resolve("haven.log"));
        String text = new String(log, StandardCharsets.UTF_8);
        assertTrue(text.contains("event=started"), "the gateway's log is not where expected");
        assertNothingPersonal("the gateway's log (haven.log)", text);
        assertNothingPersonal("the run's output", r.output());
    }

    /** Removes the data dir the run kept. */
    static void cleanUp(Result r) throws IOException {
        if (r.dataDir() != null && Files.isDirectory(r.dataDir())) {
            HavenProcess.delete(r.dataDir());
        }
    }
}
