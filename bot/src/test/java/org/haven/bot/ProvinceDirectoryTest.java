package org.haven.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.haven.bot.engine.AnswerParser;
import org.haven.bot.engine.Triager;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Provinces;
import org.haven.bot.script.Script;
import org.haven.bot.script.WorkingGroup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The directory's province dimension (issue 25, scopes 4 and 9), on the shipped directory: entries
 * with {@code provinces} are offered first to a person in one of them, and to no one else; a
 * channel's province hint (an SMS number's area code) gets a person in danger now their province's
 * crisis lines at once.
 */
class ProvinceDirectoryTest {

    private static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");
    private static final String SK_LINE = "HealthLine 811 (mental health support, day and night)";
    private static final String SK_VICTIMS = "Victims Services Branch (Saskatchewan)";

    private static Script script;
    private static Engine engine;

    @BeforeAll
    static void load() {
        Intake intake = Intake.defaultIntake();
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
     * province is not known, whatever their working group.
     */
    @Test
    void testProvinceEntriesAreNotOfferedElsewhere() {
        List<String> services =
                List.of(
                        Triager.CRISIS_LINE,
                        "victim services",
                        "legal aid",
                        "immigration legal",
                        "torture health");
        List<String> provinces = new ArrayList<>(Provinces.CODES);
        provinces.add(null);
        for (String province : provinces) {
            for (WorkingGroup g : script.workingGroups()) {
                // a person whose place is not known is in their group's province, if it has one
                String where =
                        province != null
                                ? province
                                : Triager.provinceOf(script, g.id()).orElse(null);
                for (Organisation o : Triager.offering(script, services, province, g.id(), 99)) {
                    assertTrue(
                            o.provinces().isEmpty() || o.provinces().contains(where),
                            province + "/" + g.id() + ": " + o.name());
                    assertTrue(
                            o.provinces().isEmpty()
                                    || o.serves().isEmpty()
                                    || o.serves().contains(g.id()),
                            province + "/" + g.id() + ": " + o.name());
                }
            }
        }
    }

    /**
     * Verifies that the Ottawa group, which straddles Ontario and Quebec, gives each side its own
     * province's services: Gatineau gets Quebec's, Ottawa Ontario's and the Ottawa crisis line,
     * which Toronto does not get.
     */
    @Test
    void testTheOttawaGroupGivesEachSideItsProvince() {
        List<String> services = List.of("victim services", "legal aid", Triager.CRISIS_LINE);
        List<String> gatineau = names(Triager.offering(script, services, "QC", "ottawa", 99));
        assertTrue(gatineau.get(0).startsWith("CAVAC"), gatineau.toString());
        assertTrue(
                gatineau.stream().anyMatch(n -> n.startsWith("Aide juridique")),
                gatineau.toString());
        assertTrue(gatineau.stream().noneMatch(n -> n.contains("Ontario")), gatineau.toString());
        List<String> ottawa = names(Triager.offering(script, services, "ON", "ottawa", 99));
        assertTrue(
                ottawa.stream().anyMatch(n -> n.startsWith("Legal Aid Ontario")),
                ottawa.toString());
        assertTrue(
                ottawa.contains("Mental Health Crisis Line (Ottawa and eastern Ontario)"),
                ottawa.toString());
        assertTrue(ottawa.stream().noneMatch(n -> n.startsWith("CAVAC")), ottawa.toString());
        List<String> toronto = names(Triager.offering(script, services, "ON", "toronto", 99));
        assertFalse(
                toronto.contains("Mental Health Crisis Line (Ottawa and eastern Ontario)"),
                toronto.toString());
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
        assertEquals(SK_VICTIMS, got.get(0), got.toString());
        assertTrue(got.contains("Legal Aid Saskatchewan"), got.toString());
        answers.put("city", List.of("Winnipeg"));
        List<String> winnipeg =
                names(triager.suggestions(answers, Triage.OUTSIDE_MANDATE, "winnipeg"));
        assertEquals("Manitoba Victim Services", winnipeg.get(0), winnipeg.toString());
        assertTrue(
                winnipeg.stream().noneMatch(n -> n.contains("Saskatchewan")), winnipeg.toString());
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
        assertTrue(said.contains(SK_LINE + " (Saskatchewan): 811"), said);
        assertTrue(said.indexOf("call 911") < said.indexOf(SK_LINE), said);
        assertTrue(said.contains("we will send you the crisis lines there"), said);
        assertTrue(
                danger.events().stream().anyMatch(e -> e instanceof Event.IntakeCompleted),
                "the urgent case is queued at once");

        // the hint is not kept: the state is the one the same step without a hint gives
        assertEquals(engine.step(at, "yes", T0).state(), danger.state());

        Turn later = engine.step(danger.state(), "I am in Winnipeg", T0);
        String then = text(later);
        assertTrue(then.contains("Klinic Crisis Line (day and night) (Manitoba)"), then);
        assertFalse(then.contains(SK_LINE), then);
    }

    /**
     * Verifies that a hint from any province or territory gets at least one crisis line of that
     * province at once (the directory has one for each).
     */
    @Test
    void testEveryProvinceHintGetsItsOwnLine() {
        ConversationState at = atDangerQuestion();
        for (String province : Provinces.CODES) {
            String said = text(engine.step(at, "yes", T0, c -> true, Optional.of(province)));
            List<Organisation> own =
                    Triager.forProvince(script, List.of(Triager.CRISIS_LINE), province);
            assertFalse(own.isEmpty(), province);
            for (Organisation o : own) {
                assertTrue(said.contains(o.name()), province + ": " + said);
            }
        }
    }

    /**
     * Verifies that without a hint, or with a code that is no province, the replies are today's.
     */
    @Test
    void testNoHintOrNoProvinceChangesNothing() {
        ConversationState at = atDangerQuestion();
        String plain = text(engine.step(at, "yes", T0));
        assertFalse(plain.contains(SK_LINE), plain);
        assertFalse(plain.contains("Crisis lines where you are"), plain);
        for (String hint : new String[] {"XX", "sk"}) {
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
