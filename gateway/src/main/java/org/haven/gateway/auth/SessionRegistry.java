package org.haven.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Inbox sessions in memory: 128-bit random ids, idle and absolute timeouts; an ended session's key is wiped. */
public final class SessionRegistry {
    /** No session lives longer than this, however busy. */
    public static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(12);

    private final Map<String, InboxSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;

    public SessionRegistry(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    public InboxSession create(SessionGrant grant) {
        InboxSession s = new InboxSession(randomId(), grant, randomId(), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this id, touched; an expired one is ended and forgotten. */
    public Optional<InboxSession> find(String id) {
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

    public void end(String id) {
        InboxSession s = sessions.remove(id);
        if (s != null) {
            s.end();
        }
    }

    /** Ends every session of an account (locked out, removed, or an admin ended them). */
    public int endAllOf(long accountId) {
        var ids = sessions.values().stream().filter(s -> s.accountId() == accountId).map(InboxSession::id).toList();
        ids.forEach(this::end);
        return ids.size();
    }

    /** Ends every session of an account but {@code keepId} (its passphrase was just changed in that one). */
    public int endAllOfExcept(long accountId, String keepId) {
        var ids = sessions.values().stream().filter(s -> s.accountId() == accountId && !s.id().equals(keepId))
                .map(InboxSession::id).toList();
        ids.forEach(this::end);
        return ids.size();
    }

    /** Ends every session but one (after a key rotation the others hold a retired key). */
    public int endAllExcept(String keepId) {
        var ids = sessions.keySet().stream().filter(id -> !id.equals(keepId)).toList();
        ids.forEach(this::end);
        return ids.size();
    }

    /** Marks the second factor as done for this session. */
    public void completeSecondFactor(InboxSession s) {
        s.completeSecondFactor();
    }

    /** Marks a session's one-time passphrase as replaced by the person's own. */
    public void passphraseChosen(InboxSession s) {
        s.passphraseChosen(true);
    }

    /** Records that the passphrase was proven again now. */
    public void reauthenticated(InboxSession s) {
        s.reauthenticated(clock.instant());
    }

    /** Ends every expired session; called periodically. */
    public void sweep() {
        Instant now = clock.instant();
        sessions.values().stream().filter(s -> expired(s, now)).map(InboxSession::id).toList().forEach(this::end);
    }

    /** Ends all sessions (shutdown). */
    public void endAll() {
        sessions.keySet().stream().toList().forEach(this::end);
    }

    private boolean expired(InboxSession s, Instant now) {
        return s.lastSeen().plus(idleTimeout).isBefore(now) || s.createdAt().plus(ABSOLUTE_TIMEOUT).isBefore(now);
    }

    private String randomId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
