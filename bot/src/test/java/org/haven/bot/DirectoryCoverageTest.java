package org.haven.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.haven.bot.engine.Triager;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Provinces;
import org.haven.bot.script.ReferralRule;
import org.haven.bot.script.Script;
import org.haven.bot.script.WorkingGroup;
import org.junit.jupiter.api.Test;

/**
 * What the shipped directory offers a person in each province and territory (issue 25, scopes 7 and
 * 9): victim services, legal aid and a crisis line of their own province, immigration legal help
 * where one exists, support for survivors of torture everywhere, and never a campaigning
 * organisation as a service.
 */
class DirectoryCoverageTest {

    private static final Script SCRIPT = Intake.defaultIntake().script();

    /** The working groups a person of this province can be in: those with places there. */
    private static List<String> groupsOf(String province) {
        List<String> groups = new ArrayList<>();
        for (WorkingGroup g : SCRIPT.workingGroups()) {
            if (g.provinces().containsValue(province)) {
                groups.add(g.id());
            }
        }
        assertFalse(groups.isEmpty(), province + " has no place in any working group");
        return groups;
    }

    /** Whether an entry is the province's own: named for it, or serving a group there. */
    private static boolean own(Organisation o, String province, String group) {
        return o.provinces().contains(province)
                || (o.provinces().isEmpty()
                        && o.serves().contains(group)
                        && !group.equals(SCRIPT.fallbackGroup()));
    }

    private static List<Organisation> offered(String service, String province, String group) {
        return Triager.offering(SCRIPT, List.of(service), province, group, 99);
    }

    /**
     * Verifies that in every province and territory, whatever working group its places lead to, a
     * person is offered victim services, legal aid and a crisis line of their own province.
     */
    @Test
    void testEveryProvinceHasItsOwnVictimServicesLegalAidAndCrisisLine() {
        assertEquals(13, Provinces.CODES.size());
        for (String province : Provinces.CODES) {
            for (String group : groupsOf(province)) {
                for (String service :
                        List.of("victim services", "legal aid", Triager.CRISIS_LINE)) {
                    List<Organisation> got = offered(service, province, group);
                    assertTrue(
                            got.stream().anyMatch(o -> own(o, province, group)),
                            province + "/" + group + " " + service + ": " + got);
                }
            }
        }
    }

    /**
     * Verifies that a province's own entries are listed before the national ones, within the
     * script's maximum of suggestions.
     */
    @Test
    void testOwnEntriesComeBeforeNationalOnes() {
        for (String province : Provinces.CODES) {
            for (String group : groupsOf(province)) {
                List<Organisation> got =
                        Triager.offering(
                                SCRIPT,
                                List.of("victim services", "legal aid"),
                                province,
                                group,
                                SCRIPT.maxSuggestions());
                assertTrue(own(got.get(0), province, group), province + ": " + got);
            }
        }
    }

    /**
     * Verifies that immigration legal help is offered everywhere, the province's own where the
     * directory has one (all but New Brunswick, whose refugee clinic has no public contact, Prince
     * Edward Island and the territories, where none exists), and the national council otherwise.
     */
    @Test
    void testImmigrationLegalHelpEverywhere() {
        Set<String> none = Set.of("NB", "PE", "YT", "NT", "NU");
        for (String province : Provinces.CODES) {
            for (String group : groupsOf(province)) {
                List<Organisation> got = offered("immigration legal", province, group);
                assertFalse(got.isEmpty(), province);
                assertEquals(
                        !none.contains(province),
                        got.stream().anyMatch(o -> own(o, province, group)),
                        province + "/" + group + ": " + got);
            }
        }
    }

    /**
     * Verifies that a person anywhere who asks for health support as a survivor of torture or war
     * is offered the centres for survivors, never only a suicide line (988 was tagged so before).
     */
    @Test
    void testTortureSupportEverywhereAndNotA988Tag() {
        for (String province : Provinces.CODES) {
            for (String group : groupsOf(province)) {
                List<Organisation> got = offered("torture health", province, group);
                assertFalse(got.isEmpty(), province + "/" + group);
                assertTrue(got.stream().noneMatch(o -> o.name().startsWith("988")), got.toString());
            }
        }
        for (Organisation o : SCRIPT.directory()) {
            if (o.name().startsWith("988") || o.name().startsWith("211")) {
                assertFalse(o.services().contains("torture health"), o.name());
            }
            if (o.name().startsWith("211")) {
                assertFalse(o.services().contains(Triager.CRISIS_LINE), "211 is not a crisis line");
            }
        }
    }

    /**
     * Verifies that no referral rule can suggest a campaigning organisation: those offer only
     * {@code campaigns}, which no rule names.
     */
    @Test
    void testCampaignsAreNeverSuggested() {
        for (ReferralRule r : SCRIPT.referrals()) {
            assertFalse(r.services().contains("campaigns"), r.toString());
        }
        for (Organisation o : SCRIPT.directory()) {
            if (o.name().startsWith("Amnesty")) {
                assertEquals(List.of("campaigns"), o.services());
            }
        }
    }
}
