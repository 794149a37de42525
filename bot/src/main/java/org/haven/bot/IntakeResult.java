package org.haven.bot;

import java.util.List;

/**
 * What the intake established, handed to the coordinators' queue.
 *
 * @param language            the conversation language ("en", "fr", ...)
 * @param triage              the triage outcome
 * @param priority            queue priority; lower is sooner (0 = urgent)
 * @param workingGroup        the working group id ("toronto", ...) or "national"
 * @param answers             the questions asked and their answers, in order
 * @param referralSuggestions organisations suggested to the person ("name (where): contact")
 * @param duress              whether the duress word was used: treat contact with great care
 */
public record IntakeResult(String language, Triage triage, int priority, String workingGroup,
                           List<Answer> answers, List<String> referralSuggestions, boolean duress) {

    /** Makes an immutable result. */
    public IntakeResult {
        answers = List.copyOf(answers);
        referralSuggestions = List.copyOf(referralSuggestions);
    }
}
