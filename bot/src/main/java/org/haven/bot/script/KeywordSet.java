package org.haven.bot.script;

import java.util.List;
import java.util.Map;

/**
 * The words for one keyword in each language.
 *
 * @param name the keyword ("stop", "help", ...)
 * @param words language code → words
 * @param line where it is defined
 */
public record KeywordSet(String name, Map<String, List<String>> words, int line) {

    /** Makes an immutable set. */
    public KeywordSet {
        words = Map.copyOf(words);
    }
}
