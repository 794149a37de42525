package org.haven.bot.script;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.ScriptException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code check} command and the loader's errors, on edited copies of the default intake. */
class ScriptCheckTest {

    @TempDir Path dir;

    private static String resource(String name) throws IOException {
        try (InputStream in = ScriptCheckTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes the default intake, edited, and its directory (also edited) to the temp folder. */
    private Path script(UnaryOperator<String> editScript, UnaryOperator<String> editDirectory)
            throws IOException {
        Path yaml = dir.resolve("intake.yaml");
        Files.writeString(
                yaml, editScript.apply(resource("intake/default.yaml")), StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("directory.yaml"),
                editDirectory.apply(resource("intake/directory.yaml")),
                StandardCharsets.UTF_8);
        return yaml;
    }

    private Path script(UnaryOperator<String> edit) throws IOException {
        return script(edit, d -> d);
    }

    private static List<String> errors(Path yaml) {
        return ScriptCheck.check(yaml).stream()
                .filter(f -> f.severity() == ScriptCheck.Severity.ERROR)
                .map(ScriptCheck.Finding::toString)
                .toList();
    }

    private static void assertError(List<String> errors, String fileAndLinePrefix, String text) {
        assertTrue(
                errors.stream().anyMatch(e -> e.startsWith(fileAndLinePrefix) && e.contains(text)),
                "expected an error at "
                        + fileAndLinePrefix
                        + " containing '"
                        + text
                        + "' in "
                        + errors);
    }

    private static String replaceOnce(String s, String from, String to) {
        int i = s.indexOf(from);
        if (i < 0) {
            throw new AssertionError("fixture text not found: " + from);
        }
        return s.substring(0, i) + to + s.substring(i + from.length());
    }

    private static int lineOf(String s, String text) {
        int i = s.indexOf(text);
        return (int) s.substring(0, i).chars().filter(c -> c == '\n').count() + 1;
    }

    /** Verifies that the shipped default intake has no errors. */
    @Test
    void testCheckFindsNoErrorInDefaultIntake() throws IOException {
        assertEquals(List.of(), errors(script(s -> s)));
    }

    /**
     * Verifies that removing any French text from the default intake (French claims completeness)
     * is an error.
     */
    @Test
    void testCheckFailsWhenAnyFrenchTranslationIsMissing() throws IOException {
        String original = resource("intake/default.yaml");
        List<String> lines = original.lines().toList();
        int tried = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).stripLeading().startsWith("fr: ")) {
                continue;
            }
            List<String> edited = new ArrayList<>(lines);
            edited.remove(i);
            Path yaml = script(s -> String.join("\n", edited) + "\n");
            List<String> errors = errors(yaml);
            int line = i + 1;
            assertTrue(
                    errors.stream().anyMatch(e -> e.contains("missing translation 'fr'")),
                    "removing line "
                            + line
                            + " ("
                            + lines.get(i).strip()
                            + ") should be an error: "
                            + errors);
            tried++;
        }
        assertTrue(tried > 30, "French lines tried: " + tried);
    }

    /** Verifies that a missing translation fails loading too, with file:line. */
    @Test
    void testLoadFailsWhenTranslationMissingInCompleteLanguage() throws IOException {
        String original = resource("intake/default.yaml");
        int line = lineOf(original, "  restart:\n");
        Path yaml = script(s -> replaceOnce(s, "    fr: \"D'accord, recommençons.\"\n", ""));
        ScriptException e = assertThrows(ScriptException.class, () -> Intake.load(yaml));
        assertError(
                e.errors(),
                yaml + ":" + line + ":",
                "missing translation 'fr' for message 'restart'");
    }

    /** Verifies that a script and its directory load from files and drive an engine. */
    @Test
    void testLoadReadsScriptAndDirectoryFromFiles() throws Exception {
        Path yaml =
                script(
                        s -> replaceOnce(s, "title: Haven default intake", "title: Edited intake"),
                        d -> replaceOnce(d, "contact: ccvt.org", "contact: 416-555-0100"));
        Intake intake = Intake.load(yaml);
        assertEquals("Edited intake", intake.script().title());
        assertEquals(List.of("en", "fr", "ar", "es", "fa", "ti", "uk"), intake.languages());
        assertTrue(
                intake.script().directory().stream()
                        .anyMatch(o -> o.contact().equals("416-555-0100")));
        var engine = new Engine(intake, EngineSettings.defaults());
        var turn = engine.start("sms", Instant.EPOCH);
        assertTrue(turn.replies().stream().anyMatch(r -> r.text().contains("Is it safe")));
    }

    /** Verifies that a missing script file is reported, not thrown. */
    @Test
    void testCheckReportsMissingFile() {
        List<String> errors = errors(dir.resolve("nope.yaml"));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).endsWith("nope.yaml:1: cannot read the script"), errors.get(0));
        assertThrows(ScriptException.class, () -> Intake.load(dir.resolve("nope.yaml")));
    }

    /** Verifies that an essential text missing in a partial language (Arabic) is an error. */
    @Test
    void testCheckFailsWhenEssentialTranslationMissingInPartialLanguage() throws IOException {
        Path yaml =
                script(
                        s ->
                                replaceOnce(
                                        partial(s, "ar"),
                                        "    ar: \"عذراً، لم أفهم. حاول مرة أخرى، أو اكتب مساعدة.\"\n",
                                        ""));
        assertError(
                errors(yaml),
                yaml.toString(),
                "missing translation 'ar' for message 'error' (essential)");
    }

    /** Verifies that a non-essential text may be missing in a partial language. */
    @Test
    void testCheckAllowsNonEssentialTextMissingInPartialLanguage() throws IOException {
        Path yaml =
                script(
                        s ->
                                replaceOnce(
                                        partial(s, "es"),
                                        "    es: \"Esto no es asesoramiento legal.\"\n",
                                        ""));
        assertEquals(List.of(), errors(yaml));
    }

    /** Verifies that a missing keyword word in any language is an error. */
    @Test
    void testCheckFailsWhenKeywordMissingInALanguage() throws IOException {
        Path yaml = script(s -> replaceOnce(s, ", es: [AYUDA]", ""));
        assertError(errors(yaml), yaml.toString(), "keyword 'help' has no word in 'es'");
    }

    /** Verifies that a condition on an unknown id is reported at its line. */
    @Test
    void testCheckReportsUnknownIdInCondition() throws IOException {
        String original = resource("intake/default.yaml");
        int line = lineOf(original, "show if: {who: agency}");
        Path yaml =
                script(s -> replaceOnce(s, "show if: {who: agency}", "show if: {whom: agency}"));
        assertError(errors(yaml), yaml + ":" + line + ":", "unknown id 'whom'");
    }

    /** Verifies that a condition on a choice value the question does not have is reported. */
    @Test
    void testCheckReportsUnknownValueInCondition() throws IOException {
        Path yaml =
                script(s -> replaceOnce(s, "show if: {who: agency}", "show if: {who: agencies}"));
        assertError(errors(yaml), yaml.toString(), "'who' has no choice 'agencies'");
    }

    /** Verifies that a condition on an answer not yet asked is reported. */
    @Test
    void testCheckReportsConditionOnAnswerNotYetAsked() throws IOException {
        Path yaml =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "show if: {contact_way: [phone, other]}",
                                        "show if: {city: answered}"));
        assertError(
                errors(yaml), yaml.toString(), "condition on 'city', which is not asked before it");
    }

    /** Verifies that a question that can never be asked is reported as unreachable. */
    @Test
    void testCheckReportsUnreachableQuestion() throws IOException {
        Path yaml =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "      - id: country\n        type: country\n",
                                        "      - id: country\n        type: country\n        show if: {danger_now: yes}\n"));
        assertError(errors(yaml), yaml.toString(), "question 'country' is unreachable");
    }

    /** Verifies that a jump to an unknown question is reported. */
    @Test
    void testCheckReportsUnknownGoTo() throws IOException {
        Path yaml = script(s -> replaceOnce(s, "then: handoff", "go to: contact_method"));
        assertError(errors(yaml), yaml.toString(), "unknown id 'contact_method' in 'go to'");
    }

    /** Verifies that a question role the gateway does not know is reported at its line. */
    @Test
    void testCheckReportsUnknownRoleWithLine() throws IOException {
        String original = resource("intake/default.yaml");
        int line = lineOf(original, "role: agency share");
        Path yaml = script(s -> replaceOnce(s, "role: agency share", "role: agency shares"));
        assertError(
                errors(yaml),
                yaml + ":" + line + ":",
                "question 'share_with_agency': unknown role 'agency shares'");
    }

    /** Verifies that one role given to two questions is reported. */
    @Test
    void testCheckReportsRoleGivenTwice() throws IOException {
        Path yaml = script(s -> replaceOnce(s, "role: agency share", "role: agency consent"));
        assertError(errors(yaml), yaml.toString(), "role 'agency consent' given to two questions");
    }

    /**
     * Verifies that a working group the script does not define, named in 'otherwise', is reported
     * at its line.
     */
    @Test
    void testCheckReportsUnknownWorkingGroupWithLine() throws IOException {
        String original = resource("intake/default.yaml");
        int line = lineOf(original, "otherwise: national");
        Path yaml = script(s -> replaceOnce(s, "otherwise: national", "otherwise: nationwide"));
        assertError(
                errors(yaml),
                yaml + ":" + line + ":",
                "unknown working group 'nationwide' in 'otherwise'");
    }

    /**
     * Verifies that a directory entry serving a working group the script does not define is
     * reported at its line.
     */
    @Test
    void testCheckReportsUnknownWorkingGroupInDirectoryWithLine() throws IOException {
        String directory = resource("intake/directory.yaml");
        int line = lineOf(directory, "serves: [toronto]") - 1; // the organisation's first line
        Path yaml = script(s -> s, d -> replaceOnce(d, "serves: [toronto]", "serves: [torronto]"));
        assertError(
                errors(yaml),
                "directory.yaml:" + line + ":",
                "unknown working group 'torronto' in 'serves'");
    }

    /**
     * Verifies that a directory entry naming a province that does not exist is reported at its
     * line, and that one serving a province alone (no {@code serves}) passes.
     */
    @Test
    void testCheckReportsUnknownProvinceInDirectoryWithLine() throws IOException {
        String directory = resource("intake/directory.yaml");
        int line = lineOf(directory, "serves: [toronto]") - 1; // the organisation's first line
        Path yaml =
                script(
                        s -> s,
                        d ->
                                replaceOnce(
                                        d,
                                        "serves: [toronto]",
                                        "serves: [toronto]\n    provinces: [ON, SA]"));
        assertError(
                errors(yaml),
                "directory.yaml:" + line + ":",
                "unknown province 'SA' in 'provinces'");
        Path provinceOnly =
                script(
                        s -> s,
                        d ->
                                d
                                        + "\n  - name: A Saskatchewan line\n    provinces: [SK]\n"
                                        + "    services: [crisis line]\n    contact: 555-0100\n");
        assertEquals(List.of(), errors(provinceOnly));
    }

    /**
     * Verifies that a working group's places listed under an unknown province code are reported.
     */
    @Test
    void testCheckReportsUnknownProvinceInPlaces() throws IOException {
        Path yaml = script(s -> replaceOnce(s, "places: {MB: [Winnipeg", "places: {MN: [Winnipeg"));
        assertError(
                errors(yaml), yaml.toString(), "working group 'winnipeg': unknown province 'MN'");
    }

    /** Verifies that duplicate ids and unknown keys are reported. */
    @Test
    void testCheckReportsDuplicateIdAndUnknownKey() throws IOException {
        Path yaml =
                script(
                        s ->
                                replaceOnce(
                                        replaceOnce(s, "- id: contact_time", "- id: contact_way"),
                                        "type: city",
                                        "type: city\n        shw if: {status: citizen}"));
        List<String> errors = errors(yaml);
        assertError(errors, yaml.toString(), "question id 'contact_way' used twice");
        assertError(errors, yaml.toString(), "unknown key 'shw if'");
    }

    /** Verifies that the same word for two keywords is reported. */
    @Test
    void testCheckReportsKeywordClash() throws IOException {
        Path yaml =
                script(s -> replaceOnce(s, "stop:     {en: [STOP,", "stop:     {en: [STOP, HELP,"));
        assertError(errors(yaml), yaml.toString(), "means both");
    }

    /** Verifies that a YAML syntax error is reported with its line. */
    @Test
    void testCheckReportsYamlSyntaxErrorWithLine() throws IOException {
        Path yaml = script(s -> replaceOnce(s, "title: Haven default intake", "title: [unclosed"));
        List<String> errors = errors(yaml);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).matches(".*intake\\.yaml:\\d+: YAML syntax.*"), errors.get(0));
    }

    /**
     * Verifies that a directory entry for an unknown working group is reported in the directory
     * file.
     */
    @Test
    void testCheckReportsDirectoryErrorsInDirectoryFile() throws IOException {
        Path yaml = script(s -> s, d -> replaceOnce(d, "serves: [toronto]", "serves: [atlantis]"));
        assertError(errors(yaml), "directory.yaml:", "unknown working group 'atlantis'");
    }

    /**
     * Verifies that every text the script sends, in every language, is held to the SMS segment
     * budget as an error: questions with their options, and messages such as the help text (a
     * 12-segment help text passed before, since only questions were counted, and only as warnings).
     */
    @Test
    void testCheckFailsOnAnyTextOverSmsSegmentBudget() throws IOException {
        Path yaml = script(s -> s);
        List<ScriptCheck.Finding> f = ScriptCheck.check(yaml, 1);
        assertTrue(
                f.stream()
                        .anyMatch(
                                x ->
                                        x.severity() == ScriptCheck.Severity.ERROR
                                                && x.message()
                                                        .contains(
                                                                "question 'safe_now' in 'ar' takes")),
                f.toString());
        assertTrue(
                f.stream()
                        .anyMatch(
                                x ->
                                        x.severity() == ScriptCheck.Severity.ERROR
                                                && x.message()
                                                        .contains("message 'help' in 'uk' takes")),
                f.toString());
        assertTrue(
                f.stream()
                        .anyMatch(
                                x ->
                                        x.message()
                                                .contains(
                                                        "in 'en' and 'fr' (the first reply when the language is not known)")),
                f.toString());
        assertEquals(List.of(), errors(yaml), "the default script fits the default budget");
        String longHelp = "You can write SKIP, PAUSE or HUMAN at any question. ".repeat(36);
        Path tooLong =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "    en: \"You can write: SKIP to skip a question,",
                                        "    en: \""
                                                + longHelp
                                                + "You can write: SKIP to skip a question,"));
        assertError(
                errors(tooLong),
                tooLong + ":",
                "message 'help' in 'en' takes 14 SMS segments (budget "
                        + ScriptCheck.DEFAULT_SEGMENT_BUDGET
                        + ")");
        Script s = Intake.defaultIntake().script();
        var counts = ScriptCheck.segmentCounts(s);
        long validations = s.questions().stream().filter(q -> q.validation() != null).count();
        long warnings = s.sections().stream().filter(x -> x.warning() != null).count();
        long variants = s.questions().stream().mapToLong(q -> q.variants().size()).sum();
        // crisis lines and referrals of each group, for a person of unknown province and for each
        // province of its places that has entries of its own
        long lists = 0;
        for (var g : s.workingGroups()) {
            lists +=
                    2L
                            * (1
                                    + g.provinces().values().stream()
                                            .distinct()
                                            .filter(
                                                    c ->
                                                            s.directory().stream()
                                                                    .anyMatch(
                                                                            o ->
                                                                                    o.provinces()
                                                                                            .contains(
                                                                                                    c)))
                                            .count());
        }
        long outcomes = 5; // the four outcomes and the rule's "outcome_in_canada", with their note
        assertEquals(
                (s.questions().size()
                                + s.messages().size()
                                + validations
                                + warnings
                                + variants
                                + lists
                                + outcomes)
                        * s.languages().size(),
                counts.size(),
                counts.keySet().toString());
        assertTrue(
                counts.values().stream()
                        .allMatch(n -> n >= 1 && n <= ScriptCheck.DEFAULT_SEGMENT_BUDGET));
    }

    /**
     * Verifies that the texts built from the directory are held to the SMS budget too, in every
     * language: each working group's crisis lines and its referral suggestions (for every
     * combination of the referral rules), and each outcome with its note; before, a list of four
     * organisations after an Arabic or Ukrainian introduction took up to 7 segments unchecked.
     */
    @Test
    void testCheckHoldsDirectoryListsToSmsBudget() throws IOException {
        var counts = ScriptCheck.segmentCounts(Intake.defaultIntake().script());
        for (String lang : List.of("en", "fr", "ar", "es", "fa", "ti", "uk")) {
            for (String key :
                    List.of(
                            "crisis lines of 'montreal'/" + lang,
                            "crisis lines of 'national'/" + lang,
                            "referral suggestions for 'toronto'/" + lang,
                            "referral suggestions for 'national'/" + lang,
                            "message 'outcome_in_canada' with 'not_legal_advice'/" + lang)) {
                assertTrue(counts.containsKey(key), key + " in " + counts.keySet());
                assertTrue(counts.get(key) <= ScriptCheck.DEFAULT_SEGMENT_BUDGET, key);
            }
        }
        String longName = "A crisis line with a very long name that says a great deal ".repeat(9);
        Path tooLong =
                script(
                        x -> x,
                        d ->
                                replaceOnce(
                                        d,
                                        "  - name: Manitoba Domestic Violence Crisis Line",
                                        "  - name: " + longName.strip()));
        List<String> errors = errors(tooLong);
        for (String lang : List.of("en", "uk")) {
            assertTrue(
                    errors.stream()
                            .anyMatch(
                                    e ->
                                            e.contains(
                                                    "crisis lines of 'winnipeg' in '"
                                                            + lang
                                                            + "' takes 5 SMS segments (budget 4)")),
                    errors.toString());
        }
    }

    /**
     * Verifies that the default intake covers the nine topics, the eight cities and the three
     * outcomes.
     */
    @Test
    void testDefaultIntakeCoversBrief() {
        Script s = Intake.defaultIntake().script();
        for (String id :
                List.of(
                        "safe_now",
                        "language",
                        "who",
                        "referral_code",
                        "client_consent",
                        "share_with_agency",
                        "what_happened",
                        "country",
                        "period",
                        "status",
                        "perpetrator_in_canada",
                        "danger_now",
                        "status_risk",
                        "health_support",
                        "contact_way",
                        "contact_time",
                        "leave_messages",
                        "city")) {
            assertTrue(s.question(id).isPresent(), id);
        }
        assertEquals("safe_now", s.questions().get(0).id());
        for (String g :
                List.of(
                        "halifax",
                        "montreal",
                        "ottawa",
                        "toronto",
                        "winnipeg",
                        "edmonton",
                        "vancouver",
                        "victoria")) {
            assertTrue(s.workingGroup(g).isPresent(), g);
        }
        assertEquals(4, s.triage().stream().map(TriageRule::outcome).distinct().count());
        assertTrue(s.language("ar").orElseThrow().rtl());
        assertTrue(s.language("fa").orElseThrow().rtl());
        for (String lang : List.of("en", "fr", "ar", "es", "fa", "ti", "uk")) {
            assertTrue(s.language(lang).orElseThrow().complete(), lang);
        }
    }

    /**
     * Verifies that the default intake marks its disclosure question sensitive, that the loaded
     * question says so, and that the check warns about a sensitive question without a section
     * warning and refuses a sensitive language question or a sensitive value that is not a boolean.
     */
    @Test
    void testCheckReportsSensitiveQuestions() throws IOException, ScriptException {
        Script shipped = Intake.load(script(s -> s)).script();
        assertTrue(shipped.question("what_happened").orElseThrow().sensitive());
        assertTrue(!shipped.question("country").orElseThrow().sensitive());

        Path unwarned =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "      - id: status\n",
                                        "      - id: status\n        sensitive: true\n"));
        String text = Files.readString(unwarned);
        List<String> warnings =
                ScriptCheck.check(unwarned).stream()
                        .filter(f -> f.severity() == ScriptCheck.Severity.WARNING)
                        .map(ScriptCheck.Finding::toString)
                        .toList();
        assertTrue(
                warnings.stream()
                        .anyMatch(
                                w ->
                                        w.contains(":" + lineOf(text, "      - id: status\n") + ":")
                                                && w.contains("'status' is sensitive")
                                                && w.contains("no warning")),
                "no warning in " + warnings);

        Path language =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "      - id: language\n",
                                        "      - id: language\n        sensitive: true\n"));
        assertError(errors(language), language + ":", "a language question cannot be sensitive");

        Path notBoolean =
                script(
                        s ->
                                replaceOnce(
                                        s,
                                        "        sensitive: true\n",
                                        "        sensitive: maybe\n"));
        assertError(errors(notBoolean), notBoolean + ":", "expected true or false");
    }

    /** A script whose language {@code code} is no longer marked complete. */
    private static String partial(String script, String code) {
        return script.replaceFirst("(\\{code: " + code + ", [^}]*?), complete: true", "$1");
    }
}
