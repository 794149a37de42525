package org.haven.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engine behaviour that transcripts do not show well. */
class EngineTest {

    private static final Instant NOW = Instant.parse("2026-03-02T15:00:00Z");
    private final Engine engine = new Engine(Intake.defaultIntake(), EngineSettings.defaults());

    private Turn run(String... inputs) {
        Turn t = engine.start("sms", NOW);
        for (String in : inputs) {
            t = engine.step(t.state(), in, NOW);
        }
        return t;
    }

    /**
     * Verifies that a question whose "show if" is false is skipped (the referral code for a
     * survivor).
     */
    @Test
    void testStepSkipsQuestionWhenConditionFalse() {
        Turn t = run("yes", "en", "survivor");
        assertEquals("danger_now", t.state().question());
        Turn agency = run("yes", "en", "agency");
        assertEquals("referral_code", agency.state().question());
    }

    /**
     * Verifies that a question hidden by "hide if" is not asked (no city when not living in
     * Canada).
     */
    @Test
    void testStepHidesCityWhenNotInCanada() {
        Turn t =
                run(
                        "yes",
                        "en",
                        "1",
                        "no",
                        "yes",
                        "1",
                        "Chile",
                        "1975",
                        "not_in_canada",
                        "no",
                        "none",
                        "no",
                        "here",
                        "mornings",
                        "yes");
        assertTrue(t.state().finished());
        IntakeResult r = completed(t);
        assertTrue(r.answers().stream().noneMatch(a -> a.questionId().equals("city")));
        assertEquals("national", r.workingGroup());
    }

    /**
     * Verifies that the result keeps the script's values beside the English labels, so the gateway
     * decides on "yes" and "nothing" rather than on labels an administrator may reword.
     */
    @Test
    void testResultKeepsChosenValues() {
        Turn t =
                run(
                        "yes",
                        "en",
                        "agency",
                        "482-1776",
                        "yes",
                        "1,4",
                        "no",
                        "torture",
                        "Syria",
                        "2014",
                        "refugee",
                        "yes",
                        "none",
                        "no",
                        "here",
                        "mornings",
                        "no",
                        "Toronto");
        assertTrue(t.state().finished());
        IntakeResult r = completed(t);
        assertEquals(List.of("yes"), r.chosen("client_consent"));
        assertEquals(List.of("arrived", "nothing"), r.chosen("share_with_agency"));
        assertEquals(List.of(), r.chosen("no_such_question"));
        assertTrue(r.answer("share_with_agency").orElseThrow().contains("Nothing"));
    }

    /**
     * Verifies that a handed-off state holds none of the answers (they travel only in the event, to
     * be sealed into the case), keeps the working group, and that later messages, a language change
     * and "talk to a person" still name that group and add no answer back.
     */
    @Test
    void testHandedOffStateKeepsNoAnswers() {
        Turn t =
                run(
                        "yes",
                        "en",
                        "survivor",
                        "no",
                        "yes",
                        "torture",
                        "Syria",
                        "2014",
                        "refugee",
                        "yes",
                        "none",
                        "no",
                        "here",
                        "mornings",
                        "no",
                        "Toronto");
        assertTrue(t.state().finished());
        assertEquals("toronto", completed(t).workingGroup());
        assertTrue(completed(t).answers().size() > 5, "the event carries the answers");
        assertEquals(Map.of(), t.state().answers());
        assertEquals("toronto", t.state().workingGroup());
        String bytes = new String(t.state().toBytes(), StandardCharsets.UTF_8);
        assertFalse(
                bytes.contains("Syria") || bytes.contains("torture") || bytes.contains("refugee"),
                bytes);
        for (String later :
                List.of("a message for the coordinator", "LANGUAGE", "fr", "HUMAN", "HELP")) {
            t = engine.step(t.state(), later, NOW);
            assertEquals(Map.of(), t.state().answers(), "after " + later);
            assertEquals("toronto", t.state().workingGroup());
            assertTrue(t.state().finished());
        }
        Turn human = run("yes", "en", "survivor", "no", "yes", "torture", "HUMAN");
        assertTrue(human.state().finished());
        assertEquals(Map.of(), human.state().answers());
        assertEquals(completed(human).workingGroup(), human.state().workingGroup());
        Turn restarted = engine.step(t.state(), "RESTART", NOW);
        assertEquals(null, restarted.state().workingGroup());
        assertFalse(restarted.state().finished());
    }

    /**
     * Verifies that "talk to a person" before the intake is done hands off a case marked as asked
     * for a person, first in the queue, never triaged out of the mandate on the little it holds,
     * and with no working group while the place is not known (every coordinator's, not the
     * fallback's).
     */
    @Test
    void testPersonAskedEarlyIsNeverOutOfMandate() {
        Turn t = run("yes", "en", "survivor", "no", "yes", "torture", "HUMAN");
        IntakeResult r = completed(t);
        assertEquals(Triage.PERSON_ASKED, r.triage());
        assertTrue(r.askedForPerson());
        assertEquals(0, r.priority());
        assertEquals(null, r.workingGroup());
        assertFalse(r.answers().isEmpty(), "the answers given so far go with the case");
        Turn first = run("HUMAN");
        assertEquals(Triage.PERSON_ASKED, completed(first).triage());
        assertEquals(null, completed(first).workingGroup());
        IntakeResult finished =
                completed(
                        run(
                                "yes",
                                "en",
                                "survivor",
                                "no",
                                "yes",
                                "torture",
                                "Syria",
                                "2014",
                                "refugee",
                                "yes",
                                "none",
                                "no",
                                "here",
                                "mornings",
                                "no",
                                "Toronto"));
        assertFalse(finished.askedForPerson());
    }

    /**
     * Verifies that an answer applied late (it waited in a spool while the conversation went on)
     * stays with the question it answered, in the person's words, and never answers the question
     * the person is at; one whose question is not known is kept apart; nothing is said.
     */
    @Test
    void testLateAnswerStaysWithItsQuestion() {
        Turn atCountry = run("yes", "en", "survivor", "no", "yes", "torture");
        assertEquals("country", atCountry.state().question());
        Turn late = engine.late(atCountry.state(), "what_happened", "they took my brother", NOW);
        assertEquals(List.of(), late.replies());
        assertEquals(List.of(), late.events());
        assertEquals("country", late.state().question(), "the late answer moved the conversation");
        Turn away = engine.late(late.state(), null, "I am at my cousin's now", NOW);
        Turn t = away;
        for (String in :
                List.of(
                        "Syria",
                        "2014",
                        "refugee",
                        "yes",
                        "none",
                        "no",
                        "here",
                        "mornings",
                        "no",
                        "Toronto")) {
            t = engine.step(t.state(), in, NOW);
            if (in.equals("Syria")) {
                t =
                        engine.late(
                                t.state(),
                                "country",
                                "near Homs, I think",
                                NOW); // a free-text question keeps both
            }
        }
        IntakeResult r = completed(t);
        Map<String, String> byId = new HashMap<>();
        r.answers().forEach(a -> byId.put(a.questionId(), a.answer()));
        assertTrue(
                byId.get("what_happened").contains("Torture")
                        && byId.get("what_happened").contains("they took my brother"),
                byId.get("what_happened"));
        assertEquals(
                "Syria\nWritten while the service was away: near Homs, I think",
                byId.get("country"));
        assertEquals("I am at my cousin's now", byId.get("_away"));
    }

    /** Verifies that the state survives toBytes/fromBytes unchanged and stays small. */
    @Test
    void testStateRoundTripsThroughBytes() {
        ConversationState s = run("yes", "fr", "1", "non", "oui", "1,2", "Syrie").state();
        byte[] b = s.toBytes();
        assertEquals(s, ConversationState.fromBytes(b));
        assertEquals("fr", ConversationState.fromBytes(b).language());
        assertTrue(b.length < 400, "compact: " + b.length + " bytes");
    }

    /** Verifies that fromBytes rejects garbage with IllegalArgumentException. */
    @Test
    void testFromBytesRejectsGarbage() {
        assertThrows(
                IllegalArgumentException.class, () -> ConversationState.fromBytes(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ConversationState.fromBytes(null));
        assertThrows(
                IllegalArgumentException.class,
                () -> ConversationState.fromBytes("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ConversationState.fromBytes(
                                "{\"v\":99,\"ch\":\"sms\",\"l\":\"en\",\"lc\":false,\"p\":\"ACTIVE\",\"q\":null,\"lo\":false,\"a\":{},\"t\":0,\"h\":false}"
                                        .getBytes(StandardCharsets.UTF_8)));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ConversationState.fromBytes(
                                "{\"v\":1,\"p\":\"NOPE\"}".getBytes(StandardCharsets.UTF_8)));
    }

    /** Verifies that every question offers skip, pause and ask for a person. */
    @Test
    void testEveryQuestionOffersSkipPauseAndHuman() {
        Turn t = engine.start("web", NOW);
        List<String> seen = new ArrayList<>();
        while (!t.state().finished()) {
            Reply q = t.replies().get(t.replies().size() - 1);
            List<String> values = q.options().stream().map(Option::value).toList();
            assertTrue(
                    values.containsAll(List.of("SKIP", "PAUSE", "HUMAN")),
                    t.state().question() + ": " + values);
            seen.add(t.state().question());
            t = engine.step(t.state(), "SKIP", NOW);
        }
        assertTrue(seen.size() >= 14, "questions seen by skipping: " + seen);
    }

    /** Verifies that "this is not legal advice" is said exactly once in a whole intake. */
    @Test
    void testNotLegalAdviceSaidOnce() {
        Turn t = engine.start("sms", NOW);
        int count = 0;
        for (String in :
                List.of(
                        "yes",
                        "en",
                        "1",
                        "no",
                        "yes",
                        "2",
                        "Iraq",
                        "2014",
                        "citizen",
                        "yes",
                        "none",
                        "no",
                        "here",
                        "evenings",
                        "no",
                        "Halifax",
                        "thanks",
                        "HELP")) {
            t = engine.step(t.state(), in, NOW);
            for (Reply r : t.replies()) {
                if (r.text().toLowerCase().contains("not legal advice")) {
                    count++;
                }
            }
        }
        assertEquals(1, count);
    }

    /**
     * Verifies that a whole intake in each of the default script's languages never falls back to
     * English: every reply after the language is chosen is in that language (right to left for
     * Arabic and Persian), and so is every option label. Before, 14 of 19 questions fell back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"en", "fr", "ar", "es", "fa", "ti", "uk"})
    void testWholeIntakeNeverFallsBackToEnglish(String lang) {
        var script = Intake.defaultIntake().script();
        int index = script.languages().stream().map(l -> l.code()).toList().indexOf(lang) + 1;
        Turn t = engine.step(engine.start("sms", NOW).state(), "1", NOW);
        List<Reply> replies = new ArrayList<>();
        for (String in :
                List.of(
                        String.valueOf(index),
                        "1",
                        "2",
                        "1",
                        "1,2",
                        "Syria",
                        "2014",
                        "3",
                        "1",
                        "1",
                        "1",
                        "2",
                        "555 0100",
                        "evenings",
                        "2",
                        "Toronto")) {
            t = engine.step(t.state(), in, NOW);
            replies.addAll(t.replies());
        }
        assertTrue(t.state().finished(), "the intake finished");
        assertTrue(replies.size() >= 18, "replies: " + replies.size());
        boolean rtl = script.language(lang).orElseThrow().rtl();
        for (Reply r : replies) {
            assertEquals(lang, r.language(), "fell back: " + r.text());
            assertEquals(rtl, r.rtl(), r.text());
        }
        for (var q : script.questions()) {
            for (var c : q.choices()) {
                assertTrue(
                        c.label().in(lang).isPresent(),
                        q.id() + "/" + c.value() + " has no " + lang + " label");
            }
        }
    }

    /**
     * Verifies that the language question offers each language in its own name, whatever the
     * conversation language.
     */
    @Test
    void testLanguageQuestionShowsEachLanguageInItsOwnName() {
        Turn t = run("oui");
        assertEquals("fr", t.replies().get(0).language());
        assertEquals(
                List.of("English", "Français", "العربية", "Español", "فارسی", "ትግርኛ", "Українська"),
                t.replies().get(0).options().stream()
                        .filter(o -> !o.control())
                        .map(Option::label)
                        .toList());
    }

    /** Verifies that someone who opted out gets no reply at all until START. */
    @Test
    void testOptedOutGetsNoReplies() {
        Turn t = run("STOP", "hello", "HELP", "HUMAN", "yes");
        assertTrue(t.replies().isEmpty());
        assertTrue(t.events().isEmpty());
        assertEquals(ConversationState.Phase.OPTED_OUT, t.state().phase());
    }

    /**
     * Verifies that the duress word is matched regardless of case and accents and only when
     * configured.
     */
    @Test
    void testDuressWordOnlyWhenConfigured() {
        Engine withWord =
                new Engine(Intake.defaultIntake(), new EngineSettings("Café", Duration.ofDays(1)));
        Turn t = withWord.step(withWord.start("sms", NOW).state(), "CAFE", NOW);
        assertTrue(t.events().contains(new Event.DuressTriggered()));
        Turn plain = engine.step(engine.start("sms", NOW).state(), "CAFE", NOW);
        assertFalse(plain.events().contains(new Event.DuressTriggered()));
    }

    /**
     * Verifies that the working group is the nearest of the eight, and others go to the national
     * office.
     */
    @Test
    void testWorkingGroupForEachCity() {
        String[][] cases = {
            {"Halifax", "halifax"},
            {"Montréal", "montreal"},
            {"ottawa", "ottawa"},
            {"Toronto, ON", "toronto"},
            {"Winnipeg", "winnipeg"},
            {"Calgary", "edmonton"},
            {"Vancouver", "vancouver"},
            {"Victoria BC", "victoria"},
            {"Regina", "national"},
            {"Saskatoon, Saskatchewan", "national"}
        };
        for (String[] c : cases) {
            Turn t =
                    run(
                            "yes",
                            "en",
                            "1",
                            "no",
                            "yes",
                            "2",
                            "Iraq",
                            "2014",
                            "citizen",
                            "yes",
                            "none",
                            "no",
                            "here",
                            "evenings",
                            "no",
                            c[0]);
            assertEquals(c[1], completed(t).workingGroup(), c[0]);
        }
    }

    /** Verifies that a web button value for a multiple choice may carry several values at once. */
    @Test
    void testMultipleChoiceAcceptsValuesLabelsAndNumbers() {
        for (String in :
                List.of("genocide,torture", "1, 2", "1 2", "Genocide, Torture", "1 and 2")) {
            Turn t =
                    run(
                            "yes", "en", "1", "no", "yes", in, "x", "2000", "1", "1", "4", "no",
                            "1", "x", "no", "Ottawa");
            Answer a =
                    completed(t).answers().stream()
                            .filter(x -> x.questionId().equals("what_happened"))
                            .findFirst()
                            .orElseThrow();
            assertEquals("Genocide, Torture", a.answer(), in);
        }
    }

    /**
     * Verifies that the engine does not keep state between conversations (same input, same output).
     */
    @Test
    void testEngineIsDeterministic() {
        assertEquals(run("yes", "fr", "2").state(), run("yes", "fr", "2").state());
    }

    /**
     * Verifies that a story longer than a text question expects (over 2,000 characters, as a
     * Telegram message may be; or over a question's own limit) is kept whole and acknowledged,
     * never refused with "did not understand" or "keep it short" (issue 25, scope 5).
     */
    @Test
    void testLongTextAtTextQuestionIsKeptWholeAndAcknowledged() {
        String story = "They came at night and took my brother away. ".repeat(90); // 4,050 chars
        assertTrue(story.length() > 4000 && story.length() <= 4096);
        // "What days and times are safe to reach you?" (no limit of its own)
        Turn t =
                run(
                        "yes", "en", "1", "no", "yes", "2", "Iraq", "2014", "citizen", "yes",
                        "none", "no", "here", story);
        List<String> said = t.replies().stream().map(Reply::text).toList();
        assertTrue(said.get(0).startsWith("Thank you for telling us"), said.toString());
        assertTrue(said.get(1).contains("may we leave a message?"), said.toString());
        assertTrue(said.stream().noneMatch(x -> x.contains("did not understand")));
        t = engine.step(engine.step(t.state(), "no", NOW).state(), "Ottawa", NOW);
        assertEquals(story.strip(), answer(completed(t), "contact_time"));

        // "What number or address should we use?" (at most 200 characters)
        String details = "Call my sister, not me: my husband reads my phone. " + story;
        Turn d =
                run(
                        "yes", "en", "1", "no", "yes", "2", "Iraq", "2014", "citizen", "yes",
                        "none", "no", "phone", details);
        said = d.replies().stream().map(Reply::text).toList();
        assertTrue(said.get(0).startsWith("Thank you for telling us"), said.toString());
        assertTrue(said.get(1).contains("What days and times"), said.toString());
        d = run(d, "evenings", "no", "Ottawa");
        assertEquals(details.strip(), answer(completed(d), "contact_details"));

        // and at a choice question, past 2,000 characters, nothing is cut off
        Turn c = run("yes", "en", "1", "no", "yes", story);
        assertTrue(c.replies().get(0).text().startsWith("Thank you for telling us"));
        c = run(c, "Iraq", "2014", "citizen", "yes", "none", "no", "here", "x", "no", "Ottawa");
        assertEquals(
                "Other, in their words: " + story.strip(), answer(completed(c), "what_happened"));
    }

    /**
     * Verifies that words typed at a question and then SKIP keep the words (nothing typed is lost).
     */
    @Test
    void testSkipAfterTypedWordsKeepsThem() {
        Turn t = run("yes", "en", "1", "he knows where I live now", "SKIP");
        assertEquals("consent_read", t.state().question());
        t = run(t, "yes", "2", "Iraq", "2014", "citizen", "yes", "none", "no", "here", "x", "no");
        t = engine.step(t.state(), "Ottawa", NOW);
        assertEquals(
                "Other, in their words: he knows where I live now",
                answer(completed(t), "danger_now"));
    }

    private Turn run(Turn from, String... inputs) {
        Turn t = from;
        for (String in : inputs) {
            t = engine.step(t.state(), in, NOW);
        }
        return t;
    }

    private static String answer(IntakeResult r, String id) {
        return r.answers().stream()
                .filter(x -> x.questionId().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no answer to " + id + ": " + r.answers()))
                .answer();
    }

    private static IntakeResult completed(Turn t) {
        return t.events().stream()
                .filter(e -> e instanceof Event.IntakeCompleted)
                .map(e -> ((Event.IntakeCompleted) e).result())
                .findFirst()
                .orElseThrow();
    }
}
