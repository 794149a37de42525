package org.haven.bot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.haven.bot.Intake;
import org.haven.bot.Triage;
import org.haven.bot.docs.DocSection;
import org.haven.bot.script.Script;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Triage rules, working groups and referral suggestions of the default intake. */
class TriagerTest {

    private final Triager triager = new Triager(Intake.defaultIntake().script());

    private static final Script SCRIPT = Intake.defaultIntake().script();
    private static final AnswerParser PARSER = new AnswerParser(SCRIPT);

    /**
     * One case: what the person answered (typed text goes through the parser, as in a
     * conversation).
     */
    /** Answers as parsed, remembering how they were typed (for the table in docs/intake.md). */
    private static final class Said extends LinkedHashMap<String, List<String>> {
        private final List<String> typed = new ArrayList<>();
    }

    private static Map<String, List<String>> answers(String... pairs) {
        Said m = new Said();
        for (int i = 0; i < pairs.length; i += 2) {
            String id = pairs[i];
            String said = pairs[i + 1];
            m.typed.add("`" + id + "`: " + said);
            if (said.equals("(skipped)")) {
                m.put(id, List.of());
                continue;
            }
            var parsed = PARSER.parse(SCRIPT.question(id).orElseThrow(), said, "en", 2026);
            if (parsed instanceof AnswerParser.Accepted a) {
                m.put(id, a.values());
            } else if (parsed instanceof AnswerParser.Typed t) {
                m.put(id, List.of("typed:" + t.text()));
            } else {
                throw new IllegalArgumentException(id + ": " + said + " → " + parsed);
            }
        }
        return m;
    }

    static Stream<Arguments> mandateCases() {
        return Stream.of(
                // label, answers, outcome, priority, told with
                Arguments.of(
                        "torture in Syria, perpetrator in Canada, refugee",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Syria",
                                "status",
                                "refugee",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.LIKELY_IN_MANDATE,
                        1,
                        null),
                Arguments.of(
                        "Rwandan genocide, perpetrator in Canada, citizen",
                        answers(
                                "what_happened",
                                "genocide",
                                "country",
                                "Rwanda",
                                "status",
                                "citizen",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.LIKELY_IN_MANDATE,
                        1,
                        null),
                Arguments.of(
                        "war crimes in Bosnia, perpetrator not in Canada, permanent resident",
                        answers(
                                "what_happened",
                                "war crimes",
                                "country",
                                "Bosnia",
                                "status",
                                "permanent_resident",
                                "perpetrator_in_canada",
                                "no"),
                        Triage.LIKELY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "crimes against humanity in Myanmar, refugee claimant, perpetrator unknown",
                        answers(
                                "what_happened",
                                "4",
                                "country",
                                "Myanmar",
                                "status",
                                "refugee",
                                "perpetrator_in_canada",
                                "dont_know"),
                        Triage.LIKELY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "relative disappeared in Sri Lanka, family member, citizen",
                        answers(
                                "what_happened",
                                "other_serious",
                                "country",
                                "Sri Lanka",
                                "status",
                                "citizen",
                                "perpetrator_in_canada",
                                "dont_know"),
                        Triage.LIKELY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "sexual violence in war in DR Congo, perpetrator in Canada",
                        answers(
                                "what_happened",
                                "other_serious",
                                "country",
                                "DR Congo",
                                "status",
                                "no_status",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.LIKELY_IN_MANDATE,
                        1,
                        null),
                Arguments.of(
                        "torture in Iran, survivor abroad, perpetrator in Canada",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Iran",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.LIKELY_IN_MANDATE,
                        1,
                        null),
                Arguments.of(
                        "torture in Syria, removal order",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Syria",
                                "status",
                                "other_status",
                                "perpetrator_in_canada",
                                "no",
                                "status_risk",
                                "removal"),
                        Triage.LIKELY_IN_MANDATE,
                        1,
                        null),
                Arguments.of(
                        "killing of a relative in Canada by someone in Canada",
                        answers(
                                "what_happened",
                                "other_serious",
                                "country",
                                "Canada",
                                "status",
                                "citizen",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        "outcome_in_canada"),
                Arguments.of(
                        "assault typed as 'Toronto, Canada'",
                        answers(
                                "what_happened",
                                "not_sure",
                                "country",
                                "Toronto, Canada",
                                "status",
                                "permanent_resident",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        "outcome_in_canada"),
                Arguments.of(
                        "crime in Canada written in Arabic, with a removal order",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "كندا",
                                "status",
                                "refugee",
                                "perpetrator_in_canada",
                                "yes",
                                "status_risk",
                                "removal"),
                        Triage.OUTSIDE_MANDATE,
                        2,
                        "outcome_in_canada"),
                Arguments.of(
                        "torture in Canada written in Spanish",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Canadá",
                                "status",
                                "refugee",
                                "perpetrator_in_canada",
                                "dont_know"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        "outcome_in_canada"),
                Arguments.of(
                        "Rwandan genocide survivor ticks 'not sure', perpetrator in Canada",
                        answers(
                                "what_happened",
                                "not_sure",
                                "country",
                                "Rwanda",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.POSSIBLY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "not sure, Eritrea, refugee, perpetrator unknown",
                        answers(
                                "what_happened",
                                "not_sure",
                                "country",
                                "Eritrea",
                                "status",
                                "refugee",
                                "perpetrator_in_canada",
                                "dont_know"),
                        Triage.POSSIBLY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "what happened skipped, perpetrator in Canada",
                        answers(
                                "what_happened",
                                "(skipped)",
                                "country",
                                "Iraq",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.POSSIBLY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "told in their own words, permanent resident",
                        answers(
                                "what_happened",
                                "they took my brother from our house at night",
                                "country",
                                "Syria",
                                "status",
                                "permanent_resident"),
                        Triage.POSSIBLY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "not sure, no status, in detention",
                        answers(
                                "what_happened",
                                "not_sure",
                                "country",
                                "Haiti",
                                "status",
                                "no_status",
                                "perpetrator_in_canada",
                                "no",
                                "status_risk",
                                "detention"),
                        Triage.POSSIBLY_IN_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "torture in Iran, no link to Canada",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Iran",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "no"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        null),
                Arguments.of(
                        "not sure, no link to Canada",
                        answers(
                                "what_happened",
                                "not_sure",
                                "country",
                                "Mexico",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "no"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        null),
                Arguments.of(
                        "only a Safe Third Country question",
                        answers(
                                "what_happened",
                                "(skipped)",
                                "status",
                                "not_in_canada",
                                "perpetrator_in_canada",
                                "no",
                                "status_risk",
                                "stca"),
                        Triage.OUTSIDE_MANDATE,
                        2,
                        null),
                Arguments.of(
                        "everything skipped",
                        answers(
                                "what_happened",
                                "(skipped)",
                                "country",
                                "(skipped)",
                                "status",
                                "(skipped)",
                                "perpetrator_in_canada",
                                "(skipped)"),
                        Triage.OUTSIDE_MANDATE,
                        3,
                        null),
                Arguments.of("danger now", answers("danger_now", "yes"), Triage.URGENT, 0, null),
                Arguments.of(
                        "danger now, crime in Canada",
                        answers(
                                "danger_now",
                                "yes",
                                "what_happened",
                                "torture",
                                "country",
                                "Canada",
                                "perpetrator_in_canada",
                                "yes"),
                        Triage.URGENT,
                        0,
                        null),
                Arguments.of(
                        "'Canadian' in a country name is not Canada",
                        answers(
                                "what_happened",
                                "torture",
                                "country",
                                "Syria (I am Canadian now)",
                                "status",
                                "citizen",
                                "perpetrator_in_canada",
                                "no"),
                        Triage.LIKELY_IN_MANDATE,
                        2,
                        null));
    }

    /**
     * Verifies the triage of cases drawn from the mandate (brief; seed 000): international crimes
     * abroad with a link to Canada are in the mandate, first when the person responsible is in
     * Canada; crimes in Canada go to police, victim services and legal aid; "not sure" with a link
     * to Canada goes to a person, never told "outside". Before, the country was ignored (the
     * killing of a relative in Canada was "likely in mandate", 1) and "not sure" with the
     * perpetrator in Canada was "outside".
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mandateCases")
    void testTriageTable(
            String label,
            Map<String, List<String>> answers,
            Triage outcome,
            int priority,
            String say) {
        assertEquals(new Triager.Outcome(outcome, priority, say), triager.triage(answers), label);
    }

    /**
     * Verifies that docs/intake.md shows the triage table as it is: each case's answers (as typed),
     * the expected outcome and priority, and the outcome the rules give, which {@link
     * #testTriageTable} holds equal to it.
     */
    @Test
    void testTriageTableInDocsIsTrue() {
        StringBuilder b = new StringBuilder();
        b.append("| # | case | answers (as typed) | expected | actual |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        int n = 0;
        for (Arguments a : mandateCases().toList()) {
            Object[] c = a.get();
            @SuppressWarnings("unchecked")
            Map<String, List<String>> answers = (Map<String, List<String>>) c[1];
            Triager.Outcome actual = triager.triage(answers);
            b.append("| ")
                    .append(++n)
                    .append(" | ")
                    .append(c[0])
                    .append(" | ")
                    .append(String.join("; ", ((Said) answers).typed))
                    .append(" | ")
                    .append(outcome((Triage) c[2], (int) c[3], (String) c[4]))
                    .append(" | ")
                    .append(outcome(actual.triage(), actual.priority(), actual.say()))
                    .append(" |\n");
        }
        DocSection.check("triage-table", b.toString());
    }

    private static String outcome(Triage t, int priority, String say) {
        return "`" + t + "`, " + priority + (say == null ? "" : ", told with `" + say + "`");
    }

    /** Verifies that the table holds at least twenty cases and every outcome a rule can give. */
    @Test
    void testTriageTableCoversEveryOutcome() {
        List<Arguments> cases = mandateCases().toList();
        assertTrue(cases.size() >= 20, "cases: " + cases.size());
        for (Triage t :
                List.of(
                        Triage.URGENT,
                        Triage.LIKELY_IN_MANDATE,
                        Triage.POSSIBLY_IN_MANDATE,
                        Triage.OUTSIDE_MANDATE)) {
            assertTrue(cases.stream().anyMatch(c -> c.get()[2] == t), t.toString());
        }
    }

    /**
     * Verifies that places map to the longest matching place name, and abbreviations only alone.
     */
    @Test
    void testGroupForPlaces() {
        assertEquals("victoria", triager.groupFor("Nanaimo, Vancouver Island"));
        assertEquals("vancouver", triager.groupFor("North Vancouver"));
        assertEquals("montreal", triager.groupFor("QC"));
        assertEquals("toronto", triager.groupFor("on"));
        assertEquals("national", triager.groupFor("I live on a farm"));
        assertEquals("halifax", triager.groupFor("nouvelle-écosse"));
        assertEquals("national", triager.groupFor("Iqaluit"));
    }

    /**
     * Verifies that cities and provinces are recognised in every language and script of the script,
     * and in common spellings (before, "Toronto" in Arabic or Persian went to the national office).
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "تورنتو, toronto",
        "تورونتو, toronto",
        "Торонто, toronto",
        "ቶሮንቶ, toronto",
        "Toranto, toronto",
        "مونتريال, montreal",
        "مونترال, montreal",
        "Монреаль, montreal",
        "Monreal, montreal",
        "كيبيك, montreal",
        "Montréal, montreal",
        "Montreal QC, montreal",
        "أوتاوا, ottawa",
        "Оттава, ottawa",
        "Ottowa, ottawa",
        "وينيبيغ, winnipeg",
        "وینیپگ, winnipeg",
        "Winipeg, winnipeg",
        "كالجاري, edmonton",
        "Калгарі, edmonton",
        "فانكوفر, vancouver",
        "ونکوور, vancouver",
        "Ванкувер, vancouver",
        "Columbia Británica, vancouver",
        "هاليفاكس, halifax",
        "Nueva Escocia, halifax",
        "ویکتوریا, victoria",
        "ኖቫ ስኮሸያ, halifax",
        "ማኒቶባ, winnipeg",
        "ኣብ ማኒቶባ እየ ዝነብር, winnipeg",
        "ኣልበርታ, edmonton",
        "አልበርታ, edmonton",
        "ብሪቲሽ ኮሎምብያ, vancouver",
        "Regina, national",
        "ريجاينا, national",
        "رجینا, national",
        "ساسکاچوان, national",
        "Реджайна, national",
        "ረጂና, national",
        "ሳስካቸዋን, national",
        "ኒው ብሩንስዊክ, national"
    })
    void testGroupForPlacesInEveryScript(String place, String group) {
        // recognised as a place, never reached by falling back to the national office
        assertEquals(Optional.of(group), triager.placeNamed(place), place);
        assertEquals(group, triager.groupFor(place));
    }

    /**
     * Verifies that a place names its province or territory, in any of the script's languages, the
     * provinces without a working group included, and a group's place in another province
     * (Gatineau, of the Ottawa group, is in Quebec).
     */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "Toronto, ON",
        "تورنتو, ON",
        "Ottawa, ON",
        "Gatineau, QC",
        "Montréal, QC",
        "Halifax, NS",
        "Winnipeg, MB",
        "كالجاري, AB",
        "Nanaimo, BC",
        "Regina, SK",
        "ረጂና, SK",
        "Реджайна, SK",
        "ኒው ብሩንስዊክ, NB",
        "Moncton, NB",
        "St. John's, NL",
        "Charlottetown, PE",
        "Whitehorse, YT",
        "Yellowknife, NT",
        "Iqaluit, NU"
    })
    void testProvinceForPlacesInEveryScript(String place, String province) {
        assertEquals(Optional.of(province), triager.provinceNamed(place), place);
    }

    /** Verifies that every place of the default script is listed under a province or territory. */
    @Test
    void testEveryPlaceHasAProvince() {
        for (var g : SCRIPT.workingGroups()) {
            for (String p : g.places()) {
                assertTrue(g.province(p).isPresent(), g.id() + ": " + p);
            }
        }
        assertEquals(Optional.empty(), triager.provinceNamed("I live on a farm"));
    }

    /**
     * Verifies that suggestions fit the person's province: a crime in Canada in Winnipeg gets
     * Manitoba's victim services and legal aid, not campaigns; trauma support in Winnipeg gets a
     * national line; an immigration risk in Quebec gets Quebec's legal aid.
     */
    @Test
    void testSuggestionsFitTheProvince() {
        var domestic =
                triager.suggestions(
                        answers("country", "Canada", "health_support", "no"),
                        Triage.OUTSIDE_MANDATE,
                        "winnipeg");
        assertTrue(
                domestic.stream().anyMatch(o -> o.name().contains("Manitoba Victim Services")),
                domestic.toString());
        assertTrue(
                domestic.stream().anyMatch(o -> o.name().contains("Legal Aid Manitoba")),
                domestic.toString());
        assertTrue(
                domestic.stream().noneMatch(o -> o.services().contains("campaigns")),
                domestic.toString());
        var trauma =
                triager.suggestions(
                        answers("health_support", "yes"), Triage.LIKELY_IN_MANDATE, "winnipeg");
        assertTrue(
                trauma.stream().anyMatch(o -> o.services().contains("torture health")),
                trauma.toString());
        var quebec =
                triager.suggestions(
                        answers("status_risk", "removal"), Triage.LIKELY_IN_MANDATE, "montreal");
        assertTrue(quebec.get(0).name().contains("Aide juridique du Québec"), quebec.toString());
        for (Triage t : Triage.values()) {
            for (var g : SCRIPT.workingGroups()) {
                assertTrue(
                        triager
                                .suggestions(
                                        answers(
                                                "country",
                                                "Canada",
                                                "status_risk",
                                                "removal",
                                                "health_support",
                                                "yes"),
                                        t,
                                        g.id())
                                .stream()
                                .noneMatch(o -> o.services().contains("campaigns")),
                        g.id());
            }
        }
    }

    /** Verifies that local organisations come before national ones. */
    @Test
    void testSuggestionsPreferLocalOrganisations() {
        var orgs =
                triager.suggestions(
                        Map.of("health_support", List.of("yes"), "status_risk", List.of("removal")),
                        Triage.LIKELY_IN_MANDATE,
                        "toronto");
        assertTrue(
                orgs.get(0).serves().contains("toronto") || orgs.get(0).provinces().contains("ON"),
                orgs.toString());
        assertTrue(orgs.stream().anyMatch(o -> o.serves().contains("national")), orgs.toString());
    }
}
