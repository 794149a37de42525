package org.haven.bot.script;

/**
 * A language the script speaks.
 *
 * @param code     short code ("en", "fr", "ar", ...)
 * @param name     its own name for itself ("Français")
 * @param rtl      written right to left
 * @param complete every text must be translated (otherwise only the essential ones)
 * @param line     where it is declared
 */
public record Language(String code, String name, boolean rtl, boolean complete, int line) {
}
