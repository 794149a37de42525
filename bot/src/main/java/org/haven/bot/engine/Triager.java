package org.haven.bot.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.haven.bot.Triage;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Question;
import org.haven.bot.script.QuestionType;
import org.haven.bot.script.ReferralRule;
import org.haven.bot.script.Script;
import org.haven.bot.script.TriageRule;
import org.haven.bot.script.WorkingGroup;

/** Applies the script's triage and referral rules, and finds the nearest working group. */
public final class Triager {

    /** The scope of organisations that serve everyone. */
    private static final String NATIONAL = "national";

    /**
     * The directory's service of crisis lines (day and night, by phone), offered at once to a
     * person in danger now.
     */
    public static final String CRISIS_LINE = "crisis line";

    /**
     * A triage decision.
     *
     * @param triage the outcome
     * @param priority the queue priority, lower is sooner
     * @param say the message that tells the person, or null for the outcome's own
     */
    public record Outcome(Triage triage, int priority, String say) {
        /**
         * An outcome told with its own message.
         *
         * @param triage the outcome
         * @param priority the queue priority
         */
        public Outcome(Triage triage, int priority) {
            this(triage, priority, null);
        }
    }

    private final Script script;

    /**
     * @param script the script whose rules to apply
     */
    public Triager(Script script) {
        this.script = script;
    }

    /**
     * @param answers the answers so far
     * @return the first triage rule that holds (the script ends with an {@code otherwise} rule)
     */
    public Outcome triage(Map<String, List<String>> answers) {
        for (TriageRule r : script.triage()) {
            if (r.when().holds(answers)) {
                return new Outcome(r.outcome(), r.priority(), r.say());
            }
        }
        return new Outcome(Triage.OUTSIDE_MANDATE, Integer.MAX_VALUE);
    }

    /**
     * @param answers the answers so far
     * @return the working group for the place given in the first city question, or the fallback
     */
    public String workingGroup(Map<String, List<String>> answers) {
        return placeAnswer(answers).map(this::groupFor).orElse(script.fallbackGroup());
    }

    /**
     * @param answers the answers so far
     * @return whether the first city question was answered (the working group is then known)
     */
    public boolean placeGiven(Map<String, List<String>> answers) {
        return placeAnswer(answers).isPresent();
    }

    private Optional<String> placeAnswer(Map<String, List<String>> answers) {
        for (Question q : script.questions()) {
            if (q.type() == QuestionType.CITY) {
                List<String> a = answers.get(q.id());
                if (a != null && !a.isEmpty()) {
                    return Optional.of(a.get(0));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Maps a typed place to a working group: the longest place name found in the text wins; short
     * abbreviations ("ON", "BC") only count as the whole answer.
     *
     * @param place a city or province as typed
     * @return the group id, or the fallback group
     */
    public String groupFor(String place) {
        return placeNamed(place).orElse(script.fallbackGroup());
    }

    /**
     * @param text anything the person wrote
     * @return the working group of the longest place name found in it (the fallback group's own
     *     places included), or empty when it names none
     */
    public Optional<String> placeNamed(String text) {
        String best = null;
        int bestLen = 0;
        for (WorkingGroup g : script.workingGroups()) {
            for (String p : g.places()) {
                int len = Normalizer.words(p).length();
                if (len > bestLen && Normalizer.mentions(text, p)) {
                    best = g.id();
                    bestLen = len;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * @param answers the answers
     * @param triage the triage outcome
     * @param group the working group
     * @return organisations to suggest: local ones first, then national, at most the script's
     *     maximum
     */
    public List<Organisation> suggestions(
            Map<String, List<String>> answers, Triage triage, String group) {
        Set<String> services = new LinkedHashSet<>();
        for (ReferralRule r : script.referrals()) {
            if ((r.when() == null || r.when().holds(answers))
                    && (r.outcome() == null || r.outcome() == triage)) {
                services.addAll(r.services());
            }
        }
        return offering(script, services, group, script.maxSuggestions());
    }

    /**
     * The organisations of the directory that offer any of these services: the working group's
     * first, then the national ones, by service and then in directory order.
     *
     * @param script the script (its directory)
     * @param services service names
     * @param group the working group
     * @param max the most to give
     * @return at most {@code max} organisations, each once
     */
    public static List<Organisation> offering(
            Script script, Collection<String> services, String group, int max) {
        LinkedHashSet<Organisation> out = new LinkedHashSet<>();
        for (String scope : List.of(group, NATIONAL)) {
            for (String service : services) {
                for (Organisation o : script.directory()) {
                    if (o.serves().contains(scope) && o.services().contains(service)) {
                        out.add(o);
                    }
                }
            }
        }
        List<Organisation> list = new ArrayList<>(out);
        return list.subList(0, Math.min(list.size(), max));
    }
}
