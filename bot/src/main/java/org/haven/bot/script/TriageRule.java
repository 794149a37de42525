package org.haven.bot.script;

import org.haven.bot.Triage;

/**
 * A triage rule: the first rule whose condition holds decides the outcome.
 *
 * @param when     the condition (always true for the {@code otherwise} rule)
 * @param outcome  the outcome
 * @param priority the queue priority, lower is sooner
 * @param line     where it is defined
 */
public record TriageRule(Condition when, Triage outcome, int priority, int line) {
}
