package org.haven.bot.script;

/** What happens after a choice is picked. */
public enum Then {
    /** Go on to the next question that is shown. */
    CONTINUE,
    /** Stop asking; the person may come back within the resume window. */
    PAUSE,
    /** End the conversation without a case; the next message starts again. */
    END,
    /** Hand off to a coordinator now. */
    HANDOFF
}
