package org.haven.bot;

import java.util.List;
import java.util.Optional;

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

    /**
     * Finds one answer, e.g. {@code answer("referral_code")} or {@code answer("share_with_agency")}
     * on the agency path.
     *
     * @param questionId a question id of the script
     * @return the answer as rendered for the coordinator, if the question was asked
     */
    public Optional<String> answer(String questionId) {
        return answers.stream().filter(a -> a.questionId().equals(questionId)).map(Answer::answer).findFirst();
    }
}
