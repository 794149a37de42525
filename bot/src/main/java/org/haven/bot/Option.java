package org.haven.bot;

import java.util.Set;

/**
 * One choice offered with a {@link Reply}.
 *
 * <p>{@code value} is what the channel sends back as input when the option is picked (a button);
 * {@code label} is the localised text to show. Typed text also works: the option's number, its
 * label in any language, or a keyword.
 *
 * @param value the input to send back when picked
 * @param label the localised label
 */
public record Option(String value, String label) {

    /** Values of the options offered under every question: skip, pause, ask for a person. */
    public static final Set<String> CONTROL_VALUES = Set.of("SKIP", "PAUSE", "HUMAN");

    /**
     * Tells whether this option is one of the controls offered under every question (skip, pause,
     * ask for a person) rather than an answer to the question. SMS shows controls as a short footer
     * instead of numbering them.
     *
     * @return true for a control option
     */
    public boolean control() {
        return CONTROL_VALUES.contains(value);
    }
}
