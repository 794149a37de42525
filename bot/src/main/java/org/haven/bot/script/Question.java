package org.haven.bot.script;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One question of the intake.
 *
 * @param id unique id, used in conditions, rules and answers
 * @param type the kind of answer
 * @param prompt the question per language
 * @param choices the choices (empty for typed answers)
 * @param showIf ask only when this holds, or null
 * @param hideIf do not ask when this holds, or null
 * @param validation extra validation for typed answers, or null
 * @param section the id of the section it belongs to
 * @param essential whether every language must translate it
 * @param recognise for typed answers: name → the ways it may be written, in any language ({@code
 *     canada: [Canada, كندا, …]}); an answer that mentions one also holds the name, so conditions
 *     can test it ({@code country: canada})
 * @param variants other wordings of the prompt, the first whose condition holds replacing it
 * @param role what the gateway looks the question up by (one of {@link Script#ROLES}), or null
 * @param line where it is defined
 * @param label a short name of the question for the coordinator's inbox ("Safe to talk"), per
 *     language, or null (the inbox then shows the prompt)
 * @param sensitive whether the answer tells of what the person lived through ("What happened"): the
 *     inbox hides it behind a "show" control for coordinators who ask for that, so a volunteer is
 *     not met with it unprepared
 */
public record Question(
        String id,
        QuestionType type,
        Text prompt,
        List<Choice> choices,
        Condition showIf,
        Condition hideIf,
        Validation validation,
        String section,
        boolean essential,
        Map<String, List<String>> recognise,
        List<PromptVariant> variants,
        String role,
        int line,
        Text label,
        boolean sensitive) {

    /** Makes an immutable question. */
    public Question {
        choices = List.copyOf(choices);
        variants = List.copyOf(variants);
        Map<String, List<String>> copy = new LinkedHashMap<>();
        recognise.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        recognise = Collections.unmodifiableMap(copy);
    }

    /** A question that is not sensitive. */
    public Question(
            String id,
            QuestionType type,
            Text prompt,
            List<Choice> choices,
            Condition showIf,
            Condition hideIf,
            Validation validation,
            String section,
            boolean essential,
            Map<String, List<String>> recognise,
            List<PromptVariant> variants,
            String role,
            int line,
            Text label) {
        this(
                id,
                type,
                prompt,
                choices,
                showIf,
                hideIf,
                validation,
                section,
                essential,
                recognise,
                variants,
                role,
                line,
                label,
                false);
    }

    /** A question without a role or a short label. */
    public Question(
            String id,
            QuestionType type,
            Text prompt,
            List<Choice> choices,
            Condition showIf,
            Condition hideIf,
            Validation validation,
            String section,
            boolean essential,
            Map<String, List<String>> recognise,
            List<PromptVariant> variants,
            int line) {
        this(
                id,
                type,
                prompt,
                choices,
                showIf,
                hideIf,
                validation,
                section,
                essential,
                recognise,
                variants,
                null,
                line,
                null);
    }

    /**
     * A question that recognises nothing in typed answers.
     *
     * @param id unique id
     * @param type the kind of answer
     * @param prompt the question per language
     * @param choices the choices
     * @param showIf ask only when this holds, or null
     * @param hideIf do not ask when this holds, or null
     * @param validation extra validation, or null
     * @param section its section's id
     * @param essential whether every language must translate it
     * @param line where it is defined
     */
    public Question(
            String id,
            QuestionType type,
            Text prompt,
            List<Choice> choices,
            Condition showIf,
            Condition hideIf,
            Validation validation,
            String section,
            boolean essential,
            int line) {
        this(
                id,
                type,
                prompt,
                choices,
                showIf,
                hideIf,
                validation,
                section,
                essential,
                Map.of(),
                List.of(),
                null,
                line,
                null);
    }

    /**
     * @param answers the answers so far
     * @return the question as asked given those answers: the prompt of the first variant that holds
     */
    public Question asked(Map<String, List<String>> answers) {
        for (PromptVariant v : variants) {
            if (v.when().holds(answers)) {
                return new Question(
                        id,
                        type,
                        v.prompt(),
                        choices,
                        showIf,
                        hideIf,
                        validation,
                        section,
                        essential,
                        recognise,
                        List.of(),
                        role,
                        line,
                        label,
                        sensitive);
            }
        }
        return this;
    }

    /**
     * @param value a choice value
     * @return the choice with that value
     */
    public Optional<Choice> choice(String value) {
        return choices.stream().filter(c -> c.value().equals(value)).findFirst();
    }

    /**
     * @param answers the answers so far
     * @return whether the question is asked given those answers
     */
    public boolean shown(Map<String, List<String>> answers) {
        return (showIf == null || showIf.holds(answers))
                && (hideIf == null || !hideIf.holds(answers));
    }
}
