package org.haven.bot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the intake established, handed to the coordinators' queue.
 *
 * @param language the conversation language ("en", "fr", ...)
 * @param triage the triage outcome
 * @param priority queue priority; lower is sooner (0 = urgent)
 * @param workingGroup the working group id ("toronto", ...) or "national"
 * @param answers the questions asked and their answers, in order
 * @param referralSuggestions organisations suggested to the person ("name (where): contact")
 * @param duress whether the duress word was used: treat contact with great care
 * @param values question id → the values chosen or typed, as the script names them (choice values
 *     such as "yes" or "nothing", not labels; empty = skipped)
 * @param askedForPerson whether the person asked to talk to a person (the case is then urgent;
 *     {@code workingGroup} is null when no place was given yet: every coordinator may take it)
 * @param roles role → the id of the script's question with that role (see {@link
 *     org.haven.bot.script.Script#ROLES}); the gateway decides on these, never on question ids
 */
public record IntakeResult(
        String language,
        Triage triage,
        int priority,
        String workingGroup,
        List<Answer> answers,
        List<String> referralSuggestions,
        boolean duress,
        Map<String, List<String>> values,
        boolean askedForPerson,
        Map<String, String> roles) {

    /** Makes an immutable result. */
    public IntakeResult {
        answers = List.copyOf(answers);
        referralSuggestions = List.copyOf(referralSuggestions);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        values = Collections.unmodifiableMap(copy);
        roles = Map.copyOf(roles);
    }

    /**
     * The values given to one question as the script names them, e.g. {@code
     * chosen("client_consent")} is {@code ["yes"]}: decisions are taken on these, never on the
     * English labels of {@link #answers}.
     *
     * @param questionId a question id of the script
     * @return the values, empty when the question was skipped or not asked
     */
    public List<String> chosen(String questionId) {
        return values.getOrDefault(questionId, List.of());
    }

    /**
     * The values given to the question with a role, as {@link #chosen(String)}.
     *
     * @param role one of {@link org.haven.bot.script.Script#ROLES}
     * @return the values, empty when the script has no such question or it was skipped or not asked
     */
    public List<String> chosenAs(String role) {
        String id = roles.get(role);
        return id == null ? List.of() : chosen(id);
    }

    /**
     * The answer to the question with a role, as {@link #answer(String)}.
     *
     * @param role one of {@link org.haven.bot.script.Script#ROLES}
     * @return the answer, if the script has such a question and it was asked
     */
    public Optional<String> answerAs(String role) {
        String id = roles.get(role);
        return id == null ? Optional.empty() : answer(id);
    }

    /**
     * Finds one answer, e.g. {@code answer("referral_code")} or {@code answer("share_with_agency")}
     * on the agency path.
     *
     * @param questionId a question id of the script
     * @return the answer as rendered for the coordinator, if the question was asked
     */
    public Optional<String> answer(String questionId) {
        return answers.stream()
                .filter(a -> a.questionId().equals(questionId))
                .map(Answer::answer)
                .findFirst();
    }
}
