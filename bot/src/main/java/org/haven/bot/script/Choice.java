package org.haven.bot.script;

/**
 * One choice of a question.
 *
 * @param value the stored value (also the web button value)
 * @param label the label per language
 * @param say a message key to send right after this choice, or null
 * @param then what happens next
 * @param goTo a later question id to jump to, or null
 * @param line where it is defined
 */
public record Choice(String value, Text label, String say, Then then, String goTo, int line) {}
