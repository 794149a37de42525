package org.haven.bot.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.haven.bot.Intake;
import org.haven.bot.ScriptException;
import org.haven.bot.script.ScriptCheck;

/**
 * Coverage-guided fuzzing of the intake script loader and check (an administrator uploads YAML).
 */
class ScriptFuzzTest {
    private static final String DIRECTORY = resource("intake/directory.yaml");
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("script-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Verifies that any script text (and any referral directory beside it) is either loaded or
     * refused with a {@link ScriptException}, and that the check answers with findings: no other
     * exception escapes either.
     */
    @FuzzTest(maxDuration = "10s")
    void testAnyYamlYieldsFindingsOrScriptException(FuzzedDataProvider data) throws IOException {
        String directory = data.consumeBoolean() ? DIRECTORY : data.consumeString(2000);
        String script = data.consumeRemainingAsString();
        Path yaml = DIR.resolve("script.yaml");
        Files.writeString(yaml, script, StandardCharsets.UTF_8);
        Files.writeString(DIR.resolve("directory.yaml"), directory, StandardCharsets.UTF_8);
        try {
            Intake.load(yaml);
        } catch (ScriptException refused) {
            if (refused.errors().isEmpty()) {
                throw new AssertionError("a refusal without a reason");
            }
        }
        List<ScriptCheck.Finding> findings = ScriptCheck.check(yaml);
        findings.forEach(
                f -> {
                    if (f.message() == null || f.line() < 1) {
                        throw new AssertionError("finding without message or line: " + f);
                    }
                });
    }

    private static String resource(String name) {
        try (InputStream in = ScriptFuzzTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
