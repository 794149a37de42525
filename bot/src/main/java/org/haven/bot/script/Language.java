package org.haven.bot.script;

import java.util.List;

/**
 * A language the script speaks.
 *
 * @param code short code ("en", "fr", "ar", ...)
 * @param name its own name for itself ("Français"); typed alone before a language is chosen, it
 *     chooses this one
 * @param rtl written right to left
 * @param complete every text must be translated (otherwise only the essential ones)
 * @param firstWords greetings that, in a first message, show this language ("bonjour", "hola")
 * @param line where it is declared
 */
public record Language(
        String code,
        String name,
        boolean rtl,
        boolean complete,
        List<String> firstWords,
        int line) {

    /** Makes an immutable language. */
    public Language {
        firstWords = List.copyOf(firstWords);
    }
}
