package org.haven.bot.script;

import org.haven.bot.Triage;

/**
 * A triage rule: the first rule whose condition holds decides the outcome.
 *
 * @param when the condition (always true for the {@code otherwise} rule)
 * @param outcome the outcome
 * @param priority the queue priority, lower is sooner
 * @param say the message that tells the person the outcome, or null for the outcome's own ({@code
 *     outcome_in_mandate}, …)
 * @param line where it is defined
 */
public record TriageRule(Condition when, Triage outcome, int priority, String say, int line) {}
