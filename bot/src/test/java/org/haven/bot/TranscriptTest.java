package org.haven.bot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.bot.script.Language;
import org.haven.bot.script.Script;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every dialogue transcript under {@code src/test/resources/transcripts}: the person says X,
 * the bot replies Y. The format is described in {@code transcripts/README.md}.
 */
class TranscriptTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Instant T0 = Instant.parse("2026-03-02T15:00:00Z");

    static Stream<Arguments> transcripts() throws IOException, URISyntaxException {
        Path dir =
                Path.of(TranscriptTest.class.getClassLoader().getResource("transcripts").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        List<Arguments> out = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            JsonNode t = YAML.readTree(f.toFile());
            if (t.has("languages")) {
                for (JsonNode l : t.get("languages")) {
                    out.add(Arguments.of(name + " [" + l.asText() + "]", f, l.asText()));
                }
            } else {
                out.add(Arguments.of(name, f, null));
            }
        }
        return out.stream();
    }

    /**
     * Verifies that the engine answers each message of the transcript as written, with the events,
     * languages and intake result given; a transcript that lists {@code languages} is run in each,
     * its {@code {{...}}} placeholders replaced by that language's texts (see the README).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void testTranscript(String name, Path file, String lang) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode t =
                YAML.readTree(lang == null ? text : inLanguage(text, YAML.readTree(text), lang));
        Duration window =
                t.has("resume window")
                        ? Duration.parse(t.get("resume window").asText())
                        : EngineSettings.DEFAULT_RESUME_WINDOW;
        String duress = t.has("duress word") ? t.get("duress word").asText() : null;
        Engine engine = new Engine(Intake.defaultIntake(), new EngineSettings(duress, window));
        Instant now = T0;
        ConversationState state = null;
        int i = 0;
        for (JsonNode step : t.get("steps")) {
            i++;
            String where = name + " step " + i;
            if (step.has("after")) {
                now = now.plus(Duration.parse(step.get("after").asText()));
            }
            Turn turn;
            if (step.has("start") && step.get("start").isTextual()) {
                turn =
                        engine.start(
                                t.path("channel").asText("sms"), step.get("start").asText(), now);
            } else if (step.has("start")) {
                turn = engine.start(t.path("channel").asText("sms"), now);
            } else if (step.has("open")) {
                turn = engine.open(t.path("channel").asText("sms"), step.get("open").asText(), now);
            } else {
                // always through bytes, as the gateway does
                ConversationState restored = ConversationState.fromBytes(state.toBytes());
                assertEquals(state, restored, where + ": state survives serialisation");
                List<String> codes = new ArrayList<>();
                t.path("referral codes").forEach(c -> codes.add(c.asText()));
                turn =
                        t.has("referral codes")
                                ? engine.step(
                                        restored, step.get("say").asText(), now, codes::contains)
                                : engine.step(restored, step.get("say").asText(), now);
            }
            state = turn.state();
            checkReplies(
                    where
                            + " (said: "
                            + step.path("say").asText(step.path("open").asText("<start>"))
                            + ")",
                    step,
                    turn);
            checkEvents(where, step, turn);
            if (step.has("language")) {
                assertEquals(
                        step.get("language").asText(),
                        state.language(),
                        where + ": conversation language");
            }
            if (step.has("finished")) {
                assertEquals(
                        step.get("finished").asBoolean(), state.finished(), where + ": finished");
            }
            if (step.has("rtl")) {
                for (Reply r : turn.replies()) {
                    assertEquals(
                            step.get("rtl").asBoolean(),
                            r.rtl(),
                            where + ": rtl of '" + r.text() + "'");
                }
            }
            if (step.has("options")) {
                List<String> want = new ArrayList<>();
                step.get("options").forEach(o -> want.add(o.asText()));
                Reply last = turn.replies().get(turn.replies().size() - 1);
                assertEquals(
                        want,
                        last.options().stream().map(Option::value).toList(),
                        where + ": option values");
            }
            if (step.has("multiple")) {
                Reply last = turn.replies().get(turn.replies().size() - 1);
                assertEquals(
                        step.get("multiple").asBoolean(),
                        last.multiple(),
                        where + ": several answers together");
            }
            for (JsonNode never : step.path("never")) {
                turn.replies()
                        .forEach(
                                r ->
                                        assertFalse(
                                                r.text().contains(never.asText()),
                                                where
                                                        + ": '"
                                                        + never.asText()
                                                        + "' in '"
                                                        + r.text()
                                                        + "'"));
            }
            if (step.has("result")) {
                checkResult(where, step.get("result"), turn);
            }
        }
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z]+)(?::([^}]+))?}}");

    /**
     * A language-parameterised transcript in one language: each {@code {{kind:key}}} becomes that
     * language's text in the default script (or in the transcript's own {@code texts}), escaped for
     * a double-quoted YAML string.
     */
    private static String inLanguage(String text, JsonNode transcript, String lang) {
        Script script = Intake.defaultIntake().script();
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = resolve(script, transcript, m.group(1), m.group(2), lang);
            String quoted = value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
            m.appendReplacement(b, Matcher.quoteReplacement(quoted));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static String resolve(
            Script s, JsonNode transcript, String kind, String key, String lang) {
        Language language = s.language(lang).orElseThrow();
        return switch (kind) {
            case "lang" -> lang;
            case "rtl" -> String.valueOf(language.rtl());
            case "name" -> language.name();
            case "keyword" -> s.keywords().get(key).words().get(lang).get(0);
            case "message" -> part(s.messages().get(key).in(lang).orElseThrow());
            case "question" -> part(s.question(key).orElseThrow().prompt().in(lang).orElseThrow());
            case "variant" ->
                    part(
                            s.question(key)
                                    .orElseThrow()
                                    .variants()
                                    .get(0)
                                    .prompt()
                                    .in(lang)
                                    .orElseThrow());
            case "warning" -> part(s.section(key).orElseThrow().warning().in(lang).orElseThrow());
            case "option" -> {
                String[] qv = key.split("/");
                yield s.question(qv[0])
                        .flatMap(q -> q.choice(qv[1]))
                        .orElseThrow()
                        .label()
                        .in(lang)
                        .orElseThrow();
            }
            case "text" -> {
                JsonNode v = transcript.path("texts").path(key).path(lang);
                if (!v.isTextual()) {
                    throw new AssertionError("no texts/" + key + "/" + lang + " in the transcript");
                }
                yield v.asText();
            }
            default -> throw new AssertionError("unknown placeholder kind " + kind);
        };
    }

    /**
     * A script text as a reply contains it: up to its first line break and its first placeholder
     * the engine fills in ({days}, {group}); {reference} and {phrase} stay as they are.
     */
    private static String part(String text) {
        String t = text.split("\n", 2)[0];
        Matcher m = Pattern.compile("\\{(?!reference}|phrase})[a-z]+}").matcher(t);
        return (m.find() ? t.substring(0, m.start()) : t).strip();
    }

    private static void checkReplies(String where, JsonNode step, Turn turn) {
        List<String> want = new ArrayList<>();
        JsonNode bot = step.get("bot");
        if (bot == null) {
            fail(where + ": every step needs 'bot' (use [] for silence)");
        }
        bot.forEach(b -> want.add(b.asText()));
        List<String> got = turn.replies().stream().map(Reply::text).toList();
        if (want.size() != got.size()) {
            fail(
                    where
                            + ": expected "
                            + want.size()
                            + " replies containing "
                            + want
                            + " but got "
                            + got.size()
                            + ": "
                            + got);
        }
        for (int k = 0; k < want.size(); k++) {
            String g = got.get(k);
            assertTrue(
                    g.contains(want.get(k)),
                    where
                            + ": reply "
                            + (k + 1)
                            + " should contain '"
                            + want.get(k)
                            + "' but was '"
                            + g
                            + "'");
        }
    }

    private static void checkEvents(String where, JsonNode step, Turn turn) {
        List<String> want = new ArrayList<>();
        step.path("events").forEach(e -> want.add(e.asText()));
        List<String> got = turn.events().stream().map(e -> e.getClass().getSimpleName()).toList();
        assertEquals(want, got, where + ": events");
        for (Event e : turn.events()) {
            if (e instanceof Event.MessageForCoordinator m && step.has("coordinator gets")) {
                assertEquals(
                        step.get("coordinator gets").asText(),
                        m.text(),
                        where + ": message for coordinator");
            }
        }
    }

    private static void checkResult(String where, JsonNode r, Turn turn) {
        IntakeResult res =
                turn.events().stream()
                        .filter(e -> e instanceof Event.IntakeCompleted)
                        .map(e -> ((Event.IntakeCompleted) e).result())
                        .findFirst()
                        .orElseThrow(
                                () -> new AssertionError(where + ": no IntakeCompleted event"));
        if (r.has("triage")) {
            assertEquals(
                    Triage.valueOf(r.get("triage").asText()), res.triage(), where + ": triage");
        }
        if (r.has("priority")) {
            assertEquals(r.get("priority").asInt(), res.priority(), where + ": priority");
        }
        if (r.has("working group")) {
            assertEquals(
                    r.get("working group").asText(), res.workingGroup(), where + ": working group");
        }
        if (r.has("language")) {
            assertEquals(r.get("language").asText(), res.language(), where + ": result language");
        }
        if (r.has("duress")) {
            assertEquals(r.get("duress").asBoolean(), res.duress(), where + ": duress");
        }
        if (r.has("suggestions")) {
            assertEquals(
                    r.get("suggestions").asInt(),
                    res.referralSuggestions().size(),
                    where + ": number of referral suggestions " + res.referralSuggestions());
        }
        if (r.has("suggestion contains")) {
            String s = r.get("suggestion contains").asText();
            assertTrue(
                    res.referralSuggestions().stream().anyMatch(x -> x.contains(s)),
                    where
                            + ": a suggestion should contain '"
                            + s
                            + "': "
                            + res.referralSuggestions());
        }
        if (r.has("answers")) {
            r.get("answers")
                    .fields()
                    .forEachRemaining(
                            e -> {
                                Answer a =
                                        res.answers().stream()
                                                .filter(x -> x.questionId().equals(e.getKey()))
                                                .findFirst()
                                                .orElseThrow(
                                                        () ->
                                                                new AssertionError(
                                                                        where
                                                                                + ": no answer for "
                                                                                + e.getKey()
                                                                                + " in "
                                                                                + res.answers()));
                                assertEquals(
                                        e.getValue().asText(),
                                        a.answer(),
                                        where + ": answer to " + e.getKey());
                            });
        }
        if (r.has("answer count")) {
            assertEquals(
                    r.get("answer count").asInt(),
                    res.answers().size(),
                    where + ": answers " + res.answers());
        }
    }
}
