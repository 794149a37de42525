package org.haven.bot.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.script.Choice;
import org.haven.bot.script.Condition;
import org.haven.bot.script.Language;
import org.haven.bot.script.Question;
import org.haven.bot.script.QuestionType;
import org.haven.bot.script.Script;

/**
 * Turns typed input into an answer for one question: option numbers, values and labels (in the
 * conversation's language first, then in any language) for choices; validated text otherwise.
 */
public final class AnswerParser {
    private static final Pattern LIST_SEPARATOR = Pattern.compile("[,;،؛/]|\\s+(and|et|y|و)\\s+");
    private static final Pattern NUMBERS = Pattern.compile("[0-9]+(\\s+[0-9]+)+");
    private static final Pattern CHOICE_NUMBER = Pattern.compile("[0-9]{1,2}");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{Punct}\\p{IsPunctuation}]");

    /** The outcome of parsing. */
    public sealed interface Parsed {}

    /**
     * An accepted answer.
     *
     * @param values the choice values, or the typed text (one element)
     * @param language the language whose label matched, when it differs from the conversation's;
     *     null otherwise
     */
    public record Accepted(List<String> values, String language) implements Parsed {}

    /**
     * A rejected answer.
     *
     * @param messageKey the message to show, or null to use the question's validation message
     */
    public record Rejected(String messageKey) implements Parsed {}

    /**
     * Words typed at a choice question that match no choice but say something (a disclosure, a
     * question): kept, never answered "did not understand".
     *
     * @param text the words as typed
     */
    public record Typed(String text) implements Parsed {}

    /**
     * Words longer than a text question expects (a story told at "what days are safe?", or past
     * {@link #MAX_TEXT}): kept whole as the answer and acknowledged, never refused.
     *
     * @param values the words as typed, then what the question recognises in them
     */
    public record Kept(List<String> values) implements Parsed {}

    /**
     * Typed words at a choice question count as said, not mistyped, from this many words or
     * characters.
     */
    private static final int TYPED_WORDS = 3;

    private static final int TYPED_CHARS = 20;

    private static final Pattern YEAR = Pattern.compile("(?<!\\d)(\\d{4})(?!\\d)");

    /**
     * Text questions expect at most this many characters; longer words that say something are kept
     * whole all the same (a Telegram message has up to 4,096, an SMS body more).
     */
    static final int MAX_TEXT = 2000;

    private final Script script;
    // folded forms of the script's values and labels, made once: the script does not change under a
    // parser
    private final Map<String, String> folded = new ConcurrentHashMap<>();
    private final Map<String, String> labelWords = new ConcurrentHashMap<>();
    private final Map<String, String> spellingWords = new ConcurrentHashMap<>();

    /**
     * @param script the script (for labels in other languages)
     */
    public AnswerParser(Script script) {
        this.script = script;
    }

    /** A spelling of a {@code recognise} list as {@link Normalizer#words} gives it. */
    private String spellingWords(String spelling) {
        return spellingWords.computeIfAbsent(spelling, Normalizer::words);
    }

    private String fold(String scriptText) {
        return folded.computeIfAbsent(scriptText, Normalizer::fold);
    }

    /** A label as space-padded words, to find a word typed alone in it. */
    private String words(String label) {
        return labelWords.computeIfAbsent(
                label,
                l ->
                        " "
                                + SPACES.matcher(
                                                Normalizer.fold(
                                                        PUNCTUATION.matcher(l).replaceAll(" ")))
                                        .replaceAll(" ")
                                + " ");
    }

    /**
     * @param q the question being answered
     * @param input the input as typed (or an option value)
     * @param language the conversation language
     * @param thisYear the current year, for plausibility of years
     * @return the parsed answer
     */
    public Parsed parse(Question q, String input, String language, int thisYear) {
        String raw = input == null ? "" : input.strip();
        if (q.type().hasChoices()) {
            return choices(q, raw, language);
        }
        if (raw.isEmpty()) {
            return new Rejected("error");
        }
        if (raw.length() > MAX_TEXT
                || (q.validation() != null
                        && q.validation().maxLength() > 0
                        && raw.length() > q.validation().maxLength())) {
            if (says(raw) && q.type() != QuestionType.REFERRAL_CODE) {
                return new Kept(recognised(q, raw));
            }
            return new Rejected(q.validation() != null ? null : "error");
        }
        if (q.validation() != null
                && q.validation().pattern() != null
                && !q.validation().pattern().matcher(Normalizer.asciiDigits(raw)).matches()) {
            return new Rejected(null);
        }
        switch (q.type()) {
            case YEAR_OR_PERIOD -> {
                Matcher m = YEAR.matcher(Normalizer.asciiDigits(raw));
                while (m.find()) {
                    int y = Integer.parseInt(m.group(1));
                    if (y < 1900 || y > thisYear) {
                        return new Rejected("invalid_year");
                    }
                }
                return new Accepted(List.of(raw), null);
            }
            case REFERRAL_CODE -> {
                String code = ReferralCode.normalise(raw);
                return code == null
                        ? new Rejected(q.validation() != null ? null : "invalid_code")
                        : new Accepted(List.of(code), null);
            }
            case COUNTRY, CITY -> {
                if (!raw.codePoints().anyMatch(Character::isLetter)) {
                    return new Rejected(q.validation() != null ? null : "error");
                }
                return new Accepted(recognised(q, raw), null);
            }
            default -> {
                return new Accepted(recognised(q, raw), null);
            }
        }
    }

    /**
     * The typed answer, then the names of the question's {@code recognise} list that it mentions.
     */
    private List<String> recognised(Question q, String raw) {
        List<String> values = new ArrayList<>(List.of(raw));
        String said = Normalizer.words(raw);
        q.recognise()
                .forEach(
                        (name, spellings) -> {
                            if (spellings.stream()
                                            .anyMatch(
                                                    s ->
                                                            Normalizer.wordsMention(
                                                                    said, spellingWords(s)))
                                    && !values.contains(name)) {
                                values.add(name);
                            }
                        });
        return values;
    }

    private Parsed choices(Question q, String raw, String language) {
        Parsed p = matchChoices(q, raw, language);
        if (p instanceof Rejected && q.type() == QuestionType.YES_NO && says(raw)) {
            // "yes, but he is nearby": the answer, with the words kept beside it
            String first = Normalizer.words(raw).split(" ")[0];
            Hit h = one(q, first, language);
            if (h != null) {
                return new Accepted(List.of(h.value, Condition.TYPED_PREFIX + raw), h.language);
            }
        }
        if (p instanceof Rejected && says(raw)) {
            return new Typed(raw);
        }
        return p;
    }

    /**
     * Whether typed words are more than a mistyped choice: a few words, or a long one, with
     * letters.
     */
    private static boolean says(String raw) {
        String w = Normalizer.words(raw);
        return raw.codePoints().anyMatch(Character::isLetter)
                && (w.split(" ").length >= TYPED_WORDS || w.length() >= TYPED_CHARS);
    }

    private Parsed matchChoices(Question q, String raw, String language) {
        Hit whole = one(q, raw, language);
        if (whole != null) {
            return new Accepted(List.of(whole.value), whole.language);
        }
        if (q.type() != QuestionType.MULTIPLE_CHOICE) {
            return new Rejected("error");
        }
        String[] parts = LIST_SEPARATOR.split(Normalizer.asciiDigits(raw));
        if (parts.length == 1) {
            String t = raw.strip();
            if (NUMBERS.matcher(Normalizer.asciiDigits(t)).matches()) {
                parts = SPACES.split(Normalizer.asciiDigits(t));
            } else {
                return new Rejected("error");
            }
        }
        LinkedHashSet<String> values = new LinkedHashSet<>();
        String lang = null;
        for (String p : parts) {
            if (p.isBlank()) {
                continue;
            }
            Hit h = one(q, p, language);
            if (h == null) {
                return new Rejected("error");
            }
            values.add(h.value);
            if (h.language != null) {
                lang = h.language;
            }
        }
        return values.isEmpty()
                ? new Rejected("error")
                : new Accepted(new ArrayList<>(values), lang);
    }

    private record Hit(String value, String language) {}

    private Hit one(Question q, String raw, String language) {
        String f = Normalizer.fold(raw);
        if (f.isEmpty()) {
            return null;
        }
        List<Choice> cs = q.choices();
        if (CHOICE_NUMBER.matcher(f).matches()) {
            int n = Integer.parseInt(f);
            return n >= 1 && n <= cs.size() ? new Hit(cs.get(n - 1).value(), null) : null;
        }
        for (Choice c : cs) {
            if (fold(c.value()).equals(f) || c.value().equals(raw.strip())) {
                return new Hit(c.value(), null);
            }
        }
        // exact label, conversation language first, then others
        List<String> order = new ArrayList<>();
        order.add(language);
        for (Language l : script.languages()) {
            if (!order.contains(l.code())) {
                order.add(l.code());
            }
        }
        for (String lang : order) {
            for (Choice c : cs) {
                if (c.label().in(lang).map(this::fold).filter(f::equals).isPresent()) {
                    return new Hit(c.value(), lang.equals(language) ? null : lang);
                }
            }
        }
        // a word or words of exactly one label, in the conversation language ("survivor")
        if (f.length() >= 3) {
            Hit found = null;
            String padded = " " + f + " ";
            for (Choice c : cs) {
                String label = words(c.label().resolve(language, script.defaultLanguage()));
                if (label.contains(padded)) {
                    if (found != null) {
                        return null;
                    }
                    found = new Hit(c.value(), null);
                }
            }
            return found;
        }
        return null;
    }
}
