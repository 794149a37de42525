package org.haven.bot;

import java.util.List;

/**
 * A made-up person answering an intake, for a gateway's warm-up and the engine's benchmark: the
 * offered options most of the time, now and then typed words (a city, a year, a sentence, a
 * keyword). Deterministic: the same conversation and step give the same answer.
 */
public final class SyntheticPerson {
    private static final String[] TYPED = {
        "Toronto",
        "2014",
        "it happened in my village, soldiers came at night",
        "yes",
        "later",
        "I live in Montréal-Nord, Québec"
    };

    private SyntheticPerson() {}

    /**
     * @param replies the replies of the engine's last turn
     * @param conversation which made-up conversation
     * @param step which answer of it
     * @return an offered option (varied by conversation and step) or, every seventh or when none is
     *     offered, typed words
     */
    public static String answer(List<Reply> replies, int conversation, int step) {
        List<Option> options =
                replies.isEmpty() ? List.of() : replies.get(replies.size() - 1).options();
        List<Option> answers = options.stream().filter(o -> !o.control()).toList();
        if (answers.isEmpty() || (conversation + step) % 7 == 0) {
            return TYPED[(conversation + step) % TYPED.length];
        }
        return answers.get((conversation * 31 + step) % answers.size()).value();
    }
}
