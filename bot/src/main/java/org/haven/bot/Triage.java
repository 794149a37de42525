package org.haven.bot;

/** The outcome of an intake: never a legal opinion, only an order of work for coordinators. */
public enum Triage {
    /** The person said they are in danger now (or used the duress word): act first. */
    URGENT,
    /**
     * A serious violation and a connection to Canada: queued for a working group's legal
     * coordinator.
     */
    LIKELY_IN_MANDATE,
    /**
     * Not sure what it was (or told in the person's own words), with a link to Canada: a person
     * decides; the person is never told it is outside the mandate.
     */
    POSSIBLY_IN_MANDATE,
    /**
     * Probably not within the mandate: referral suggestions given, still queued at lower priority.
     */
    OUTSIDE_MANDATE,
    /**
     * The person asked for a person before the intake could say more: never triaged out of the
     * mandate on what little it holds; queued first, for a coordinator to decide.
     */
    PERSON_ASKED
}
