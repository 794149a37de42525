package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The queue page's count of new cases, when there are more than a list shows (300). */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class QueueCountTest {
    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");
    private static final Pattern QUEUE =
            Pattern.compile("id=\"queue\" data-new=\"(\\d+)\" data-urgent=\"(\\d+)\"");

    /**
     * Verifies that with 310 new Toronto cases (155 urgent), 20 new Montreal cases, 4 new cases of
     * the intake group (no place known yet) and 3 Toronto cases claimed, an administrator's title
     * counts all 334 new ones and a Toronto coordinator's the 314 of Toronto and the intake group,
     * with their urgent ones for the notification (before, the count stopped at the list's 300).
     */
    @Test
    void testTitleCountsEveryNewCaseBeyondTheListedOnes(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.coordinator(haven, dataDir, "tess", "a long enough passphrase", "toronto");
            cases(haven, 310, "'toronto'", "queued", "i % 2 = 0");
            cases(haven, 20, "'montreal'", "queued", "true");
            cases(haven, 4, "NULL", "queued", "i = 1");
            cases(haven, 3, "'toronto'", "claimed", "true");

            String admin = TestHaven.loggedIn(haven).get("/inbox").body();
            assertEquals("(334) New — Haven", title(admin));
            assertQueue(admin, 334, 155 + 20 + 1);

            InboxClient tess = TestHaven.loggedIn(haven.port(), dataDir, "tess");
            String mine = tess.get("/inbox?queue=mine").body();
            assertEquals("(314) Mine — Haven", title(mine));
            assertQueue(mine, 314, 155 + 1);
            assertQueue(tess.get("/inbox?queue=new&partial=queue").body(), 314, 156);
        }
    }

    /** Inserts {@code n} cases of a group, of a status, urgent where {@code urgent} holds. */
    private static void cases(Haven haven, int n, String group, String status, String urgent)
            throws Exception {
        haven.database()
                .pool()
                .query(
                        "INSERT INTO cases (id, reference, channel, language, status, triage,"
                                + " priority, working_group, urgent) SELECT gen_random_uuid(),"
                                + " 'HV-' || substr(md5(random()::text), 1, 10), 'webchat', 'en', '"
                                + status
                                + "', 'LIKELY_IN_MANDATE', 2, "
                                + group
                                + ", "
                                + urgent
                                + " FROM generate_series(1, "
                                + n
                                + ") AS i")
                .execute()
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static void assertQueue(String page, long count, long urgent) {
        Matcher m = QUEUE.matcher(page);
        assertTrue(m.find(), "no queue");
        assertEquals(count, Long.parseLong(m.group(1)), "new cases");
        assertEquals(urgent, Long.parseLong(m.group(2)), "urgent new cases");
    }

    private static String title(String page) {
        Matcher m = TITLE.matcher(page);
        assertTrue(m.find(), "no title");
        return m.group(1);
    }
}
