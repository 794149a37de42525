package org.haven.bot.engine;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.bot.script.Choice;
import org.haven.bot.script.Language;
import org.haven.bot.script.Question;
import org.haven.bot.script.QuestionType;
import org.haven.bot.script.Script;
import org.haven.bot.script.Section;
import org.haven.bot.script.Text;

/**
 * Guesses the language of a first message, only where it is unambiguous: a greeting that only one
 * language lists ("bonjour", "hola"); else the writing system, when only one of the script's
 * languages is written in it (Ge'ez → Tigrinya, Cyrillic → Ukrainian); else, among languages
 * sharing a writing system (Arabic and Persian), letters that only one of them uses in its texts (پ
 * چ ژ گ ک ی for Persian; ة ي ك for Arabic; ñ for Spanish; ç for French; never an ASCII letter).
 * Anything else ("ok", "/start", "سلام") is no guess: the caller then answers in more than one
 * language.
 */
public final class LanguageGuess {
    private static final Pattern WORDS = Pattern.compile("[^\\p{L}\\p{M}\\p{N}]+");

    private final Map<String, String> greetings = new HashMap<>();
    private final Map<UnicodeScript, List<String>> bySystem = new EnumMap<>(UnicodeScript.class);
    private final Map<String, Set<Integer>> ownLetters = new HashMap<>();

    /**
     * @param script the script whose languages to recognise
     */
    public LanguageGuess(Script script) {
        Set<String> clash = new HashSet<>();
        for (Language l : script.languages()) {
            for (String w : l.firstWords()) {
                String f = words(w);
                String prev = greetings.putIfAbsent(f, l.code());
                if (prev != null && !prev.equals(l.code())) {
                    clash.add(f);
                }
            }
            system(l.name())
                    .ifPresent(
                            s -> bySystem.computeIfAbsent(s, k -> new ArrayList<>()).add(l.code()));
        }
        clash.forEach(greetings::remove);
        Map<String, Set<Integer>> letters = new HashMap<>();
        for (Language l : script.languages()) {
            letters.put(l.code(), letters(script, l.code()));
        }
        for (List<String> sharing : bySystem.values()) {
            for (String code : sharing) {
                Set<Integer> own = new HashSet<>(letters.get(code));
                sharing.stream()
                        .filter(o -> !o.equals(code))
                        .forEach(o -> own.removeAll(letters.get(o)));
                ownLetters.put(code, own);
            }
        }
    }

    /**
     * @param message a first message, as typed
     * @return its language, when it is unambiguous
     */
    public Optional<String> guess(String message) {
        String f = words(message == null ? "" : message);
        if (f.isEmpty()) {
            return Optional.empty();
        }
        Set<String> byGreeting = new LinkedHashSet<>();
        String padded = " " + f + " ";
        greetings.forEach(
                (g, code) -> {
                    if (padded.contains(" " + g + " ")) {
                        byGreeting.add(code);
                    }
                });
        if (byGreeting.size() == 1) {
            return Optional.of(byGreeting.iterator().next());
        }
        Optional<UnicodeScript> system = system(message);
        List<String> candidates =
                system.map(s -> bySystem.getOrDefault(s, List.of())).orElse(List.of());
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        Set<String> marked = new LinkedHashSet<>();
        message.codePoints()
                .forEach(
                        c ->
                                candidates.stream()
                                        .filter(
                                                code ->
                                                        ownLetters
                                                                .getOrDefault(code, Set.of())
                                                                .contains(c))
                                        .forEach(marked::add));
        return marked.size() == 1 ? Optional.of(marked.iterator().next()) : Optional.empty();
    }

    /** The one writing system of the letters of a text (Latin, Arabic, …), if there is just one. */
    private static Optional<UnicodeScript> system(String text) {
        Set<UnicodeScript> seen = new HashSet<>();
        text.codePoints().filter(Character::isLetter).forEach(c -> seen.add(UnicodeScript.of(c)));
        return seen.size() == 1 ? Optional.of(seen.iterator().next()) : Optional.empty();
    }

    /** Every letter the script writes in one language: its prompts, labels and messages. */
    private static Set<Integer> letters(Script script, String code) {
        List<Text> texts = new ArrayList<>(script.messages().values());
        script.sections().stream().map(Section::warning).filter(w -> w != null).forEach(texts::add);
        for (Question q : script.questions()) {
            texts.add(q.prompt());
            if (q.type() != QuestionType.LANGUAGE) { // its labels are every language's own name
                q.choices().stream().map(Choice::label).forEach(texts::add);
            }
        }
        Set<Integer> out = new HashSet<>();
        for (Text t : texts) {
            // ASCII letters tell nothing: "ok" is not English for its k
            t.in(code)
                    .ifPresent(
                            s ->
                                    s.codePoints()
                                            .filter(c -> c > 0x7F && Character.isLetter(c))
                                            .forEach(out::add));
        }
        return out;
    }

    private static String words(String s) {
        return WORDS.matcher(Normalizer.fold(s)).replaceAll(" ").strip();
    }
}
