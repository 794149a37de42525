package org.haven.bot.script;

import java.util.List;
import java.util.Map;

/**
 * A condition on earlier answers, written as a mapping: question id → value or list of values. It
 * holds when, for every listed question, the answer (any selected value, for multiple choice) is
 * one of the listed values. Special values: {@code answered} (any answer), {@code skipped}, and
 * {@code typed} (words typed at a choice question instead of a choice).
 *
 * @param requirements question id → acceptable values
 * @param line where it is written
 */
public record Condition(Map<String, List<String>> requirements, int line) {

    /** Special value: the question has any answer. */
    public static final String ANSWERED = "answered";

    /** Special value: the question was skipped. */
    public static final String SKIPPED = "skipped";

    /**
     * Special value: at a choice question, the person wrote in their own words instead of choosing
     * (kept as a value starting with {@link #TYPED_PREFIX}).
     */
    public static final String TYPED = "typed";

    /**
     * How a choice question keeps words typed instead of a choice: {@code "typed:" + the words}.
     */
    public static final String TYPED_PREFIX = "typed:";

    /** Makes an immutable condition. */
    public Condition {
        requirements = Map.copyOf(requirements);
    }

    /**
     * @param answers question id → values (an empty list means skipped; absent means not asked)
     * @return whether the condition holds
     */
    public boolean holds(Map<String, List<String>> answers) {
        for (Map.Entry<String, List<String>> r : requirements.entrySet()) {
            List<String> given = answers.get(r.getKey());
            boolean ok = false;
            for (String want : r.getValue()) {
                if (want.equals(SKIPPED)) {
                    ok |= given != null && given.isEmpty();
                } else if (want.equals(ANSWERED)) {
                    ok |= given != null && !given.isEmpty();
                } else if (want.equals(TYPED)) {
                    ok |= given != null && given.stream().anyMatch(v -> v.startsWith(TYPED_PREFIX));
                } else {
                    ok |= given != null && given.contains(want);
                }
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
