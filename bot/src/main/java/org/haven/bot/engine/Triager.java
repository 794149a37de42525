package org.haven.bot.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
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

    /** The script's place names, each normalised once (they are matched at most answers). */
    private final List<NamedPlace> places;

    /**
     * @param script the script whose rules to apply
     */
    public Triager(Script script) {
        this.script = script;
        this.places = namedPlaces(script);
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
        return longestPlace(text).map(p -> p.group().id());
    }

    /**
     * @param text anything the person wrote
     * @return the province or territory code of the longest place name found in it, or empty when
     *     it names none or that place is listed under no province
     */
    public Optional<String> provinceNamed(String text) {
        return longestPlace(text).flatMap(p -> p.group().province(p.place()));
    }

    /**
     * @param answers the answers so far
     * @return the province or territory of the place given in the first city question, if known
     */
    public Optional<String> province(Map<String, List<String>> answers) {
        return placeAnswer(answers).flatMap(this::provinceNamed);
    }

    /** A place name of the script, found in what a person wrote. */
    private record Place(WorkingGroup group, String place) {}

    /** A place name of the script with its words as {@link Normalizer#words} gives them. */
    private record NamedPlace(Place place, String words) {}

    private static List<NamedPlace> namedPlaces(Script script) {
        List<NamedPlace> named = new ArrayList<>();
        for (WorkingGroup g : script.workingGroups()) {
            for (String p : g.places()) {
                named.add(new NamedPlace(new Place(g, p), Normalizer.words(p)));
            }
        }
        return List.copyOf(named);
    }

    private Optional<Place> longestPlace(String text) {
        String said = Normalizer.words(text);
        Place best = null;
        int bestLen = 0;
        for (NamedPlace p : places) {
            int len = p.words().length();
            if (len > bestLen && Normalizer.wordsMention(said, p.words())) {
                best = p.place();
                bestLen = len;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * @param answers the answers
     * @param triage the triage outcome
     * @param group the working group
     * @return organisations to suggest: those of the person's province first (as their place says),
     *     then their working group's, then national, at most the script's maximum
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
        return offering(
                script, services, province(answers).orElse(null), group, script.maxSuggestions());
    }

    /**
     * The organisations of the directory that offer any of these services: the working group's
     * first, then the national ones, by service and then in directory order (entries for a province
     * are left out, the person's province not being known).
     *
     * @param script the script (its directory)
     * @param services service names
     * @param group the working group
     * @param max the most to give
     * @return at most {@code max} organisations, each once
     */
    public static List<Organisation> offering(
            Script script, Collection<String> services, String group, int max) {
        return offering(script, services, null, group, max);
    }

    /**
     * The organisations of the directory that offer any of these services: those for the person's
     * province first, then the working group's, then the national ones, each by service and then in
     * directory order. An entry that names provinces is offered only to a person in one of them
     * (and, if it also names working groups, in one of those); entries without provinces are
     * offered as they always were. A person whose province is not known is taken to be in their
     * working group's province when all the group's places lie in one ({@link #provinceOf}).
     *
     * @param script the script (its directory)
     * @param services service names
     * @param province the person's province or territory code, or null when not known
     * @param group the working group
     * @param max the most to give
     * @return at most {@code max} organisations, each once
     */
    public static List<Organisation> offering(
            Script script, Collection<String> services, String province, String group, int max) {
        String where = province != null ? province : provinceOf(script, group).orElse(null);
        LinkedHashSet<Organisation> out = new LinkedHashSet<>();
        if (where != null) {
            for (String service : services) {
                for (Organisation o : script.directory()) {
                    if (o.provinces().contains(where)
                            && (o.serves().isEmpty() || o.serves().contains(group))
                            && o.services().contains(service)) {
                        out.add(o);
                    }
                }
            }
        }
        for (String scope : List.of(group, NATIONAL)) {
            for (String service : services) {
                for (Organisation o : script.directory()) {
                    if (o.serves().contains(scope)
                            && o.servesProvince(where)
                            && o.services().contains(service)) {
                        out.add(o);
                    }
                }
            }
        }
        List<Organisation> list = new ArrayList<>(out);
        return list.subList(0, Math.min(list.size(), max));
    }

    /**
     * @param script the script
     * @param group a working group id
     * @return the one province or territory all the group's places lie in, if they all name the
     *     same one (Montreal's group: QC; Ottawa's, with Gatineau, none; the fallback group, none)
     */
    public static Optional<String> provinceOf(Script script, String group) {
        for (WorkingGroup g : script.workingGroups()) {
            if (g.id().equals(group) && !g.places().isEmpty()) {
                Set<String> codes = new HashSet<>();
                for (String place : g.places()) {
                    codes.add(g.province(place).orElse(""));
                }
                return codes.size() == 1 && !codes.contains("")
                        ? Optional.of(codes.iterator().next())
                        : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The organisations of the directory for this province alone that offer any of these services:
     * those naming it and no working group (an entry for one group's part of a province, such as
     * the Ottawa region's crisis line, needs the person's place).
     *
     * @param script the script (its directory)
     * @param services service names
     * @param province a province or territory code
     * @return those whose {@code provinces} name it, by service and then in directory order
     */
    public static List<Organisation> forProvince(
            Script script, Collection<String> services, String province) {
        LinkedHashSet<Organisation> out = new LinkedHashSet<>();
        for (String service : services) {
            for (Organisation o : script.directory()) {
                if (o.provinces().contains(province)
                        && o.serves().isEmpty()
                        && o.services().contains(service)) {
                    out.add(o);
                }
            }
        }
        return new ArrayList<>(out);
    }
}
