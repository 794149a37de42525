package org.haven.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.haven.bot.engine.AnswerParser;
import org.haven.bot.engine.Triager;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Script;
import org.haven.bot.script.WorkingGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory's province dimension (issue 25, scope 4): entries with {@code provinces} are
 * offered first to a person in one of them, and to no one else; a channel's province hint (an SMS
 * number's area code) gets a person in danger now their province's crisis lines at once. The
 * directory here is the shipped one plus TEST-ONLY entries ({@code
 * provinces/test-only-entries.yaml}).
 */
class ProvinceDirectoryTest {

    private static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");
    private static final String SK_LINE = "TEST-ONLY Saskatchewan crisis line";

    @TempDir static Path dir;

    private static Script script;
    private static Engine engine;

    private static String resource(String name) throws IOException {
        try (InputStream in =
                ProvinceDirectoryTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void load() throws Exception {
        Path yaml = dir.resolve("intake.yaml");
        Files.writeString(yaml, resource("intake/default.yaml"), StandardCharsets.UTF_8);
        String directory = resource("intake/directory.yaml");
        Files.writeString(
                dir.resolve("directory.yaml"),
                directory
                        + (directory.endsWith("\n") ? "" : "\n")
                        + resource("provinces/test-only-entries.yaml"),
                StandardCharsets.UTF_8);
        Intake intake = Intake.load(yaml);
        script = intake.script();
        engine = new Engine(intake, EngineSettings.defaults());
    }

    private static List<String> names(List<Organisation> orgs) {
        return orgs.stream().map(Organisation::name).toList();
    }

    /**
     * Verifies that a person in Saskatchewan (a province without a working group) is offered
     * Saskatchewan's entries first, then the national ones.
     */
    @Test
    void testProvinceEntriesComeFirst() {
        List<String> lines =
                names(Triager.offering(script, List.of(Triager.CRISIS_LINE), "SK", "national", 99));
        assertEquals(SK_LINE, lines.get(0), lines.toString());
        assertTrue(lines.stream().anyMatch(n -> n.startsWith("988")), lines.toString());
    }

    /**
     * Verifies that an entry for a province is offered to no one outside it, nor to a person whose
     * province is not known.
     */
    @Test
    void testProvinceEntriesAreNotOfferedElsewhere() {
        for (String province : new String[] {"ON", "MB", null}) {
            for (WorkingGroup g : script.workingGroups()) {
                List<String> all =
                        names(
                                Triager.offering(
                                        script,
                                        List.of(
                                                Triager.CRISIS_LINE,
                                                "victim services",
                                                "legal aid"),
                                        province,
                                        g.id(),
                                        99));
                assertTrue(
                        all.stream()
                                .noneMatch(
                                        n ->
                                                n.contains("Saskatchewan")
                                                        && n.startsWith("TEST-ONLY")),
                        province + "/" + g.id() + ": " + all);
                if (!"QC".equals(province)) {
                    assertFalse(all.contains("TEST-ONLY Gatineau victim services"), all.toString());
                }
            }
        }
        // an entry with both: its province and its working group
        List<String> gatineau =
                names(Triager.offering(script, List.of("victim services"), "QC", "ottawa", 99));
        assertEquals("TEST-ONLY Gatineau victim services", gatineau.get(0), gatineau.toString());
        List<String> ottawa =
                names(Triager.offering(script, List.of("victim services"), "ON", "ottawa", 99));
        assertFalse(ottawa.contains("TEST-ONLY Gatineau victim services"), ottawa.toString());
    }

    /**
     * Verifies that where no entry names provinces, the order is today's: the same list with or
     * without the person's province (the shipped directory).
     */
    @Test
    void testWithoutProvincesTheOrderIsAsBefore() {
        Script shipped = Intake.defaultIntake().script();
        List<String> services =
                List.of(
                        Triager.CRISIS_LINE,
                        "victim services",
                        "legal aid",
                        "immigration legal",
                        "torture health");
        for (WorkingGroup g : shipped.workingGroups()) {
            for (String province : new String[] {"SK", "ON", "QC", "MB", "NU"}) {
                assertEquals(
                        Triager.offering(shipped, services, g.id(), 99),
                        Triager.offering(shipped, services, province, g.id(), 99),
                        g.id() + "/" + province);
            }
        }
    }

    /**
     * Verifies that a crime in Canada, in Saskatoon, gets Saskatchewan's victim services and legal
     * aid first, and the person's province is read from the place they gave.
     */
    @Test
    void testSuggestionsPreferThePlacesProvince() {
        Triager triager = new Triager(script);
        AnswerParser parser = new AnswerParser(script);
        Map<String, List<String>> answers = new LinkedHashMap<>();
        for (String[] qa : new String[][] {{"country", "Canada"}, {"health_support", "no"}}) {
            var parsed = parser.parse(script.question(qa[0]).orElseThrow(), qa[1], "en", 2026);
            answers.put(qa[0], ((AnswerParser.Accepted) parsed).values());
        }
        answers.put("city", List.of("Saskatoon"));
        assertEquals(Optional.of("SK"), triager.province(answers));
        List<String> got = names(triager.suggestions(answers, Triage.OUTSIDE_MANDATE, "national"));
        assertEquals(
                "TEST-ONLY Saskatchewan victim services and legal aid", got.get(0), got.toString());
        answers.put("city", List.of("Winnipeg"));
        List<String> winnipeg =
                names(triager.suggestions(answers, Triage.OUTSIDE_MANDATE, "winnipeg"));
        assertTrue(
                winnipeg.stream().noneMatch(n -> n.startsWith("TEST-ONLY")), winnipeg.toString());
    }

    /** The conversation up to the danger question, by SMS. */
    private static ConversationState atDangerQuestion() {
        Turn t = engine.start("sms", T0);
        for (String say : List.of("1", "1", "1")) {
            t = engine.step(t.state(), say, T0);
        }
        assertTrue(text(t).contains("in danger right now?"), text(t));
        return t.state();
    }

    private static String text(Turn t) {
        StringBuilder b = new StringBuilder();
        t.replies().forEach(r -> b.append(r.text()).append('\n'));
        return b.toString();
    }

    /**
     * Verifies that a person in danger now whose number hints Saskatchewan gets Saskatchewan's
     * crisis line in the same reply as 911, with the offer to name their place still open; and that
     * a place they name later wins.
     */
    @Test
    void testHintedProvinceCrisisLinesComeAtOnce() {
        ConversationState at = atDangerQuestion();
        Turn danger = engine.step(at, "yes", T0, c -> true, Optional.of("SK"));
        String said = text(danger);
        assertTrue(said.contains("call 911"), said);
        assertTrue(said.contains("Crisis lines where you are"), said);
        assertTrue(said.contains(SK_LINE + " (Saskatchewan): 1-306-555-0199"), said);
        assertTrue(said.indexOf("call 911") < said.indexOf(SK_LINE), said);
        assertTrue(said.contains("we will send you the crisis lines there"), said);
        assertTrue(
                danger.events().stream().anyMatch(e -> e instanceof Event.IntakeCompleted),
                "the urgent case is queued at once");

        // the hint is not kept: the state is the one the same step without a hint gives
        assertEquals(engine.step(at, "yes", T0).state(), danger.state());

        Turn later = engine.step(danger.state(), "I am in Winnipeg", T0);
        String then = text(later);
        assertTrue(then.contains("Manitoba Domestic Violence Crisis Line"), then);
        assertFalse(then.contains(SK_LINE), then);
    }

    /**
     * Verifies that without a hint, or with one for a province that has no entries of its own, or
     * with a code that is no province, the replies are today's.
     */
    @Test
    void testNoHintOrAnEmptyProvinceChangesNothing() {
        ConversationState at = atDangerQuestion();
        String plain = text(engine.step(at, "yes", T0));
        assertFalse(plain.contains(SK_LINE), plain);
        assertFalse(plain.contains("Crisis lines where you are"), plain);
        for (String hint : new String[] {"MB", "ON", "XX", "sk"}) {
            assertEquals(
                    plain, text(engine.step(at, "yes", T0, c -> true, Optional.of(hint))), hint);
        }
    }

    /**
     * Verifies that a hint given at an earlier step is not remembered: only the step where the
     * person says they are in danger uses it.
     */
    @Test
    void testHintServesItsStepOnly() {
        Turn t = engine.start("sms", T0);
        for (String say : List.of("1", "1", "1")) {
            t = engine.step(t.state(), say, T0, c -> true, Optional.of("SK"));
        }
        String said = text(engine.step(t.state(), "yes", T0));
        assertFalse(said.contains(SK_LINE), said);
    }

    /**
     * Verifies that a place of a province without a working group, named after the urgent hand-off,
     * gets that province's crisis lines first (before: the national ones only).
     */
    @Test
    void testPlaceNamedLaterGetsItsProvincesLines() {
        Turn danger = engine.step(atDangerQuestion(), "yes", T0);
        String then = text(engine.step(danger.state(), "Regina", T0));
        assertTrue(then.contains("- " + SK_LINE), then);
        assertTrue(then.indexOf(SK_LINE) < then.indexOf("988"), then);
    }
}
