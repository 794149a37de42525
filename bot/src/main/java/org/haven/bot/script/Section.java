package org.haven.bot.script;

/**
 * A group of questions with an optional content warning, shown before its first question.
 *
 * @param id the section id
 * @param warning the content warning, or null
 * @param line where it is defined
 */
public record Section(String id, Text warning, int line) {}
