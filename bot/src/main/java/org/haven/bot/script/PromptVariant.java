package org.haven.bot.script;

/**
 * Another wording of a question's prompt, used when its condition holds: the questions speak of the
 * client once an agency worker is writing ("Does your client live in Canada?").
 *
 * @param when the condition on earlier answers
 * @param prompt the prompt per language
 * @param line where it is defined
 */
public record PromptVariant(Condition when, Text prompt, int line) {}
