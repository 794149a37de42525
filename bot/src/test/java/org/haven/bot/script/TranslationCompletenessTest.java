package org.haven.bot.script;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.haven.bot.Intake;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every text of the default intake, with one translation removed at a time, in each language that
 * claims completeness: the check must fail. So a missing key in a complete language can never pass
 * the build.
 */
class TranslationCompletenessTest {

    private static final Script DEFAULT = Intake.defaultIntake().script();

    private static Text without(Text t, String lang) {
        Map<String, String> v = new HashMap<>(t.values());
        v.remove(lang);
        return new Text(v, t.essential(), t.line());
    }

    private static Script withQuestions(Function<List<Question>, List<Question>> f) {
        Script s = DEFAULT;
        return new Script(
                s.source(),
                s.title(),
                s.defaultLanguage(),
                s.languages(),
                s.messages(),
                s.keywords(),
                s.sections(),
                f.apply(s.questions()),
                s.triage(),
                s.referrals(),
                s.maxSuggestions(),
                s.workingGroups(),
                s.fallbackGroup(),
                s.directorySource(),
                s.directory());
    }

    private static List<Script> variantsWithout(String lang) {
        Script s = DEFAULT;
        List<Script> out = new ArrayList<>();
        for (String key : s.messages().keySet()) {
            Map<String, Text> m = new LinkedHashMap<>(s.messages());
            m.put(key, without(m.get(key), lang));
            out.add(
                    new Script(
                            s.source(),
                            s.title(),
                            s.defaultLanguage(),
                            s.languages(),
                            m,
                            s.keywords(),
                            s.sections(),
                            s.questions(),
                            s.triage(),
                            s.referrals(),
                            s.maxSuggestions(),
                            s.workingGroups(),
                            s.fallbackGroup(),
                            s.directorySource(),
                            s.directory()));
        }
        for (int i = 0; i < s.sections().size(); i++) {
            Section sec = s.sections().get(i);
            if (sec.warning() != null) {
                List<Section> secs = new ArrayList<>(s.sections());
                secs.set(i, new Section(sec.id(), without(sec.warning(), lang), sec.line()));
                out.add(
                        new Script(
                                s.source(),
                                s.title(),
                                s.defaultLanguage(),
                                s.languages(),
                                s.messages(),
                                s.keywords(),
                                secs,
                                s.questions(),
                                s.triage(),
                                s.referrals(),
                                s.maxSuggestions(),
                                s.workingGroups(),
                                s.fallbackGroup(),
                                s.directorySource(),
                                s.directory()));
            }
        }
        for (int i = 0; i < s.questions().size(); i++) {
            final int qi = i;
            Question q = s.questions().get(i);
            out.add(
                    withQuestions(
                            qs ->
                                    replace(
                                            qs,
                                            qi,
                                            new Question(
                                                    q.id(),
                                                    q.type(),
                                                    without(q.prompt(), lang),
                                                    q.choices(),
                                                    q.showIf(),
                                                    q.hideIf(),
                                                    q.validation(),
                                                    q.section(),
                                                    q.essential(),
                                                    q.recognise(),
                                                    q.variants(),
                                                    q.role(),
                                                    q.line(),
                                                    q.label()))));
            if (q.label() != null) {
                out.add(
                        withQuestions(
                                qs ->
                                        replace(
                                                qs,
                                                qi,
                                                new Question(
                                                        q.id(),
                                                        q.type(),
                                                        q.prompt(),
                                                        q.choices(),
                                                        q.showIf(),
                                                        q.hideIf(),
                                                        q.validation(),
                                                        q.section(),
                                                        q.essential(),
                                                        q.recognise(),
                                                        q.variants(),
                                                        q.role(),
                                                        q.line(),
                                                        without(q.label(), lang)))));
            }
            if (q.type() != QuestionType.LANGUAGE) {
                for (int j = 0; j < q.choices().size(); j++) {
                    Choice c = q.choices().get(j);
                    List<Choice> cs = new ArrayList<>(q.choices());
                    cs.set(
                            j,
                            new Choice(
                                    c.value(),
                                    without(c.label(), lang),
                                    c.say(),
                                    c.then(),
                                    c.goTo(),
                                    c.line()));
                    out.add(
                            withQuestions(
                                    qs ->
                                            replace(
                                                    qs,
                                                    qi,
                                                    new Question(
                                                            q.id(),
                                                            q.type(),
                                                            q.prompt(),
                                                            cs,
                                                            q.showIf(),
                                                            q.hideIf(),
                                                            q.validation(),
                                                            q.section(),
                                                            q.essential(),
                                                            q.recognise(),
                                                            q.variants(),
                                                            q.role(),
                                                            q.line(),
                                                            q.label()))));
                }
            }
            if (q.validation() != null) {
                Validation v = q.validation();
                Validation nv =
                        new Validation(
                                v.pattern(), v.maxLength(), without(v.message(), lang), v.line());
                out.add(
                        withQuestions(
                                qs ->
                                        replace(
                                                qs,
                                                qi,
                                                new Question(
                                                        q.id(),
                                                        q.type(),
                                                        q.prompt(),
                                                        q.choices(),
                                                        q.showIf(),
                                                        q.hideIf(),
                                                        nv,
                                                        q.section(),
                                                        q.essential(),
                                                        q.recognise(),
                                                        q.variants(),
                                                        q.role(),
                                                        q.line(),
                                                        q.label()))));
            }
        }
        return out;
    }

    private static List<Question> replace(List<Question> qs, int i, Question q) {
        List<Question> copy = new ArrayList<>(qs);
        copy.set(i, q);
        return copy;
    }

    /** Verifies that removing any one translation of a complete language makes the check fail. */
    @ParameterizedTest
    @ValueSource(strings = {"en", "fr", "ar", "es", "fa", "ti", "uk"})
    void testCheckFailsWhenAnyTranslationMissingInCompleteLanguage(String lang) {
        assertTrue(DEFAULT.language(lang).orElseThrow().complete());
        List<Script> variants = variantsWithout(lang);
        assertTrue(variants.size() > 80, "texts tried: " + variants.size());
        // each variant's whole check is tens of milliseconds: on every processor
        String missing = "missing translation '" + lang + "'";
        variants.parallelStream()
                .forEach(
                        v -> {
                            List<String> errors =
                                    ScriptCheck.findings(v, ScriptCheck.DEFAULT_SEGMENT_BUDGET)
                                            .stream()
                                            .filter(f -> f.severity() == ScriptCheck.Severity.ERROR)
                                            .map(ScriptCheck.Finding::message)
                                            .toList();
                            assertTrue(
                                    says(errors, missing),
                                    "a text without '" + lang + "' passed the check: " + errors);
                        });
    }

    /** Whether one of {@code messages} holds {@code text}. */
    private static boolean says(List<String> messages, String text) {
        return messages.stream().anyMatch(m -> m.contains(text));
    }

    /**
     * Verifies that every question of the default intake has a short label for the inbox, in every
     * language, so a coordinator never reads a whole greeting as the name of an answer.
     */
    @Test
    void testEveryDefaultQuestionHasAShortLabel() {
        for (Question q : DEFAULT.questions()) {
            assertTrue(q.label() != null, "question '" + q.id() + "' has no label");
            for (Language l : DEFAULT.languages()) {
                String label = q.label().values().get(l.code());
                assertTrue(
                        label != null && !label.isBlank() && label.length() <= 40,
                        "question '" + q.id() + "' label in " + l.code() + ": " + label);
            }
        }
    }

    /**
     * Verifies that every language of the default intake claims completeness, so the test above
     * covers it.
     */
    @Test
    void testEveryDefaultLanguageIsComplete() {
        assertTrue(DEFAULT.languages().size() >= 7);
        DEFAULT.languages().forEach(l -> assertTrue(l.complete(), l.code()));
    }

    /**
     * Verifies that removing an essential text from a language not marked complete makes the check
     * fail.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ar", "es", "fa", "ti", "uk"})
    void testCheckFailsWhenEssentialTranslationMissingInPartialLanguage(String lang) {
        int essential = 0;
        List<Language> partial =
                DEFAULT.languages().stream()
                        .map(
                                l ->
                                        !l.code().equals(lang)
                                                ? l
                                                : new Language(
                                                        l.code(),
                                                        l.name(),
                                                        l.rtl(),
                                                        false,
                                                        l.firstWords(),
                                                        l.line()))
                        .toList();
        for (String key : DEFAULT.messages().keySet()) {
            Text t = DEFAULT.messages().get(key);
            if (!t.essential()) {
                continue;
            }
            essential++;
            Map<String, Text> m = new LinkedHashMap<>(DEFAULT.messages());
            m.put(key, without(t, lang));
            Script s = DEFAULT;
            Script v =
                    new Script(
                            s.source(),
                            s.title(),
                            s.defaultLanguage(),
                            partial,
                            m,
                            s.keywords(),
                            s.sections(),
                            s.questions(),
                            s.triage(),
                            s.referrals(),
                            s.maxSuggestions(),
                            s.workingGroups(),
                            s.fallbackGroup(),
                            s.directorySource(),
                            s.directory());
            List<String> found =
                    ScriptCheck.findings(v, ScriptCheck.DEFAULT_SEGMENT_BUDGET).stream()
                            .map(ScriptCheck.Finding::message)
                            .toList();
            assertTrue(
                    says(
                            found,
                            "missing translation '"
                                    + lang
                                    + "' for message '"
                                    + key
                                    + "' (essential)"),
                    key);
        }
        assertTrue(essential >= 20, "essential messages: " + essential);
    }
}
