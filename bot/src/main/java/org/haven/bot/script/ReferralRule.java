package org.haven.bot.script;

import java.util.List;
import org.haven.bot.Triage;

/**
 * A referral rule: when its condition holds (and the outcome matches, if given), organisations
 * offering these services are suggested. All matching rules apply.
 *
 * @param when the condition, or null for none
 * @param outcome the triage outcome it applies to, or null for any
 * @param services service names, as used in the directory
 * @param line where it is defined
 */
public record ReferralRule(Condition when, Triage outcome, List<String> services, int line) {

    /** Makes an immutable rule. */
    public ReferralRule {
        services = List.copyOf(services);
    }
}
