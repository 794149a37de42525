package org.haven.gateway.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inbox sessions in memory: 128-bit random ids, idle and absolute timeouts; an ended session's key
 * is wiped. Only what the person does extends the idle timeout ({@link #find}); what the page does
 * by itself, such as following live updates, does not ({@link #peek}).
 */
public final class SessionRegistry {
    /**
     * The default absolute timeout ({@code HAVEN_SESSION_ABSOLUTE_TIMEOUT}): no session lives
     * longer, however busy.
     */
    public static final Duration ABSOLUTE_TIMEOUT = Duration.ofHours(12);

    private final Map<String, InboxSession> sessions = new ConcurrentHashMap<>();

    /**
     * Sessions ended by a team key rotation, by id: when, and the person's language, so that their
     * next request can say why they must log in again. Forgotten after the absolute timeout.
     */
    private final Map<String, Ended> endedByRotation = new ConcurrentHashMap<>();

    /** A session ended by a team key rotation: when, and in which language its person read. */
    public record Ended(Instant at, String language) {}

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;

    public SessionRegistry(Clock clock, Duration idleTimeout) {
        this(clock, idleTimeout, ABSOLUTE_TIMEOUT);
    }

    public SessionRegistry(Clock clock, Duration idleTimeout, Duration absoluteTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.absoluteTimeout = absoluteTimeout;
    }

    public InboxSession create(SessionGrant grant) {
        InboxSession s = new InboxSession(randomId(), grant, randomId(), clock.instant());
        sessions.put(s.id(), s);
        return s;
    }

    /**
     * The live session with this id, touched (its person acted); an expired one is ended and
     * forgotten.
     */
    public Optional<InboxSession> find(String id) {
        return find(id, true);
    }

    /**
     * The live session with this id, not touched (the page acted by itself); an expired one is
     * ended and forgotten.
     */
    public Optional<InboxSession> peek(String id) {
        return find(id, false);
    }

    private Optional<InboxSession> find(String id, boolean touch) {
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
        if (touch) {
            s.touch(now);
        }
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
        var ids =
                sessions.values().stream()
                        .filter(s -> s.accountId() == accountId)
                        .map(InboxSession::id)
                        .toList();
        ids.forEach(this::end);
        return ids.size();
    }

    /**
     * Ends every session of an account but {@code keepId} (its passphrase was just changed in that
     * one).
     */
    public int endAllOfExcept(long accountId, String keepId) {
        var ids =
                sessions.values().stream()
                        .filter(s -> s.accountId() == accountId && !s.id().equals(keepId))
                        .map(InboxSession::id)
                        .toList();
        ids.forEach(this::end);
        return ids.size();
    }

    /**
     * Ends every session but one after a team key rotation (the others hold a retired key), and
     * remembers them for {@link #endedByRotation}.
     */
    public int endAllExcept(String keepId) {
        Instant now = clock.instant();
        var ended = sessions.values().stream().filter(s -> !s.id().equals(keepId)).toList();
        ended.forEach(
                s -> {
                    endedByRotation.put(s.id(), new Ended(now, s.language()));
                    end(s.id());
                });
        return ended.size();
    }

    /**
     * If the session with this id was ended by a team key rotation (within the absolute timeout),
     * when and in which language; its person is told why they must log in again.
     */
    public Optional<Ended> endedByRotation(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Ended e = endedByRotation.get(id);
        if (e == null || e.at().plus(absoluteTimeout).isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(e);
    }

    /** Marks the second factor as done for this session. */
    public void completeSecondFactor(InboxSession s) {
        s.completeSecondFactor();
    }

    /** Marks a session's one-time passphrase as replaced by the person's own. */
    public void passphraseChosen(InboxSession s) {
        s.passphraseChosen(true);
    }

    /** Whether the session's passphrase was entered within {@link Reauthentication#FRESH}. */
    public boolean fresh(InboxSession s) {
        return !s.reauthenticatedAt().plus(Reauthentication.FRESH).isBefore(clock.instant());
    }

    /** Records that the passphrase was proven again now. */
    public void reauthenticated(InboxSession s) {
        s.reauthenticated(clock.instant());
    }

    /** Ends every expired session; called periodically. */
    public void sweep() {
        Instant now = clock.instant();
        sessions.values().stream()
                .filter(s -> expired(s, now))
                .map(InboxSession::id)
                .toList()
                .forEach(this::end);
        endedByRotation.values().removeIf(e -> e.at().plus(absoluteTimeout).isBefore(now));
    }

    /** Ends all sessions (shutdown). */
    public void endAll() {
        sessions.keySet().stream().toList().forEach(this::end);
    }

    private boolean expired(InboxSession s, Instant now) {
        return s.lastSeen().plus(idleTimeout).isBefore(now)
                || s.createdAt().plus(absoluteTimeout).isBefore(now);
    }

    private String randomId() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
