package org.haven.bot.script;

import java.util.regex.Pattern;

/**
 * Validation of a typed answer, with the message shown when it fails.
 *
 * @param pattern a regular expression the whole answer must match, or null
 * @param maxLength the longest accepted answer in characters (0 for no limit)
 * @param message what to say when the answer is not accepted
 * @param line where it is defined
 */
public record Validation(Pattern pattern, int maxLength, Text message, int line) {}
