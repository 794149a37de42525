package org.haven.gateway.inbox;

import java.time.Instant;
import org.haven.crypto.RecipientPrivateKey;

/**
 * A logged-in coordinator. The team private key lives here, in memory only, for as long as the
 * session does; {@link #end()} wipes it.
 */
final class InboxSession {
    final String id;
    final long accountId;
    final String username;
    final String role;
    final String csrfToken;
    final Instant createdAt;
    private final RecipientPrivateKey teamKey;
    private volatile Instant lastSeen;

    InboxSession(String id, long accountId, String username, String role, String csrfToken, RecipientPrivateKey teamKey,
                 Instant now) {
        this.id = id;
        this.accountId = accountId;
        this.username = username;
        this.role = role;
        this.csrfToken = csrfToken;
        this.teamKey = teamKey;
        this.createdAt = now;
        this.lastSeen = now;
    }

    RecipientPrivateKey teamKey() {
        return teamKey;
    }

    Instant lastSeen() {
        return lastSeen;
    }

    void touch(Instant now) {
        lastSeen = now;
    }

    void end() {
        teamKey.destroy();
    }
}
