package org.haven.bot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.haven.bot.Intake;
import org.haven.bot.Triage;
import org.junit.jupiter.api.Test;

/** Triage rules, working groups and referral suggestions of the default intake. */
class TriagerTest {

    private final Triager triager = new Triager(Intake.defaultIntake().script());

    /** Verifies the three outcomes and their priorities. */
    @Test
    void testTriageOutcomes() {
        assertEquals(new Triager.Outcome(Triage.URGENT, 0), triager.triage(Map.of("danger_now", List.of("yes"))));
        assertEquals(new Triager.Outcome(Triage.LIKELY_IN_MANDATE, 1), triager.triage(Map.of(
                "what_happened", List.of("not_sure", "torture"), "perpetrator_in_canada", List.of("yes"))));
        assertEquals(new Triager.Outcome(Triage.LIKELY_IN_MANDATE, 2), triager.triage(Map.of(
                "what_happened", List.of("genocide"), "status", List.of("no_status"))));
        assertEquals(new Triager.Outcome(Triage.OUTSIDE_MANDATE, 3), triager.triage(Map.of(
                "what_happened", List.of("genocide"), "status", List.of("not_in_canada"))));
        assertEquals(new Triager.Outcome(Triage.OUTSIDE_MANDATE, 3), triager.triage(Map.of()));
    }

    /** Verifies that places map to the longest matching place name, and abbreviations only alone. */
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

    /** Verifies that local organisations come before national ones. */
    @Test
    void testSuggestionsPreferLocalOrganisations() {
        var orgs = triager.suggestions(Map.of("health_support", List.of("yes"), "status_risk", List.of("removal")),
                Triage.LIKELY_IN_MANDATE, "toronto");
        assertTrue(orgs.get(0).serves().contains("toronto"), orgs.toString());
        assertTrue(orgs.stream().anyMatch(o -> o.serves().contains("national")), orgs.toString());
    }
}
