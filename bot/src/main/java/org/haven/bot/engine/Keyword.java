package org.haven.bot.engine;

import java.util.Locale;

/** The keywords that work on every channel, in every language, at any point. */
public enum Keyword {
    /** Opt out: nothing more is sent. */
    STOP,
    /** Opt in again, or resume. */
    START,
    /** Explain what can be done. */
    HELP,
    /** Start the intake again. */
    RESTART,
    /** Delete what the person sent. */
    DELETE,
    /** Ask for a person. */
    HUMAN,
    /** Choose the language again. */
    LANGUAGE,
    /** Skip the current question. */
    SKIP,
    /** Stop for now; come back later. */
    PAUSE,
    /** Ask for the resume phrase (the words that continue this conversation anywhere). */
    PHRASE;

    /**
     * @return the keyword's name in scripts ("stop")
     */
    public String scriptName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
