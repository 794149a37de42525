package org.haven.bot;

import java.util.List;
import java.util.Objects;

/**
 * The result of one engine step.
 *
 * @param state the state to keep for the next input
 * @param replies the messages to send, in order (may be empty, e.g. after STOP)
 * @param events what the gateway must act on
 */
public record Turn(ConversationState state, List<Reply> replies, List<Event> events) {

    /** Makes an immutable turn. */
    public Turn {
        Objects.requireNonNull(state, "state");
        replies = List.copyOf(replies);
        events = List.copyOf(events);
    }
}
