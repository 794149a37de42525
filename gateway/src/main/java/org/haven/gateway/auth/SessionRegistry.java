package org.haven.gateway.inbox;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.crypto.RecipientPrivateKey;

/** Inbox sessions in memory: 128-bit random ids, idle and absolute timeouts; an ended session's key is wiped. */
final class SessionRegistry {
    static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(12);

    private final Map<String, InboxSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;

    SessionRegistry(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    InboxSession create(long accountId, String username, String role, RecipientPrivateKey teamKey) {
        InboxSession s = new InboxSession(randomId(), accountId, username, role, randomId(), teamKey, clock.instant());
        sessions.put(s.id, s);
        return s;
    }

    /** The live session with this id, touched; an expired one is ended and forgotten. */
    Optional<InboxSession> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        InboxSession s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            end(id);
            return Optional.empty();
        }
        s.touch(now);
        return Optional.of(s);
    }

    void end(String id) {
        InboxSession s = sessions.remove(id);
        if (s != null) {
            s.end();
        }
    }

    /** Ends every expired session; called periodically. */
    void sweep() {
        Instant now = clock.instant();
        sessions.values().stream().filter(s -> expired(s, now)).map(s -> s.id).toList().forEach(this::end);
    }

    /** Ends all sessions (shutdown). */
    void endAll() {
        sessions.keySet().stream().toList().forEach(this::end);
    }

    private boolean expired(InboxSession s, Instant now) {
        return s.lastSeen().plus(idleTimeout).isBefore(now) || s.createdAt.plus(ABSOLUTE_TIMEOUT).isBefore(now);
    }

    private String randomId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
