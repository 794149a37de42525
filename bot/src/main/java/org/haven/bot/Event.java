package org.haven.bot;

/** Something the gateway must act on after a turn. */
public sealed interface Event {

    /**
     * The intake is done (or cut short by a request for a person): queue the case.
     *
     * @param result what the intake established
     */
    record IntakeCompleted(IntakeResult result) implements Event {}

    /**
     * Free text sent after the handoff: pass it to the case's coordinator.
     *
     * @param text the message, verbatim
     */
    record MessageForCoordinator(String text) implements Event {}

    /** The person asked for their resume phrase; the gateway makes one and says it. */
    record PhraseRequested() implements Event {}

    /** The person asked for a person (HUMAN keyword or option). */
    record HumanRequested() implements Event {}

    /** The person opted out (STOP): send nothing more until they opt in. */
    record OptedOut() implements Event {}

    /** The person opted in again (START after STOP). */
    record OptedIn() implements Event {}

    /** The person asked to delete what they sent (DELETE). */
    record DeleteRequested() implements Event {}

    /** The duress word was used: flag the case silently; never reveal it on the channel. */
    record DuressTriggered() implements Event {}
}
