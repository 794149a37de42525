package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.haven.gateway.support.HandClock;
import org.junit.jupiter.api.Test;

/** The session registry's memory of sessions a team key rotation ended. */
class SessionRegistryTest {
    private static SessionGrant grant(long id, String language) {
        return new SessionGrant(
                id,
                "user" + id,
                "coordinator",
                Set.of("toronto"),
                null,
                List.of(),
                List.of(),
                true,
                language,
                true,
                null);
    }

    /**
     * Verifies that a rotation's ended sessions are remembered with their person's language, the
     * session that rotated and an unknown id are not, and the memory goes after the absolute
     * timeout.
     */
    @Test
    void testRotationEndedSessionsAreRememberedUntilTheAbsoluteTimeout() {
        HandClock clock = new HandClock(Instant.parse("2026-12-07T10:00:00Z"));
        SessionRegistry sessions =
                new SessionRegistry(clock, Duration.ofMinutes(30), Duration.ofHours(1));
        InboxSession admin = sessions.create(grant(1, "en"));
        InboxSession other = sessions.create(grant(2, "fr"));

        assertEquals(1, sessions.endAllExcept(admin.id()));

        assertTrue(sessions.find(other.id()).isEmpty(), "the other session lives on");
        assertEquals("fr", sessions.endedByRotation(other.id()).orElseThrow().language());
        assertTrue(sessions.endedByRotation(admin.id()).isEmpty());
        assertTrue(sessions.endedByRotation("no-such-session").isEmpty());
        assertTrue(sessions.endedByRotation(null).isEmpty());

        clock.advance(Duration.ofMinutes(61));
        assertTrue(sessions.endedByRotation(other.id()).isEmpty(), "remembered for ever");
        sessions.sweep();
        assertTrue(sessions.endedByRotation(other.id()).isEmpty());
    }
}
