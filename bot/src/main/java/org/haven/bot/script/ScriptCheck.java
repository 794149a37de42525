package org.haven.bot.script;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.Option;
import org.haven.bot.engine.Localizer;
import org.haven.bot.engine.Normalizer;
import org.haven.bot.engine.ResultBuilder;
import org.haven.bot.engine.Triager;
import org.haven.bot.render.SmsEncoding;
import org.haven.bot.render.SmsRenderer;

/**
 * The {@code check} command: validates an intake script and reports every problem as "file:line:
 * message" (warnings as "file:line: warning: message"). Checks: unknown ids and values, unknown or
 * doubled question roles, an unknown working group, conditions on answers not yet asked, questions
 * that can never be asked, missing translations (every text in a complete language, the essential
 * ones in the others), required messages and keywords, keyword clashes, the referral directory, and
 * questions marked sensitive (a warning before them, never a language question), the SMS segment
 * count of every text the script sends (questions with their options, messages, warnings,
 * validation messages) in every language against a budget: a text over it is an error.
 *
 * <p>The gateway's command line calls {@link #check(Path, int)}; {@link #main(String[])} does the
 * same from a shell.
 */
public final class ScriptCheck {

    /**
     * Default SMS budget for any one text the script sends (a question with its options, a message,
     * a warning), in segments; the SMS sender splits at the same budget.
     */
    public static final int DEFAULT_SEGMENT_BUDGET = SmsRenderer.DEFAULT_SEGMENT_BUDGET;

    /** How bad a finding is. */
    public enum Severity {
        /** The script must not be used. */
        ERROR,
        /** Allowed, but worth fixing (e.g. a referral service no organisation offers). */
        WARNING
    }

    /**
     * One problem.
     *
     * @param file the file
     * @param line the 1-based line
     * @param severity how bad it is
     * @param message what is wrong
     */
    public record Finding(String file, int line, Severity severity, String message) {
        @Override
        public String toString() {
            return file
                    + ":"
                    + line
                    + ": "
                    + (severity == Severity.WARNING ? "warning: " : "")
                    + message;
        }
    }

    private final Script script;
    private final List<Finding> out = new ArrayList<>();

    /** The line of each text that {@link #segmentCounts} names. */
    private final Map<String, Integer> smsLines = new HashMap<>();

    private ScriptCheck(Script script) {
        this.script = script;
        script.messages().forEach((k, t) -> smsLines.put("message '" + k + "'", t.line()));
        Text lines = script.messages().get(CRISIS_LINES);
        Text intro = script.messages().get(REFERRALS_INTRO);
        for (WorkingGroup g : script.workingGroups()) {
            if (lines != null) {
                smsLines.put("crisis lines of '" + g.id() + "'", lines.line());
            }
            if (intro != null) {
                smsLines.put("referral suggestions for '" + g.id() + "'", intro.line());
            }
        }
        script.messages()
                .forEach(
                        (k, t) ->
                                smsLines.put(
                                        "message '" + k + "' with '" + NOT_LEGAL_ADVICE + "'",
                                        t.line()));
        script.sections().stream()
                .filter(s -> s.warning() != null)
                .forEach(s -> smsLines.put("section '" + s.id() + "' warning", s.warning().line()));
        for (Question q : script.questions()) {
            smsLines.put("question '" + q.id() + "'", q.line());
            for (int k = 0; k < q.variants().size(); k++) {
                smsLines.put(
                        "question '" + q.id() + "' variant " + (k + 1), q.variants().get(k).line());
            }
            if (q.validation() != null) {
                smsLines.put("question '" + q.id() + "' validation message", q.validation().line());
            }
        }
    }

    /**
     * Checks a script file (and the directory it names) with the default segment budget.
     *
     * @param yaml the script
     * @return the findings, errors and warnings; empty when all is well
     */
    public static List<Finding> check(Path yaml) {
        return check(yaml, DEFAULT_SEGMENT_BUDGET);
    }

    /**
     * Checks a script file (and the directory it names).
     *
     * @param yaml the script
     * @param segmentBudget the most SMS segments any text may take
     * @return the findings, errors and warnings; empty when all is well
     */
    public static List<Finding> check(Path yaml, int segmentBudget) {
        String content;
        try {
            content = Files.readString(yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(
                    new Finding(yaml.toString(), 1, Severity.ERROR, "cannot read the script"));
        }
        ScriptLoader.Parsed p =
                ScriptLoader.parseCollecting(
                        yaml.toString(),
                        content,
                        name ->
                                Files.readString(
                                        yaml.resolveSibling(name), StandardCharsets.UTF_8));
        List<Finding> out =
                new ArrayList<>(p.errors().stream().map(ScriptCheck::parseError).toList());
        if (p.script() != null) {
            try {
                out.addAll(findings(p.script(), segmentBudget));
            } catch (RuntimeException e) {
                // a script broken enough to trip the semantic checks: the structural errors say why
                if (out.isEmpty()) {
                    out.add(
                            new Finding(
                                    yaml.toString(),
                                    1,
                                    Severity.ERROR,
                                    "cannot check the script: " + e));
                }
            }
        }
        return List.copyOf(out);
    }

    private static final Pattern LOCATED = Pattern.compile("^(.*):(\\d+): (.*)$", Pattern.DOTALL);

    private static Finding parseError(String e) {
        Matcher m = LOCATED.matcher(e);
        return m.matches()
                ? new Finding(m.group(1), Integer.parseInt(m.group(2)), Severity.ERROR, m.group(3))
                : new Finding("?", 1, Severity.ERROR, e);
    }

    /**
     * Checks a parsed script.
     *
     * @param script the script
     * @param segmentBudget the most SMS segments any text may take
     * @return the findings
     */
    public static List<Finding> findings(Script script, int segmentBudget) {
        ScriptCheck c = new ScriptCheck(script);
        c.languages();
        c.messages();
        c.keywords();
        c.questions();
        c.sensitive();
        c.rules();
        c.directory();
        c.translations();
        c.segments(segmentBudget);
        return List.copyOf(c.out);
    }

    /**
     * SMS segments each text the script sends takes, per language: every question with its numbered
     * options and controls, every message (with the longest working group name and a two-digit
     * number of days filled in), every section warning and validation message.
     *
     * @param script the script
     * @return "what/language" → segments, in script order; "what" is e.g. "question 'city'"
     */
    public static Map<String, Integer> segmentCounts(Script script) {
        Map<String, Integer> m = new LinkedHashMap<>();
        SmsRenderer sms = new SmsRenderer(1, true);
        Localizer localizer = new Localizer(script, Duration.ofDays(30));
        for (Language l : script.languages()) {
            String lang = l.code();
            String group = longestGroup(script, lang);
            script.messages()
                    .forEach(
                            (k, t) ->
                                    m.put(
                                            "message '" + k + "'/" + lang,
                                            sms.segmentsUnsplit(localizer.text(t, lang, group))));
            for (Section s : script.sections()) {
                if (s.warning() != null) {
                    m.put(
                            "section '" + s.id() + "' warning/" + lang,
                            sms.segmentsUnsplit(localizer.text(s.warning(), lang, group)));
                }
            }
            for (Question q : script.questions()) {
                m.put(
                        "question '" + q.id() + "'/" + lang,
                        sms.segmentsUnsplit(localizer.question(q, lang)));
                for (int k = 0; k < q.variants().size(); k++) {
                    Question v =
                            new Question(
                                    q.id(),
                                    q.type(),
                                    q.variants().get(k).prompt(),
                                    q.choices(),
                                    null,
                                    null,
                                    null,
                                    q.section(),
                                    q.essential(),
                                    q.line());
                    m.put(
                            "question '" + q.id() + "' variant " + (k + 1) + "/" + lang,
                            sms.segmentsUnsplit(localizer.question(v, lang)));
                }
                if (q.validation() != null) {
                    m.put(
                            "question '" + q.id() + "' validation message/" + lang,
                            sms.segmentsUnsplit(
                                    localizer.text(q.validation().message(), lang, group)));
                }
            }
            directoryTexts(script, localizer, sms, lang, m);
        }
        return m;
    }

    /** Message keys of the lists built from the directory, and of the note after each outcome. */
    private static final String CRISIS_LINES = "crisis_lines";

    private static final String REFERRALS_INTRO = "referrals_intro";
    private static final String NOT_LEGAL_ADVICE = "not_legal_advice";
    private static final List<String> OUTCOMES =
            List.of("outcome_urgent", "outcome_in_mandate", "outcome_possibly", "outcome_outside");

    /**
     * Texts put together from the directory, as the engine sends them: each working group's crisis
     * lines (with the national ones), and its referral suggestions for every combination of the
     * referral rules (the longest counts); and each outcome with the note that follows it.
     */
    private static void directoryTexts(
            Script script,
            Localizer localizer,
            SmsRenderer sms,
            String lang,
            Map<String, Integer> m) {
        for (WorkingGroup g : script.workingGroups()) {
            // the group's lists, and again for each province of its places that has entries of
            // its own in the directory (they come first)
            List<String> provinces = new ArrayList<>();
            provinces.add(null);
            g.provinces().values().stream()
                    .distinct()
                    .sorted()
                    .filter(
                            c ->
                                    script.directory().stream()
                                            .anyMatch(o -> o.provinces().contains(c)))
                    .forEach(provinces::add);
            for (String province : provinces) {
                String where = province == null ? g.id() : g.id() + "' in '" + province;
                directoryTexts(script, localizer, sms, lang, m, g, province, where);
            }
        }
        if (script.messages().containsKey(NOT_LEGAL_ADVICE)) {
            Set<String> outcomes = new LinkedHashSet<>(OUTCOMES);
            script.triage().stream()
                    .map(TriageRule::say)
                    .filter(k -> k != null)
                    .forEach(outcomes::add);
            String group = longestGroup(script, lang);
            for (String k : outcomes) {
                if (script.messages().containsKey(k)) {
                    String text =
                            localizer.message(k, lang, group).text()
                                    + "\n"
                                    + localizer.message(NOT_LEGAL_ADVICE, lang, group).text();
                    m.put(
                            "message '" + k + "' with '" + NOT_LEGAL_ADVICE + "'/" + lang,
                            SmsEncoding.segments(text));
                }
            }
        }
    }

    /** The lists of one working group, for a person in this province (null: not known). */
    private static void directoryTexts(
            Script script,
            Localizer localizer,
            SmsRenderer sms,
            String lang,
            Map<String, Integer> m,
            WorkingGroup g,
            String province,
            String where) {
        if (script.messages().containsKey(CRISIS_LINES)) {
            List<String> lines =
                    Triager.offering(script, List.of(Triager.CRISIS_LINE), province, g.id(), 99)
                            .stream()
                            .map(ResultBuilder::suggestion)
                            .toList();
            if (!lines.isEmpty()) {
                m.put(
                        "crisis lines of '" + where + "'/" + lang,
                        sms.segmentsUnsplit(
                                ResultBuilder.listed(
                                        localizer.message(CRISIS_LINES, lang, g.id()), lines)));
            }
        }
        if (script.messages().containsKey(REFERRALS_INTRO)) {
            List<ReferralRule> rules = script.referrals();
            int worst = 0;
            // every combination of the rules that may hold together (all at once past 12)
            int all = rules.size() <= 12 ? (1 << rules.size()) - 1 : -1;
            for (int bits = all == -1 ? -1 : 1; all == -1 ? bits == -1 : bits <= all; bits++) {
                Set<String> services = new LinkedHashSet<>();
                for (int r = 0; r < rules.size(); r++) {
                    if (bits == -1 || (bits & (1 << r)) != 0) {
                        services.addAll(rules.get(r).services());
                    }
                }
                List<String> listed =
                        Triager.offering(
                                        script, services, province, g.id(), script.maxSuggestions())
                                .stream()
                                .map(ResultBuilder::suggestion)
                                .toList();
                if (!listed.isEmpty()) {
                    worst =
                            Math.max(
                                    worst,
                                    sms.segmentsUnsplit(
                                            ResultBuilder.listed(
                                                    localizer.message(
                                                            REFERRALS_INTRO, lang, g.id()),
                                                    listed)));
                }
            }
            if (worst > 0) {
                m.put("referral suggestions for '" + where + "'/" + lang, worst);
            }
        }
    }

    private static String longestGroup(Script script, String lang) {
        String best = script.fallbackGroup();
        int len = -1;
        for (WorkingGroup g : script.workingGroups()) {
            int n = g.name().resolve(lang, script.defaultLanguage()).length();
            if (n > len) {
                best = g.id();
                len = n;
            }
        }
        return best;
    }

    /**
     * Runs the check from a shell: {@code java ... ScriptCheck intake.yaml [budget]}; exits 1 on
     * errors.
     *
     * @param args the script path, and optionally the segment budget
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: ScriptCheck <intake.yaml> [segment budget]");
            System.exit(2);
        }
        int budget = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_SEGMENT_BUDGET;
        List<Finding> f = check(Path.of(args[0]), budget);
        f.forEach(System.out::println);
        System.exit(f.stream().anyMatch(x -> x.severity() == Severity.ERROR) ? 1 : 0);
    }

    // ---- the checks ----

    private void error(int line, String message) {
        out.add(new Finding(script.source(), Math.max(1, line), Severity.ERROR, message));
    }

    private void warning(int line, String message) {
        out.add(new Finding(script.source(), Math.max(1, line), Severity.WARNING, message));
    }

    private void languages() {
        Set<String> seen = new HashSet<>();
        for (Language l : script.languages()) {
            if (!seen.add(l.code())) {
                error(l.line(), "language '" + l.code() + "' declared twice");
            }
        }
        script.language(script.defaultLanguage())
                .filter(l -> !l.complete())
                .ifPresent(
                        l ->
                                error(
                                        l.line(),
                                        "the default language '"
                                                + l.code()
                                                + "' must be complete"));
    }

    private void messages() {
        for (String key : Script.REQUIRED_MESSAGES) {
            if (!script.messages().containsKey(key)) {
                error(1, "missing message '" + key + "'");
            }
        }
    }

    private void keywords() {
        for (String name : script.keywords().keySet()) {
            if (!Script.KEYWORDS.contains(name)) {
                error(
                        script.keywords().get(name).line(),
                        "unknown keyword '"
                                + name
                                + "' (known: "
                                + String.join(", ", Script.KEYWORDS)
                                + ")");
            }
        }
        Map<String, String> owner = new HashMap<>();
        for (String name : Script.KEYWORDS) {
            KeywordSet set = script.keywords().get(name);
            if (set == null) {
                error(1, "missing keyword '" + name + "'");
                continue;
            }
            for (Language l : script.languages()) {
                List<String> words = set.words().getOrDefault(l.code(), List.of());
                if (words.isEmpty()) {
                    error(
                            set.line(),
                            "missing translation: keyword '"
                                    + name
                                    + "' has no word in '"
                                    + l.code()
                                    + "'");
                }
                for (String w : words) {
                    String f = Normalizer.fold(w);
                    String prev = owner.putIfAbsent(f, name);
                    if (prev != null && !prev.equals(name)) {
                        error(
                                set.line(),
                                "keyword word '"
                                        + w
                                        + "' means both '"
                                        + prev
                                        + "' and '"
                                        + name
                                        + "'");
                    }
                }
            }
        }
    }

    private void questions() {
        Set<String> ids = new HashSet<>();
        Set<String> sections = new HashSet<>();
        for (Section s : script.sections()) {
            if (!sections.add(s.id())) {
                error(s.line(), "section '" + s.id() + "' defined twice");
            }
        }
        Set<String> roles = new HashSet<>();
        for (Question q : script.questions()) {
            if (q.role() != null && !Script.ROLES.contains(q.role())) {
                error(
                        q.line(),
                        "question '"
                                + q.id()
                                + "': unknown role '"
                                + q.role()
                                + "' (known: "
                                + String.join(", ", Script.ROLES)
                                + ")");
            } else if (q.role() != null && !roles.add(q.role())) {
                error(
                        q.line(),
                        "question '"
                                + q.id()
                                + "': role '"
                                + q.role()
                                + "' given to two questions");
            }
        }
        int languageQuestions = 0;
        Set<String> unreachable = new HashSet<>();
        List<Question> qs = script.questions();
        for (int i = 0; i < qs.size(); i++) {
            Question q = qs.get(i);
            if (!ids.add(q.id())) {
                error(q.line(), "question id '" + q.id() + "' used twice");
            }
            if (q.type() == QuestionType.LANGUAGE) {
                languageQuestions++;
            }
            Set<String> values = new HashSet<>();
            for (Choice c : q.choices()) {
                if (!values.add(c.value())) {
                    error(
                            c.line(),
                            "question '"
                                    + q.id()
                                    + "': choice value '"
                                    + c.value()
                                    + "' used twice");
                }
                if (Option.CONTROL_VALUES.contains(c.value())
                        || c.value().equals(Condition.TYPED)
                        || c.value().startsWith(Condition.TYPED_PREFIX)) {
                    error(
                            c.line(),
                            "question '"
                                    + q.id()
                                    + "': choice value '"
                                    + c.value()
                                    + "' is reserved");
                }
                if (c.say() != null && !script.messages().containsKey(c.say())) {
                    error(
                            c.line(),
                            "question '"
                                    + q.id()
                                    + "': unknown message '"
                                    + c.say()
                                    + "' in 'say'");
                }
                if (c.goTo() != null) {
                    int target = script.indexOf(c.goTo());
                    if (target < 0) {
                        error(
                                c.line(),
                                "question '"
                                        + q.id()
                                        + "': unknown id '"
                                        + c.goTo()
                                        + "' in 'go to'");
                    } else if (target <= i) {
                        error(
                                c.line(),
                                "question '"
                                        + q.id()
                                        + "': 'go to "
                                        + c.goTo()
                                        + "' must go forward");
                    }
                }
            }
            for (PromptVariant v : q.variants()) {
                condition(v.when(), i, "question '" + q.id() + "' variant");
            }
            String why = null;
            for (Condition cond : new Condition[] {q.showIf(), q.hideIf()}) {
                if (cond != null) {
                    condition(cond, i, "question '" + q.id() + "'");
                }
            }
            if (q.showIf() != null) {
                why = neverShown(q, i, unreachable);
            }
            if (why != null) {
                unreachable.add(q.id());
                error(q.line(), "question '" + q.id() + "' is unreachable: " + why);
            }
        }
        if (languageQuestions != 1) {
            error(
                    1,
                    "the script needs exactly one question of type 'language' (found "
                            + languageQuestions
                            + ")");
        }
        if (!qs.isEmpty() && qs.get(0).type() != QuestionType.YES_NO) {
            warning(
                    qs.get(0).line(),
                    "the first question should be the yes/no \"is it safe to talk now?\"");
        }
    }

    /** Why a question can never be shown, or null when it can. */
    private String neverShown(Question q, int index, Set<String> unreachable) {
        for (Map.Entry<String, List<String>> r : q.showIf().requirements().entrySet()) {
            List<String> wanted = r.getValue();
            if (wanted.contains(Condition.SKIPPED)) {
                continue;
            }
            if (unreachable.contains(r.getKey())) {
                return "it depends on '" + r.getKey() + "', which is unreachable";
            }
            Question p = script.question(r.getKey()).orElse(null);
            if (p == null || !p.type().hasChoices() || wanted.contains(Condition.ANSWERED)) {
                continue;
            }
            boolean any = false;
            for (String v : wanted) {
                Choice c = p.choice(v).orElse(null);
                if (c == null) {
                    continue;
                }
                boolean leaves =
                        c.then() != Then.CONTINUE
                                || (c.goTo() != null && script.indexOf(c.goTo()) > index);
                any |= !leaves || p.type() == QuestionType.MULTIPLE_CHOICE;
            }
            if (!any) {
                return "every answer of '" + p.id() + "' that shows it leaves before it";
            }
        }
        return null;
    }

    /**
     * A question marked sensitive asks the person to tell what they lived through: its section
     * should warn them first, and a language question (which the inbox shows as a code) has nothing
     * to hide.
     */
    private void sensitive() {
        for (Question q : script.questions()) {
            if (!q.sensitive()) {
                continue;
            }
            if (q.type() == QuestionType.LANGUAGE) {
                error(
                        q.line(),
                        "question '" + q.id() + "': a language question cannot be sensitive");
                continue;
            }
            boolean warned =
                    script.section(q.section()).map(x -> x.warning() != null).orElse(false);
            if (!warned) {
                warning(
                        q.line(),
                        "question '"
                                + q.id()
                                + "' is sensitive but its section '"
                                + q.section()
                                + "' has no warning to prepare the person");
            }
        }
    }

    private void condition(Condition c, int beforeIndex, String where) {
        for (Map.Entry<String, List<String>> r : c.requirements().entrySet()) {
            int idx = script.indexOf(r.getKey());
            if (idx < 0) {
                error(c.line(), where + ": condition on unknown id '" + r.getKey() + "'");
                continue;
            }
            if (beforeIndex >= 0 && idx >= beforeIndex) {
                error(
                        c.line(),
                        where
                                + ": condition on '"
                                + r.getKey()
                                + "', which is not asked before it");
            }
            Question p = script.questions().get(idx);
            if (r.getValue().isEmpty()) {
                error(c.line(), where + ": condition on '" + r.getKey() + "' lists no value");
            }
            for (String v : r.getValue()) {
                if (v.equals(Condition.ANSWERED) || v.equals(Condition.SKIPPED)) {
                    continue;
                }
                if (p.type().hasChoices() && p.choice(v).isEmpty() && !v.equals(Condition.TYPED)) {
                    error(c.line(), where + ": '" + r.getKey() + "' has no choice '" + v + "'");
                } else if (!p.type().hasChoices() && !p.recognise().containsKey(v)) {
                    error(
                            c.line(),
                            where
                                    + ": '"
                                    + r.getKey()
                                    + "' is typed text; only 'answered', 'skipped'"
                                    + " or a name it recognises apply");
                }
            }
        }
    }

    private void rules() {
        for (TriageRule r : script.triage()) {
            condition(r.when(), -1, "triage rule");
            if (r.say() != null && !script.messages().containsKey(r.say())) {
                error(r.line(), "triage rule: unknown message '" + r.say() + "' in 'say'");
            }
        }
        Set<String> offered = new HashSet<>();
        script.directory().forEach(o -> offered.addAll(o.services()));
        for (ReferralRule r : script.referrals()) {
            if (r.when() != null) {
                condition(r.when(), -1, "referral rule");
            }
            if (r.services().isEmpty()) {
                error(r.line(), "referral rule lists no services");
            }
            for (String s : r.services()) {
                if (!offered.contains(s)) {
                    warning(r.line(), "no organisation in the directory offers '" + s + "'");
                }
            }
        }
        Set<String> groups = new HashSet<>();
        for (WorkingGroup g : script.workingGroups()) {
            if (!groups.add(g.id())) {
                error(g.line(), "working group '" + g.id() + "' defined twice");
            }
            if (g.places().isEmpty() && !g.id().equals(script.fallbackGroup())) {
                error(g.line(), "working group '" + g.id() + "' lists no places");
            }
            g.provinces().values().stream()
                    .filter(c -> !Provinces.isCode(c))
                    .distinct()
                    .forEach(
                            c ->
                                    error(
                                            g.line(),
                                            "working group '"
                                                    + g.id()
                                                    + "'"
                                                    + unknownProvince(c, "places")));
        }
    }

    private void directory() {
        Set<String> scopes = new HashSet<>();
        script.workingGroups().forEach(g -> scopes.add(g.id()));
        scopes.add("national");
        scopes.add(script.fallbackGroup());
        String file = script.directorySource() == null ? script.source() : script.directorySource();
        for (Organisation o : script.directory()) {
            for (String p : o.provinces()) {
                if (!Provinces.isCode(p)) {
                    organisationError(file, o, unknownProvince(p, "provinces"));
                }
            }
            if (o.serves().isEmpty() && o.provinces().isEmpty()) {
                organisationError(file, o, " serves nowhere");
            }
            for (String s : o.serves()) {
                if (!scopes.contains(s)) {
                    organisationError(file, o, ": unknown working group '" + s + "' in 'serves'");
                }
            }
            if (o.services().isEmpty()) {
                organisationError(file, o, " lists no services");
            }
        }
    }

    /** An error in the directory ({@code file}): "organisation 'name'" followed by {@code what}. */
    private void organisationError(String file, Organisation o, String what) {
        out.add(
                new Finding(
                        file, o.line(), Severity.ERROR, "organisation '" + o.name() + "'" + what));
    }

    /** What follows the name of a group or organisation whose {@code field} has an unknown code. */
    private static String unknownProvince(String code, String field) {
        return ": unknown province '"
                + code
                + "' in '"
                + field
                + "' (one of "
                + new TreeSet<>(Provinces.CODES)
                + ")";
    }

    private void translations() {
        script.messages().forEach((k, t) -> text(t, "message '" + k + "'"));
        for (Section s : script.sections()) {
            if (s.warning() != null) {
                text(s.warning(), "section '" + s.id() + "' warning");
            }
        }
        for (Question q : script.questions()) {
            text(q.prompt(), "question '" + q.id() + "' prompt");
            if (q.label() != null) {
                text(q.label(), "question '" + q.id() + "' label");
            }
            q.variants().forEach(v -> text(v.prompt(), "question '" + q.id() + "' variant prompt"));
            if (q.type() != QuestionType.LANGUAGE) {
                q.choices()
                        .forEach(
                                c ->
                                        text(
                                                c.label(),
                                                "question '"
                                                        + q.id()
                                                        + "' choice '"
                                                        + c.value()
                                                        + "'"));
            }
            if (q.validation() != null) {
                text(q.validation().message(), "question '" + q.id() + "' validation message");
            }
        }
        script.workingGroups().forEach(g -> text(g.name(), "working group '" + g.id() + "' name"));
    }

    private void text(Text t, String what) {
        for (Language l : script.languages()) {
            if ((l.complete() || t.essential())
                    && t.in(l.code()).map(String::isBlank).orElse(true)) {
                error(
                        t.line(),
                        "missing translation '"
                                + l.code()
                                + "' for "
                                + what
                                + (l.complete()
                                        ? " (the language is marked complete)"
                                        : " (essential)"));
            }
        }
    }

    private void segments(int budget) {
        // the first reply to a message in no known language: the first question in the first two
        // languages
        List<String> two = script.languages().stream().limit(2).map(Language::code).toList();
        if (two.size() == 2 && !script.questions().isEmpty()) {
            Question first = script.questions().get(0);
            int n =
                    new SmsRenderer(1, true)
                            .segmentsUnsplit(
                                    new Localizer(script, Duration.ofDays(30))
                                            .question(first, two, "sms"));
            if (n > budget) {
                error(
                        first.line(),
                        "question '"
                                + first.id()
                                + "' in '"
                                + two.get(0)
                                + "' and '"
                                + two.get(1)
                                + "' (the first reply when the language is not known) takes "
                                + n
                                + " SMS segments (budget "
                                + budget
                                + ")");
            }
        }
        for (Map.Entry<String, Integer> e : segmentCounts(script).entrySet()) {
            if (e.getValue() > budget) {
                String[] where = e.getKey().split("/");
                out.add(
                        new Finding(
                                script.source(),
                                Math.max(1, smsLines.getOrDefault(where[0], 1)),
                                Severity.ERROR,
                                where[0]
                                        + " in '"
                                        + where[1]
                                        + "' takes "
                                        + e.getValue()
                                        + " SMS segments (budget "
                                        + budget
                                        + ")"));
            }
        }
    }
}
