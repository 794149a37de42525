package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The web chat page shows the conversation since hand-off again after a reload. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class WebChatHistoryTest {
    private static final String DURESS = "bluebird";

    /**
     * Verifies that a page that asks for its history after a reload gets, in order, the bot's
     * hand-off message, what the person wrote since, the bot's answer to it, and the coordinator's
     * reply marked as the coordinator's; that a plain reconnect gets none of it again; that the
     * copy is stored only as ciphertext; and that after the duress word nothing of it shows again.
     */
    @Test
    void testReloadShowsTheConversationSinceHandOffAndDuressWipesIt(@TempDir Path dataDir)
            throws Exception {
        String marker = "history-" + UUID.randomUUID();
        String later = "Something I remembered " + UUID.randomUUID();
        String reply = "A coordinator writes " + UUID.randomUUID();
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DURESS_WORD", DURESS))) {
            TestHaven.setUpAdmin(haven);
            String token;
            String handOff;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.Transcript t =
                        IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
                token = t.resumeToken();
                handOff = t.frames().get(t.frames().size() - 1).getString("text");
                chat.say(later);
                chat.nextOfType("ack");
                chat.sync();
            }
            InboxClient admin = TestHaven.loggedIn(haven);
            String path = casePath(admin, marker);
            assertEquals(
                    302, admin.postWithCsrf(admin.get(path).body(), path + "/claim").statusCode());
            HttpResponse<String> sent =
                    admin.postWithCsrf(
                            admin.get(path).body(), path + "/reply", "text", reply, "canned", "");
            assertTrue(
                    sent.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"));

            // the person comes back (same tab): the waiting reply arrives
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                chat.nextOfType("session");
                JsonObject f;
                do {
                    f = chat.nextOfType("reply");
                } while (!reply.equals(f.getString("text")));
                assertEquals("coordinator", f.getString("from"));
                chat.sync();
            }
            // it is kept as ciphertext only
            String dump = DatabaseDump.dump(haven.database().connectOptions());
            assertFalse(
                    dump.contains(later) || dump.contains(reply),
                    "the person's copy is stored in clear");
            assertTrue(
                    Integer.parseInt(
                                    DatabaseDump.query(
                                                    haven.database().connectOptions(),
                                                    "SELECT count(*) FROM person_history")
                                            .get(0)
                                            .get(0))
                            >= 4);

            // a plain reconnect does not ask for it and gets none of it
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                chat.nextOfType("session");
                List<JsonObject> frames = chat.sync();
                assertTrue(
                        frames.stream().noneMatch(x -> "history".equals(x.getString("type"))),
                        frames.toString());
            }

            // a reload asks for it
            List<JsonObject> history;
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.sendRaw(
                        new JsonObject()
                                .put("type", "start")
                                .put("resume", token)
                                .put("history", true)
                                .encode());
                chat.nextOfType("session");
                history =
                        chat.sync().stream()
                                .filter(x -> "history".equals(x.getString("type")))
                                .toList();
            }
            List<String> from = history.stream().map(x -> x.getString("from")).toList();
            List<String> texts = history.stream().map(x -> x.getString("text")).toList();
            int mine = texts.indexOf(later);
            assertTrue(
                    mine > 0 && "person".equals(from.get(mine)),
                    "what the person wrote since: " + history);
            assertTrue(
                    texts.subList(0, mine).contains(handOff)
                            && from.subList(0, mine).stream().allMatch("bot"::equals),
                    "the history starts with the hand-off: " + texts);
            assertEquals("bot", from.get(mine + 1), "the bot's answer to it: " + history);
            assertEquals(reply, texts.get(texts.size() - 1));
            assertEquals("coordinator", from.get(from.size() - 1));
            assertFalse(
                    texts.stream().anyMatch(x -> x.contains(marker)),
                    "the intake answers are not part of the history");

            // the duress word: nothing of the conversation shows again
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.start(token);
                chat.nextOfType("session");
                chat.say(DURESS);
                chat.nextOfType("ack");
                chat.sync();
            }
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                chat.sendRaw(
                        new JsonObject()
                                .put("type", "start")
                                .put("resume", token)
                                .put("history", true)
                                .encode());
                List<JsonObject> after = chat.drain(Duration.ofSeconds(2));
                assertTrue(
                        after.stream().noneMatch(x -> "history".equals(x.getString("type"))),
                        after.toString());
                assertTrue(
                        after.stream()
                                .noneMatch(
                                        x ->
                                                String.valueOf(x.getString("text")).contains(later)
                                                        || String.valueOf(x.getString("text"))
                                                                .contains(reply)),
                        after.toString());
            }
            assertEquals(
                    "0",
                    DatabaseDump.query(
                                    haven.database().connectOptions(),
                                    "SELECT count(*) FROM person_history")
                            .get(0)
                            .get(0));
        }
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
