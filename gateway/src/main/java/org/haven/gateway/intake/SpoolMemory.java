package org.haven.gateway.intake;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.haven.bot.ConversationState;

/**
 * What this gateway remembers of recent contacts for its spool, so that a message replayed after a
 * database outage is taken as the answer to the question it was written to, never to a later one
 * (the conversation may have gone on meanwhile, through another gateway). Contacts are named by
 * their keyed hash (hex); the newest 100,000 of each map are kept, in memory only.
 */
final class SpoolMemory {
    private static final String LATE = "\u0000late";
    private static final int KEPT = 100_000;

    /** The question each contact's conversation was at after its last live message. */
    private final Map<String, String> asked = newest();

    /** How many of each contact's messages went to the spool since its last live message. */
    private final Map<String, Integer> run = newest();

    /**
     * Where the last replayed message of a contact went: the question it left the conversation at,
     * or {@link #LATE}.
     */
    private final Map<String, String> replayed = newest();

    /**
     * Whether a spooled message answered an earlier question than the one its conversation is at
     * now: then it is kept with that question and never taken as an answer to this one. The first
     * of a contact's run of spooled messages is judged by the question recorded with it (or,
     * unknown, by whether the conversation had a step since it arrived); each next one goes where
     * the one before it went. After the hand-off every message goes to the case.
     */
    synchronized boolean movedOn(String key, ConversationState state, Inbound.Spooled sp) {
        if (state.handedOff()) {
            return false;
        }
        String expected = sp.run() == 0 ? sp.question() : replayed.get(key);
        if (LATE.equals(expected)) {
            return true;
        }
        return expected != null
                ? !expected.equals(question(state))
                : state.lastActivity() * 1000 > sp.arrivedAtMillis();
    }

    /**
     * After a step's commit. A live message starts a new run: the question the conversation is at
     * now is recorded with the contact's next spooled message. A replayed one leaves the run as it
     * is, since the contact's next messages may still wait in the spool behind it, and records
     * where it went, to judge them by.
     */
    synchronized void committed(
            String key, ConversationState state, Optional<Inbound.Spooled> spooled, boolean late) {
        asked.put(key, question(state));
        if (spooled.isEmpty()) {
            run.remove(key);
        } else {
            replayed.put(key, late ? LATE : question(state));
        }
    }

    /**
     * A message as it goes into the spool: when it arrived, the question its conversation was at,
     * its place in the run.
     */
    synchronized Inbound spooling(String key, Inbound in, long nowMillis) {
        int place = run.merge(key, 1, Integer::sum) - 1;
        return in.spooled(nowMillis, asked.get(key), place);
    }

    private static String question(ConversationState state) {
        return state.question() == null ? "" : state.question();
    }

    private static <V> Map<String, V> newest() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > KEPT;
            }
        };
    }
}
