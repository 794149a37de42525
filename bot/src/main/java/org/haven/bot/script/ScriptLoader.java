package org.haven.bot.script;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.haven.bot.ScriptException;
import org.haven.bot.Triage;
import org.haven.bot.script.YamlTree.ListNode;
import org.haven.bot.script.YamlTree.MapNode;
import org.haven.bot.script.YamlTree.Node;
import org.haven.bot.script.YamlTree.Scalar;

/**
 * Reads an intake script and its referral directory from YAML into a {@link Script}. Structural
 * problems and the checks of {@link ScriptCheck} are reported together as "file:line: message".
 */
public final class ScriptLoader {

    /** Reads a file that the script refers to (the referral directory), by name. */
    @FunctionalInterface
    public interface Resolver {
        /**
         * @param name the name written in the script
         * @return the file's content
         * @throws IOException when it cannot be read
         */
        String read(String name) throws IOException;
    }

    private final String source;
    private final List<String> errors = new ArrayList<>();

    private ScriptLoader(String source) {
        this.source = source;
    }

    /**
     * Loads a script and checks it; fails on any error (warnings, such as SMS length, do not fail).
     *
     * @param source the script's file name, for messages
     * @param content the YAML text
     * @param resolver reads the referral directory named in the script
     * @return the script
     * @throws ScriptException listing every error found
     */
    public static Script load(String source, String content, Resolver resolver)
            throws ScriptException {
        Script script = parse(source, content, resolver);
        List<String> errors =
                ScriptCheck.findings(script, ScriptCheck.DEFAULT_SEGMENT_BUDGET).stream()
                        .filter(f -> f.severity() == ScriptCheck.Severity.ERROR)
                        .map(ScriptCheck.Finding::toString)
                        .toList();
        if (!errors.isEmpty()) {
            throw new ScriptException(errors);
        }
        return script;
    }

    /**
     * Parses without the semantic checks (used by {@link ScriptCheck}).
     *
     * @param source the script's file name
     * @param content the YAML text
     * @param resolver reads the referral directory
     * @return the script
     * @throws ScriptException on syntax or structure errors
     */
    public static Script parse(String source, String content, Resolver resolver)
            throws ScriptException {
        Parsed p = parseCollecting(source, content, resolver);
        if (!p.errors().isEmpty()) {
            throw new ScriptException(p.errors());
        }
        return p.script();
    }

    /**
     * The result of a parse that goes on after structural errors, so that the check can report
     * everything at once.
     *
     * @param script the script as far as it could be read, or null when it could not be read at all
     * @param errors the structural errors, "file:line: message"
     */
    public record Parsed(Script script, List<String> errors) {
        /** Makes an immutable result. */
        public Parsed {
            errors = List.copyOf(errors);
        }
    }

    /**
     * Parses without the semantic checks and without failing on structural errors.
     *
     * @param source the script's file name
     * @param content the YAML text
     * @param resolver reads the referral directory
     * @return the script (null if unreadable) and the structural errors
     */
    public static Parsed parseCollecting(String source, String content, Resolver resolver) {
        ScriptLoader l = new ScriptLoader(source);
        Node root;
        try {
            root = YamlTree.parse(content);
        } catch (YamlTree.SyntaxError e) {
            return new Parsed(null, List.of(source + ":" + e.line() + ": " + e.getMessage()));
        }
        Script s = l.script(root, resolver);
        return new Parsed(s, l.errors);
    }

    private void error(int line, String message) {
        errors.add(source + ":" + line + ": " + message);
    }

    private static final Set<String> TOP_KEYS =
            Set.of(
                    "title",
                    "default language",
                    "languages",
                    "directory",
                    "keywords",
                    "messages",
                    "sections",
                    "triage",
                    "referrals",
                    "working groups");

    private Script script(Node root, Resolver resolver) {
        MapNode m = map(root, "the script");
        if (m == null) {
            return null;
        }
        known(m, TOP_KEYS);
        String title = string(m.get("title"), "");
        List<Language> languages = languages(m.get("languages"), m.line());
        List<String> codes = languages.stream().map(Language::code).toList();
        String defaultLanguage =
                string(m.get("default language"), codes.isEmpty() ? "en" : codes.get(0));
        if (!codes.isEmpty() && !codes.contains(defaultLanguage)) {
            error(
                    m.keyLines().getOrDefault("default language", m.line()),
                    "default language '" + defaultLanguage + "' is not declared");
        }
        Map<String, Text> messages = new LinkedHashMap<>();
        MapNode msgs = map(m.get("messages"), "messages");
        if (msgs != null) {
            msgs.entries().forEach((k, v) -> messages.put(k, at(text(v, codes, false), msgs, k)));
        }
        Map<String, KeywordSet> keywords = keywords(m.get("keywords"), codes);
        List<Section> sections = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        ListNode secs = list(m.get("sections"), "sections", m.line());
        if (secs != null) {
            for (Node sn : secs.items()) {
                section(sn, codes, languages, messages, sections, questions);
            }
        }
        List<TriageRule> triage = triage(m.get("triage"), m.line());
        List<ReferralRule> referrals = new ArrayList<>();
        int maxSuggestions = 4;
        Node rn = m.get("referrals");
        if (rn instanceof MapNode rm) {
            known(rm, Set.of("max suggestions", "rules"));
            maxSuggestions = integer(rm.get("max suggestions"), 4);
            referrals = referralRules(rm.get("rules"));
        } else if (rn != null) {
            referrals = referralRules(rn);
        }
        List<WorkingGroup> groups = new ArrayList<>();
        String fallback = "national";
        MapNode wg = map(m.get("working groups"), "working groups");
        if (wg != null) {
            known(wg, Set.of("groups", "otherwise"));
            fallback = string(wg.get("otherwise"), "national");
            ListNode gl = list(wg.get("groups"), "groups", wg.line());
            if (gl != null) {
                for (Node g : gl.items()) {
                    MapNode gm = map(g, "a working group");
                    if (gm != null) {
                        known(gm, Set.of("id", "name", "places"));
                        List<String> places = new ArrayList<>();
                        Map<String, String> provinces = new LinkedHashMap<>();
                        if (gm.get("places") instanceof MapNode byProvince) {
                            // places: {ON: [Ottawa, …], QC: [Gatineau, …]}; ScriptCheck checks
                            // the codes
                            byProvince
                                    .entries()
                                    .forEach(
                                            (code, names) ->
                                                    strings(names)
                                                            .forEach(
                                                                    p -> {
                                                                        places.add(p);
                                                                        provinces.putIfAbsent(
                                                                                p, code);
                                                                    }));
                        } else {
                            places.addAll(strings(gm.get("places")));
                        }
                        groups.add(
                                new WorkingGroup(
                                        required(gm, "id"),
                                        text(gm.get("name"), codes, false),
                                        places,
                                        gm.line(),
                                        provinces));
                    }
                }
            }
            String otherwise = fallback;
            if (groups.stream().noneMatch(g -> g.id().equals(otherwise))) {
                error(
                        wg.keyLines().getOrDefault("otherwise", wg.line()),
                        "unknown working group '" + fallback + "' in 'otherwise'");
            }
        }
        String directorySource = string(m.get("directory"), null);
        List<Organisation> directory = List.of();
        if (directorySource != null) {
            try {
                directory =
                        new DirectoryReader(directorySource)
                                .read(resolver.read(directorySource), errors);
            } catch (IOException e) {
                error(
                        m.keyLines().get("directory"),
                        "cannot read referral directory '" + directorySource + "'");
            }
        }
        return new Script(
                source,
                title,
                defaultLanguage,
                languages,
                messages,
                keywords,
                sections,
                questions,
                triage,
                referrals,
                maxSuggestions,
                groups,
                fallback,
                directorySource,
                directory);
    }

    private List<Language> languages(Node n, int line) {
        List<Language> out = new ArrayList<>();
        ListNode l = list(n, "languages", line);
        if (l == null) {
            return out;
        }
        for (Node item : l.items()) {
            MapNode lm = map(item, "a language");
            if (lm == null) {
                continue;
            }
            known(lm, Set.of("code", "name", "rtl", "complete", "first words"));
            out.add(
                    new Language(
                            required(lm, "code"),
                            required(lm, "name"),
                            bool(lm.get("rtl")),
                            bool(lm.get("complete")),
                            lm.get("first words") == null
                                    ? List.of()
                                    : strings(lm.get("first words")),
                            lm.line()));
        }
        if (out.isEmpty()) {
            error(line, "no languages declared");
        }
        return out;
    }

    private Map<String, KeywordSet> keywords(Node n, List<String> codes) {
        Map<String, KeywordSet> out = new LinkedHashMap<>();
        MapNode m = map(n, "keywords");
        if (m == null) {
            return out;
        }
        for (Map.Entry<String, Node> e : m.entries().entrySet()) {
            MapNode words = map(e.getValue(), "keyword " + e.getKey());
            if (words == null) {
                continue;
            }
            Map<String, List<String>> byLang = new LinkedHashMap<>();
            words.entries()
                    .forEach(
                            (lang, w) -> {
                                if (!codes.contains(lang)) {
                                    error(
                                            words.keyLines().get(lang),
                                            "keyword '"
                                                    + e.getKey()
                                                    + "': unknown language '"
                                                    + lang
                                                    + "'");
                                }
                                byLang.put(lang, strings(w));
                            });
            out.put(e.getKey(), new KeywordSet(e.getKey(), byLang, m.keyLines().get(e.getKey())));
        }
        return out;
    }

    private static final Set<String> SECTION_KEYS = Set.of("section", "warning", "questions");
    private static final Set<String> QUESTION_KEYS =
            Set.of(
                    "id",
                    "type",
                    "prompt",
                    "choices",
                    "show if",
                    "hide if",
                    "validation",
                    "essential",
                    "recognise",
                    "variants",
                    "role",
                    "label",
                    "sensitive");

    private void section(
            Node sn,
            List<String> codes,
            List<Language> languages,
            Map<String, Text> messages,
            List<Section> sections,
            List<Question> questions) {
        MapNode sm = map(sn, "a section");
        if (sm == null) {
            return;
        }
        known(sm, SECTION_KEYS);
        String id = required(sm, "section");
        Text warning =
                sm.get("warning") == null
                        ? null
                        : at(text(sm.get("warning"), codes, false), sm, "warning");
        sections.add(new Section(id, warning, sm.line()));
        ListNode ql = list(sm.get("questions"), "questions", sm.line());
        if (ql == null) {
            return;
        }
        for (Node qn : ql.items()) {
            MapNode qm = map(qn, "a question");
            if (qm == null) {
                continue;
            }
            known(qm, QUESTION_KEYS);
            String qid = required(qm, "id");
            String typeName = required(qm, "type");
            QuestionType type = QuestionType.byScriptName(typeName).orElse(null);
            if (type == null) {
                error(
                        qm.keyLines().getOrDefault("type", qm.line()),
                        "question '" + qid + "': unknown type '" + typeName + "'");
                type = QuestionType.FREE_TEXT;
            }
            boolean essential = bool(qm.get("essential"));
            Text prompt =
                    qm.get("prompt") == null
                            ? null
                            : at(text(qm.get("prompt"), codes, essential), qm, "prompt");
            if (prompt == null) {
                error(qm.line(), "question '" + qid + "' has no prompt");
                prompt = new Text(Map.of(), essential, qm.line());
            }
            List<Choice> choices = choices(qid, type, qm, codes, languages, messages, essential);
            String role = string(qm.get("role"), null);
            if (role != null && !Script.ROLES.contains(role)) {
                error(
                        qm.keyLines().getOrDefault("role", qm.line()),
                        "question '"
                                + qid
                                + "': unknown role '"
                                + role
                                + "' (known: "
                                + String.join(", ", Script.ROLES)
                                + ")");
                role = null;
            }
            questions.add(
                    new Question(
                            qid,
                            type,
                            prompt,
                            choices,
                            condition(qm.get("show if")),
                            condition(qm.get("hide if")),
                            validation(qm.get("validation"), codes, essential),
                            id,
                            essential,
                            recognise(qid, type, qm.get("recognise")),
                            variants(qid, qm.get("variants"), codes, essential),
                            role,
                            qm.line(),
                            qm.get("label") == null
                                    ? null
                                    : at(text(qm.get("label"), codes, essential), qm, "label"),
                            bool(qm.get("sensitive"))));
        }
    }

    private List<Choice> choices(
            String qid,
            QuestionType type,
            MapNode qm,
            List<String> codes,
            List<Language> languages,
            Map<String, Text> messages,
            boolean essential) {
        List<Choice> out = new ArrayList<>();
        Node cn = qm.get("choices");
        if (type == QuestionType.LANGUAGE) {
            if (cn != null) {
                error(
                        cn.line(),
                        "question '"
                                + qid
                                + "': a language question takes its choices from 'languages'");
            }
            for (Language l : languages) {
                out.add(
                        new Choice(
                                l.code(),
                                Text.same(l.name(), codes, l.line()),
                                null,
                                Then.CONTINUE,
                                null,
                                l.line()));
            }
            return out;
        }
        if (!type.hasChoices()) {
            if (cn != null) {
                error(
                        cn.line(),
                        "question '"
                                + qid
                                + "': type '"
                                + type.scriptName()
                                + "' takes no choices");
            }
            return out;
        }
        ListNode cl = cn == null ? null : list(cn, "choices", qm.line());
        if (cl != null) {
            for (Node c : cl.items()) {
                MapNode m = map(c, "a choice");
                if (m == null) {
                    continue;
                }
                known(m, Set.of("value", "label", "say", "then", "go to"));
                String value = required(m, "value");
                Text label;
                if (m.get("label") != null) {
                    label = at(text(m.get("label"), codes, essential), m, "label");
                } else if (type == QuestionType.YES_NO && messages.containsKey(value)) {
                    label = messages.get(value);
                } else {
                    error(
                            m.line(),
                            "choice '" + value + "' of question '" + qid + "' has no label");
                    label = new Text(Map.of(), essential, m.line());
                }
                String thenName = string(m.get("then"), "continue");
                Then then;
                try {
                    then = Then.valueOf(thenName.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    error(
                            m.get("then").line(),
                            "choice '"
                                    + value
                                    + "': unknown 'then: "
                                    + thenName
                                    + "' (continue, pause, end, handoff)");
                    then = Then.CONTINUE;
                }
                out.add(
                        new Choice(
                                value,
                                label,
                                string(m.get("say"), null),
                                then,
                                string(m.get("go to"), null),
                                m.line()));
            }
        }
        if (type == QuestionType.YES_NO) {
            for (String v : List.of("yes", "no")) {
                if (out.stream().noneMatch(c -> c.value().equals(v))) {
                    Text label = messages.getOrDefault(v, new Text(Map.of(), true, qm.line()));
                    out.add(new Choice(v, label, null, Then.CONTINUE, null, qm.line()));
                }
            }
            if (out.size() != 2) {
                error(
                        qm.line(),
                        "question '" + qid + "': a yes/no question has only the values yes and no");
            }
            out.sort((a, b) -> a.value().equals("yes") ? -1 : b.value().equals("yes") ? 1 : 0);
        } else if (out.isEmpty()) {
            error(qm.line(), "question '" + qid + "' has no choices");
        }
        return out;
    }

    private List<PromptVariant> variants(
            String qid, Node n, List<String> codes, boolean essential) {
        List<PromptVariant> out = new ArrayList<>();
        ListNode l = n == null ? null : list(n, "variants", n.line());
        if (l == null) {
            return out;
        }
        for (Node item : l.items()) {
            MapNode m = map(item, "a prompt variant");
            if (m == null) {
                continue;
            }
            known(m, Set.of("when", "prompt"));
            Condition when = condition(m.get("when"));
            if (when == null || m.get("prompt") == null) {
                error(m.line(), "question '" + qid + "': a variant needs 'when' and 'prompt'");
                continue;
            }
            out.add(
                    new PromptVariant(
                            when,
                            at(text(m.get("prompt"), codes, essential), m, "prompt"),
                            m.line()));
        }
        return out;
    }

    private Map<String, List<String>> recognise(String qid, QuestionType type, Node n) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (type.hasChoices()) {
            error(n.line(), "question '" + qid + "': only typed answers take 'recognise'");
            return out;
        }
        MapNode m = map(n, "recognise");
        if (m != null) {
            m.entries().forEach((name, spellings) -> out.put(name, strings(spellings)));
        }
        return out;
    }

    private Validation validation(Node n, List<String> codes, boolean essential) {
        if (n == null) {
            return null;
        }
        MapNode m = map(n, "validation");
        if (m == null) {
            return null;
        }
        known(m, Set.of("pattern", "max length", "message"));
        Pattern p = null;
        String ps = string(m.get("pattern"), null);
        if (ps != null) {
            try {
                p = Pattern.compile(ps, Pattern.UNICODE_CASE | Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                error(m.get("pattern").line(), "invalid pattern: " + e.getDescription());
            }
        }
        Text message =
                m.get("message") == null
                        ? null
                        : at(text(m.get("message"), codes, essential), m, "message");
        if (message == null) {
            error(m.line(), "validation needs a message");
            message = new Text(Map.of(), essential, m.line());
        }
        return new Validation(p, integer(m.get("max length"), 0), message, m.line());
    }

    private Condition condition(Node n) {
        if (n == null) {
            return null;
        }
        MapNode m = map(n, "a condition");
        if (m == null) {
            return null;
        }
        Map<String, List<String>> req = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> req.put(k, strings(v)));
        return new Condition(req, m.line());
    }

    private List<TriageRule> triage(Node n, int line) {
        List<TriageRule> out = new ArrayList<>();
        ListNode l = list(n, "triage", line);
        if (l == null) {
            return out;
        }
        boolean otherwise = false;
        for (Node item : l.items()) {
            MapNode m = map(item, "a triage rule");
            if (m == null) {
                continue;
            }
            known(m, Set.of("when", "otherwise", "outcome", "priority", "say"));
            if (otherwise) {
                error(m.line(), "triage rule after 'otherwise' can never apply");
            }
            Condition when;
            String outcome;
            if (m.get("otherwise") != null) {
                otherwise = true;
                when = new Condition(Map.of(), m.line());
                outcome = string(m.get("otherwise"), "");
            } else {
                when = condition(m.get("when"));
                if (when == null) {
                    error(m.line(), "triage rule needs 'when' (or 'otherwise')");
                    when = new Condition(Map.of(), m.line());
                }
                outcome = string(m.get("outcome"), "");
            }
            Triage t = outcome(outcome, m.line());
            out.add(
                    new TriageRule(
                            when,
                            t == null ? Triage.OUTSIDE_MANDATE : t,
                            integer(m.get("priority"), 5),
                            string(m.get("say"), null),
                            m.line()));
        }
        if (!otherwise) {
            error(l.line(), "triage needs a last rule 'otherwise: <outcome>'");
        }
        return out;
    }

    private Triage outcome(String s, int line) {
        if (s == null) {
            return null;
        }
        String n = s.trim().toUpperCase(Locale.ROOT).replace(' ', '_');
        try {
            Triage t = Triage.valueOf(n);
            if (t == Triage.PERSON_ASKED) {
                // only the person's own request makes this outcome, never a rule on their answers
                throw new IllegalArgumentException(n);
            }
            return t;
        } catch (IllegalArgumentException e) {
            error(
                    line,
                    "unknown outcome '"
                            + s
                            + "' (urgent, likely in mandate, possibly in mandate, outside mandate)");
            return null;
        }
    }

    private List<ReferralRule> referralRules(Node n) {
        List<ReferralRule> out = new ArrayList<>();
        ListNode l = list(n, "referral rules", 1);
        if (l == null) {
            return out;
        }
        for (Node item : l.items()) {
            MapNode m = map(item, "a referral rule");
            if (m == null) {
                continue;
            }
            known(m, Set.of("when", "outcome", "services"));
            String o = string(m.get("outcome"), null);
            out.add(
                    new ReferralRule(
                            condition(m.get("when")),
                            o == null ? null : outcome(o, m.line()),
                            strings(m.get("services")),
                            m.line()));
        }
        return out;
    }

    /** Reads the referral directory, with its own file name in messages. */
    private static final class DirectoryReader {
        private final String file;

        DirectoryReader(String file) {
            this.file = file;
        }

        List<Organisation> read(String content, List<String> errors) {
            ScriptLoader l = new ScriptLoader(file);
            List<Organisation> out = new ArrayList<>();
            try {
                MapNode m = l.map(YamlTree.parse(content), "the directory");
                if (m != null) {
                    l.known(m, Set.of("organisations"));
                    ListNode orgs = l.list(m.get("organisations"), "organisations", m.line());
                    if (orgs != null) {
                        for (Node o : orgs.items()) {
                            MapNode om = l.map(o, "an organisation");
                            if (om == null) {
                                continue;
                            }
                            l.known(
                                    om,
                                    Set.of(
                                            "name",
                                            "serves",
                                            "provinces",
                                            "where",
                                            "services",
                                            "contact"));
                            out.add(
                                    new Organisation(
                                            l.required(om, "name"),
                                            l.strings(om.get("serves")),
                                            l.string(om.get("where"), ""),
                                            l.strings(om.get("services")),
                                            l.required(om, "contact"),
                                            om.line(),
                                            l.strings(om.get("provinces"))));
                        }
                    }
                }
            } catch (YamlTree.SyntaxError e) {
                l.error(e.line(), e.getMessage());
            }
            errors.addAll(l.errors);
            return out;
        }
    }

    // ---- small typed accessors, each reporting its own error ----

    private MapNode map(Node n, String what) {
        if (n == null) {
            return null;
        }
        if (n instanceof MapNode m) {
            return m;
        }
        error(n.line(), what + " must be a mapping");
        return null;
    }

    private ListNode list(Node n, String what, int line) {
        if (n == null) {
            error(line, "missing '" + what + "'");
            return null;
        }
        if (n instanceof ListNode l) {
            return l;
        }
        error(n.line(), what + " must be a list");
        return null;
    }

    private void known(MapNode m, Set<String> keys) {
        m.entries().keySet().stream()
                .filter(k -> !keys.contains(k))
                .forEach(k -> error(m.keyLines().get(k), "unknown key '" + k + "'"));
    }

    private String required(MapNode m, String key) {
        String s = string(m.get(key), null);
        if (s == null || s.isBlank()) {
            error(m.line(), "missing '" + key + "'");
            return "";
        }
        return s;
    }

    private String string(Node n, String dflt) {
        if (n == null) {
            return dflt;
        }
        if (n instanceof Scalar s) {
            return s.value() == null ? dflt : s.value();
        }
        error(n.line(), "expected a single value");
        return dflt;
    }

    private boolean bool(Node n) {
        String s = string(n, "false").trim().toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false") && !s.equals("yes") && !s.equals("no")) {
            error(n.line(), "expected true or false");
        }
        return s.equals("true") || s.equals("yes");
    }

    private int integer(Node n, int dflt) {
        String s = string(n, null);
        if (s == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            error(n.line(), "expected a whole number");
            return dflt;
        }
    }

    private List<String> strings(Node n) {
        if (n == null) {
            return List.of();
        }
        if (n instanceof ListNode l) {
            List<String> out = new ArrayList<>();
            for (Node i : l.items()) {
                String s = string(i, null);
                if (s != null) {
                    out.add(s);
                }
            }
            return out;
        }
        String s = string(n, null);
        return s == null ? List.of() : List.of(s);
    }

    /**
     * The text, located at the line of the key that introduces it (a block mapping starts a line
     * later).
     */
    private static Text at(Text t, MapNode parent, String key) {
        Integer line = parent.keyLines().get(key);
        return line == null ? t : new Text(t.values(), t.essential(), line);
    }

    private Text text(Node n, List<String> codes, boolean essential) {
        if (n instanceof Scalar s) {
            error(n.line(), "a text needs one entry per language (e.g. en: ..., fr: ...)");
            return new Text(Map.of(), essential, s.line());
        }
        MapNode m = map(n, "a text");
        if (m == null) {
            return new Text(Map.of(), essential, n == null ? 1 : n.line());
        }
        Map<String, String> values = new LinkedHashMap<>();
        boolean ess = essential;
        for (Map.Entry<String, Node> e : m.entries().entrySet()) {
            if (e.getKey().equals("essential")) {
                ess = bool(e.getValue());
            } else if (!codes.contains(e.getKey())) {
                error(m.keyLines().get(e.getKey()), "unknown language '" + e.getKey() + "'");
            } else {
                String v = string(e.getValue(), "");
                values.put(e.getKey(), v.strip());
            }
        }
        return new Text(values, ess, m.line());
    }
}
