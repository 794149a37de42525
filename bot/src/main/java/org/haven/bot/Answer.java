package org.haven.bot;

/**
 * One answer for the coordinator: the question and the answer rendered in English (free text
 * verbatim as the person wrote it; "(skipped)" when skipped).
 *
 * @param questionId the script's question id
 * @param question the question, in English
 * @param answer the answer, in English (choice labels) or verbatim (free text)
 */
public record Answer(String questionId, String question, String answer) {}
