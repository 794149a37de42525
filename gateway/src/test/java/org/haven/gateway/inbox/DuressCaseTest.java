package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A case made with the duress word, as coordinators see it: marked, not ranked as plain urgent,
 * replies held.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DuressCaseTest {
    private static final String DURESS = "bluebird";
    private static final Pattern CASE_LINK =
            Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"");
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of("HAVEN_DURESS_WORD", DURESS));
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /**
     * Verifies that a case made with the duress word says so on the queue and the case page, in
     * words a coordinator cannot miss; that the queue ranks it after a plain urgent case instead of
     * first; and that a reply to it is held until the coordinator confirms. Before, the case showed
     * only as "Urgent", first in the queue, and a reply went out like any other.
     */
    @Test
    void testDuressCaseIsMarkedNotRankedFirstAndItsReplyHeld() throws Exception {
        try (ChatClient danger = ChatClient.connect(haven.port())) {
            IntakeDriver.run(danger, List.of("yes", "en", "survivor", "yes"));
        }
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, List.of("yes", "en", "survivor", DURESS));
            InboxClient admin = TestHaven.loggedIn(haven);
            String queue = admin.get("/inbox?queue=new").body();
            List<String> paths = new ArrayList<>();
            Matcher m = CASE_LINK.matcher(queue);
            while (m.find()) {
                if (!paths.contains(m.group(1))) {
                    paths.add(m.group(1));
                }
            }
            assertEquals(2, paths.size(), queue);
            String flagged = null;
            String urgent = null;
            for (String p : paths) {
                if (admin.get(p).body().contains("Duress word used")) {
                    flagged = p;
                } else {
                    urgent = p;
                }
            }
            assertTrue(flagged != null && urgent != null, "no case marked as made under duress");
            assertTrue(
                    queue.contains(
                            "the person may not be safe. Do not write unless they write first."),
                    queue);
            assertTrue(
                    queue.indexOf(urgent) < queue.indexOf(flagged),
                    "the duress case is ranked as a plain urgent case");

            String page = admin.get(flagged).body();
            assertTrue(page.contains("duress-confirm"), "no confirmation on the reply form");
            assertEquals(302, admin.postWithCsrf(page, flagged + "/claim").statusCode());
            page = admin.get(flagged).body();
            String held = "Are you safe? " + UUID.randomUUID();
            HttpResponse<String> r =
                    admin.postWithCsrf(page, flagged + "/reply", "text", held, "canned", "");
            assertTrue(
                    r.headers()
                            .firstValue("Location")
                            .orElse("")
                            .endsWith("m=case.reply.duress_held"),
                    r.headers().toString());
            page = admin.get(flagged).body();
            assertFalse(page.contains(held), "the held reply was sent");
            String confirmed = "We are here when you can write. " + UUID.randomUUID();
            r =
                    admin.postWithCsrf(
                            page,
                            flagged + "/reply",
                            "text",
                            confirmed,
                            "canned",
                            "",
                            "duress_confirm",
                            "yes");
            assertTrue(
                    r.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"),
                    r.headers().toString());
            assertTrue(admin.get(flagged).body().contains(confirmed));
        }
    }
}
