package org.haven.bot.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A part of {@code docs/intake.md} that a test computes (a table of counts, the triage table),
 * between {@code <!-- NAME:start -->} and {@code <!-- NAME:end -->}. The test fails when the file
 * says something else; run it with {@code -Dhaven.docs.write=true} to write what it computed.
 */
public final class DocSection {

    /** The intake's document, from the bot module (the tests' working directory). */
    public static final Path INTAKE_MD = Path.of("..", "docs", "intake.md");

    private DocSection() {}

    /**
     * Checks (or writes) one section.
     *
     * @param name the section's marker name
     * @param computed what the section must say
     */
    public static void check(String name, String computed) {
        String start = "<!-- " + name + ":start -->\n";
        String end = "<!-- " + name + ":end -->";
        try {
            String doc = Files.readString(INTAKE_MD, StandardCharsets.UTF_8);
            int i = doc.indexOf(start);
            int j = doc.indexOf(end);
            if (i < 0 || j < i) {
                throw new AssertionError(INTAKE_MD + " has no section " + name);
            }
            String current = doc.substring(i + start.length(), j);
            if (Boolean.getBoolean("haven.docs.write") && !current.equals(computed)) {
                Files.writeString(
                        INTAKE_MD,
                        doc.substring(0, i + start.length()) + computed + doc.substring(j),
                        StandardCharsets.UTF_8);
                return;
            }
            assertEquals(
                    computed,
                    current,
                    "docs/intake.md, section "
                            + name
                            + ", is out of date: run the test with -Dhaven.docs.write=true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
