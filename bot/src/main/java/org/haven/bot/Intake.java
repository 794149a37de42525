package org.haven.bot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.haven.bot.script.Language;
import org.haven.bot.script.Script;
import org.haven.bot.script.ScriptLoader;

/**
 * An intake script and its referral directory, loaded and checked; immutable and safe to share
 * between threads. The YAML format is described in {@code docs/intake.md}.
 */
public final class Intake {

    /** Classpath location of the default intake script. */
    public static final String DEFAULT_RESOURCE = "intake/default.yaml";

    private static volatile Intake defaultIntake;

    private final Script script;

    private Intake(Script script) {
        this.script = script;
    }

    /**
     * Returns the default intake shipped in the jar ({@value #DEFAULT_RESOURCE} and the directory
     * it names).
     *
     * @return the default intake
     * @throws IllegalStateException if the shipped script is broken (a build error; tests prevent
     *     it)
     */
    public static Intake defaultIntake() {
        Intake i = defaultIntake;
        if (i == null) {
            try {
                i =
                        new Intake(
                                ScriptLoader.load(
                                        DEFAULT_RESOURCE,
                                        resource(DEFAULT_RESOURCE),
                                        name -> resource("intake/" + name)));
            } catch (ScriptException | IOException e) {
                throw new IllegalStateException(
                        "the default intake script is invalid: " + e.getMessage(), e);
            }
            defaultIntake = i;
        }
        return i;
    }

    /**
     * Loads and checks an intake script from a file; the referral directory it names is read from
     * the same folder.
     *
     * @param yaml the script file
     * @return the intake
     * @throws ScriptException listing every error as "file:line: message"
     */
    public static Intake load(Path yaml) throws ScriptException {
        return new Intake(
                ScriptLoader.load(
                        yaml.toString(),
                        read(yaml),
                        name ->
                                Files.readString(
                                        yaml.resolveSibling(name), StandardCharsets.UTF_8)));
    }

    /**
     * Wraps an already loaded script (tests, tools).
     *
     * @param script a script loaded by {@link ScriptLoader}
     * @return the intake
     */
    public static Intake of(Script script) {
        return new Intake(script);
    }

    static String read(Path yaml) throws ScriptException {
        try {
            return Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScriptException(List.of(yaml + ":1: cannot read the script"));
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Intake.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * @return the loaded script
     */
    public Script script() {
        return script;
    }

    /**
     * @return the language codes the intake speaks, in order
     */
    public List<String> languages() {
        return script.languages().stream().map(Language::code).toList();
    }
}
