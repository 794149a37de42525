package org.haven.bot;

/**
 * One answer for the coordinator: the question and the answer rendered in English (free text
 * verbatim as the person wrote it; "(skipped)" when skipped).
 *
 * @param questionId the script's question id
 * @param question the question, in English
 * @param answer the answer, in English (choice labels) or verbatim (free text)
 * @param label the question's short name in English for the inbox ("Safe to talk"); the question
 *     itself when the script gives none
 * @param sensitive whether the script marks the question sensitive (the inbox may hide the answer
 *     until the coordinator chooses to read it)
 */
public record Answer(
        String questionId, String question, String answer, String label, boolean sensitive) {

    /** An answer to a question that is not sensitive. */
    public Answer(String questionId, String question, String answer, String label) {
        this(questionId, question, answer, label, false);
    }

    /** An answer whose short name is its question. */
    public Answer(String questionId, String question, String answer) {
        this(questionId, question, answer, question);
    }
}
