package org.haven.bot.script;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A text in several languages, keyed by language code.
 *
 * @param values language code → text
 * @param essential whether languages that are not complete must still have it (safety question,
 *     language choice, help, handoff, error messages)
 * @param line the line where the text is defined
 */
public record Text(Map<String, String> values, boolean essential, int line) {

    /** Makes an immutable text. */
    public Text {
        values = Map.copyOf(values);
    }

    /**
     * The same text in every language (e.g. a language's own name).
     *
     * @param value the text
     * @param languages the language codes
     * @param line the line
     * @return the text
     */
    public static Text same(String value, Iterable<String> languages, int line) {
        Map<String, String> m = new HashMap<>();
        languages.forEach(l -> m.put(l, value));
        return new Text(m, true, line);
    }

    /**
     * @param language a language code
     * @return the text in that language, if translated
     */
    public Optional<String> in(String language) {
        return Optional.ofNullable(values.get(language));
    }

    /**
     * Chooses the language actually used for {@code language}: itself when translated, otherwise
     * {@code fallback}.
     *
     * @param language the wanted language
     * @param fallback the script's default language
     * @return the language to use
     */
    public String languageFor(String language, String fallback) {
        return values.containsKey(language) ? language : fallback;
    }

    /**
     * @param language the wanted language
     * @param fallback the script's default language
     * @return the text in {@code language}, else in {@code fallback}, else ""
     */
    public String resolve(String language, String fallback) {
        String v = values.get(language);
        if (v == null) {
            v = values.get(fallback);
        }
        return v == null ? "" : v;
    }
}
