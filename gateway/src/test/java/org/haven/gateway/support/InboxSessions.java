package org.haven.gateway.support;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.gateway.Haven;

/**
 * Logged-in inbox clients of one running Haven, one per user, reused across tests like browser tabs
 * left open.
 */
public final class InboxSessions {
    private final Haven haven;
    private final Path dataDir;
    private final Map<String, InboxClient> clients = new ConcurrentHashMap<>();

    public InboxSessions(Haven haven, Path dataDir) {
        this.haven = haven;
        this.dataDir = dataDir;
    }

    /** {@code user}'s client, logged in again when its session has ended. */
    public InboxClient of(String user) throws Exception {
        InboxClient client = clients.get(user);
        if (client == null || client.get("/inbox").statusCode() != 200) {
            client = TestHaven.loggedIn(haven.port(), dataDir, user);
            clients.put(user, client);
        }
        return client;
    }
}
