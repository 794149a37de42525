package org.haven.gateway.channel.telegram;

import static org.haven.gateway.channel.telegram.TelegramSupport.SECRET;
import static org.haven.gateway.channel.telegram.TelegramSupport.awaitOutboxDrained;
import static org.haven.gateway.channel.telegram.TelegramSupport.callback;
import static org.haven.gateway.channel.telegram.TelegramSupport.count;
import static org.haven.gateway.channel.telegram.TelegramSupport.fixture;
import static org.haven.gateway.channel.telegram.TelegramSupport.message;
import static org.haven.gateway.channel.telegram.TelegramSupport.postWebhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.engine.ReferralCode;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Telegram over the webhook, on a real Haven and PostgreSQL, against a fake Bot API server that the
 * library's real client talks to. One Haven serves the whole class; each test writes from its own
 * chat id. The end-to-end intake runs last and checks the whole database and log for chat ids.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TelegramWebhookTest {
    private static final long CHAT = 7340012345L;
    private static final String DURESS = "bluebird";

    private FakeBotApi api;
    private Haven haven;
    private LogCapture logs;
    private Path dataDir;

    @BeforeAll
    void startHaven() throws Exception {
        logs = new LogCapture();
        api = new FakeBotApi();
        dataDir = Files.createTempDirectory("haven-telegram");
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_PUBLIC_URL",
                                "http://haven.test",
                                "HAVEN_DURESS_WORD",
                                DURESS,
                                "HAVEN_TELEGRAM_BOT_TOKEN",
                                FakeBotApi.TOKEN,
                                "HAVEN_TELEGRAM_SECRET_TOKEN",
                                SECRET,
                                "HAVEN_TELEGRAM_API_URL",
                                api.url(),
                                "HAVEN_TELEGRAM_MODE",
                                "webhook"));
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    void stopHaven() throws Exception {
        try {
            haven.close();
            api.close();
        } finally {
            logs.close();
        }
    }

    /**
     * Verifies that Haven registers its webhook at start with the public URL, the secret and the
     * update types it handles.
     */
    @Test
    @Order(1)
    void testStartRegistersWebhook() throws Exception {
        JsonObject p =
                api.await(c -> c.method().equals("setwebhook"), Duration.ofSeconds(5)).params();
        assertEquals("http://haven.test/webhooks/telegram", p.getString("url"));
        assertEquals(SECRET, p.getString("secret_token"));
        assertEquals(
                Set.copyOf(TelegramApi.ALLOWED_UPDATES),
                Set.copyOf(new JsonArray(p.getString("allowed_updates")).getList()));
    }

    /**
     * Verifies that each kind of update is answered 200 and handled as it should be: stored and
     * answered through the outbox (text, command, button tap), politely answered and not stored
     * (edits, stickers, photos, files), or declined by leaving (groups with one reply, channels
     * without a word).
     */
    @ParameterizedTest(name = "{0}")
    @Order(2)
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            message           | 700000001     | 1 | sendmessage         | Hello, this is Haven
            message.start     | 700000002     | 1 | sendmessage         | Hello, this is Haven
            callback_query    | 700000003     | 1 | answercallbackquery | Hello, this is Haven
            edited_message    | 700000004     | 0 | sendmessage         | I cannot see changes
            my_chat_member    | -1001700000005 | 0 | leavechat          | To keep conversations safe
            message.group     | -1001700000006 | 0 | leavechat          | To keep conversations safe
            my_chat_member.channel | -1001700000010 | 0 | leavechat     |
            message.sticker   | 700000007     | 0 | sendmessage         | Sorry, I can only read text
            message.photo     | 700000008     | 0 | sendmessage         | Sorry, I can only read text
            message.document  | 700000009     | 0 | sendmessage         | Sorry, I can only read text
            """)
    void testUpdateFixturesAreHandledByKind(
            String fixture, long chatId, int stored, String call, String reply) throws Exception {
        long before = count(haven, "SELECT count(*) FROM conversations WHERE channel = 'telegram'");
        HttpResponse<String> response = postWebhook(haven, fixture(fixture), SECRET);
        assertEquals(200, response.statusCode());
        assertEquals(
                before + stored,
                count(haven, "SELECT count(*) FROM conversations WHERE channel = 'telegram'"));
        api.await(
                c ->
                        c.method().equals(call)
                                && (c.chatId() == null
                                        || c.chatId().equals(String.valueOf(chatId))
                                        || call.equals("answercallbackquery")),
                Duration.ofSeconds(10));
        if (reply == null) {
            Thread.sleep(300);
            assertTrue(api.sentTo(chatId).isEmpty(), fixture + " was answered");
            return;
        }
        FakeBotApi.Call said =
                api.await(
                        c ->
                                c.method().equals("sendmessage")
                                        && String.valueOf(chatId).equals(c.chatId()),
                        Duration.ofSeconds(10));
        assertTrue(
                said.params().getString("text").startsWith(reply),
                fixture + " answered: " + said.params().getString("text"));
        if (stored == 1) {
            assertTrue(
                    said.buttons().contains("yes") && said.buttons().contains("no"),
                    "options not sent as buttons");
        }
    }

    /**
     * Verifies that the channel's notices come from the intake script, in the language the person's
     * app reports when the script speaks it (Ukrainian here), and in English and French when it
     * does not (German) or reports none.
     */
    @ParameterizedTest(name = "{0}")
    @Order(2)
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            uk | 700000201 | Вибачте, я можу читати лише текст.
            de | 700000202 | Sorry, I can only read text.
            '' | 700000203 | Sorry, I can only read text.
            """)
    void testNoticesSpeakTheReportedLanguage(String language, long chatId, String start)
            throws Exception {
        JsonObject update = new JsonObject(fixture("message.sticker"));
        update.put("update_id", chatId);
        JsonObject message = update.getJsonObject("message");
        message.getJsonObject("chat").put("id", chatId);
        message.getJsonObject("from").put("id", chatId);
        if (!language.isEmpty()) {
            message.getJsonObject("from").put("language_code", language);
        }
        assertEquals(200, postWebhook(haven, update.encode(), SECRET).statusCode());
        FakeBotApi.Call said =
                api.await(
                        c ->
                                c.method().equals("sendmessage")
                                        && String.valueOf(chatId).equals(c.chatId()),
                        Duration.ofSeconds(10));
        String text = said.params().getString("text");
        assertTrue(text.startsWith(start), text);
        assertEquals(
                !language.equals("uk"),
                text.contains("Désolé, je ne peux lire que du texte."),
                "French beside English only where the person's language is not spoken: " + text);
    }

    /**
     * Verifies that a webhook post without the secret is refused 401 and one with a wrong secret
     * 403, and that nothing of either is stored or answered.
     */
    @Test
    @Order(3)
    void testPostFailsForInvalidCredentials() throws Exception {
        long chat = 700000101L;
        long conversations = count(haven, "SELECT count(*) FROM conversations");
        long seen = count(haven, "SELECT count(*) FROM inbound_seen");
        String body = message(chat, "hello").encode();
        assertEquals(401, postWebhook(haven, body, null).statusCode());
        assertEquals(403, postWebhook(haven, body, SECRET + "x").statusCode());
        assertEquals(403, postWebhook(haven, body, "").statusCode());
        Thread.sleep(500);
        assertEquals(conversations, count(haven, "SELECT count(*) FROM conversations"));
        assertEquals(seen, count(haven, "SELECT count(*) FROM inbound_seen"));
        assertTrue(api.sentTo(chat).isEmpty(), "answered an unauthenticated post");
    }

    /** Verifies that an update Telegram delivers twice (same update_id) moves the dialogue once. */
    @Test
    @Order(4)
    void testDuplicateUpdateIsProcessedOnce() throws Exception {
        long chat = 700000102L;
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        String yes = message(chat, "yes").encode();
        assertEquals(200, postWebhook(haven, yes, SECRET).statusCode());
        awaitOutboxDrained(haven);
        int once = api.sentTo(chat).size();
        long queued = count(haven, "SELECT count(*) FROM outbox");
        // an update is acknowledged after its step committed, replies included
        assertEquals(200, postWebhook(haven, yes, SECRET).statusCode());
        assertEquals(
                queued,
                count(haven, "SELECT count(*) FROM outbox"),
                "a redelivered update queued replies");
        awaitOutboxDrained(haven);
        assertEquals(once, api.sentTo(chat).size(), "a redelivered update was applied again");
    }

    /** Verifies that a 429 from the Bot API is retried no sooner than its retry_after. */
    @Test
    @Order(5)
    void testSendIsRetriedAfterRetryAfter() throws Exception {
        long chat = 700000103L;
        api.failNextSend(429, "Too Many Requests: retry after 2", 2);
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        FakeBotApi.Call delivered =
                api.await(
                        c ->
                                c.method().equals("sendmessage")
                                        && String.valueOf(chat).equals(c.chatId())
                                        && api.sentTo(chat).size() >= 2,
                        Duration.ofSeconds(15));
        List<FakeBotApi.Call> attempts = api.sentTo(chat);
        long waited = attempts.get(1).atMillis() - attempts.get(0).atMillis();
        assertTrue(waited >= 1900, "retried after " + waited + " ms");
        assertTrue(delivered != null);
    }

    /**
     * Verifies that a 403 (the person blocked the bot) stops the conversation's delivery, and that
     * it resumes when the person writes again.
     */
    @Test
    @Order(6)
    void testBlockedBotStopsConversation() throws Exception {
        long chat = 700000104L;
        long stopped =
                count(haven, "SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL");
        api.failNextSend(403, "Forbidden: bot was blocked by the user", null);
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count(haven, "SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL")
                        == stopped
                && System.nanoTime() < end) {
            Thread.sleep(100);
        }
        assertEquals(
                stopped + 1,
                count(haven, "SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        assertEquals(1, api.sentTo(chat).size(), "sent again after a 403");

        // They unblock the bot and write again: delivery resumes.
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        assertEquals(
                stopped,
                count(haven, "SELECT count(*) FROM conversations WHERE stopped_at IS NOT NULL"));
        assertTrue(api.sentTo(chat).size() > 1, "no reply after the person wrote again");
    }

    /**
     * Verifies that DELETE erases the conversation, deletes the messages the bot sent in the chat
     * (by the message ids kept in the outbox) and the person's own (issue 25; before, only the
     * bot's), and still says that it did.
     */
    @Test
    @Order(7)
    void testDeleteRemovesSentMessages() throws Exception {
        long chat = 700000105L;
        long conversations = count(haven, "SELECT count(*) FROM conversations");
        List<Integer> theirs = new ArrayList<>();
        for (String text : List.of("/start", "yes")) {
            JsonObject update = message(chat, text);
            theirs.add(update.getJsonObject("message").getInteger("message_id"));
            assertEquals(200, postWebhook(haven, update.encode(), SECRET).statusCode());
            awaitOutboxDrained(haven);
        }
        List<FakeBotApi.Call> sent = api.sentTo(chat);
        JsonObject delete = message(chat, "/delete");
        theirs.add(delete.getJsonObject("message").getInteger("message_id"));
        assertEquals(200, postWebhook(haven, delete.encode(), SECRET).statusCode());
        FakeBotApi.Call deleted =
                api.await(
                        c ->
                                c.method().equals("deletemessages")
                                        && String.valueOf(chat).equals(c.chatId()),
                        Duration.ofSeconds(10));
        List<Object> ids = deleted.params().getJsonArray("message_ids").getList();
        assertEquals(sent.size() + theirs.size(), ids.size(), ids.toString());
        assertTrue(
                theirs.stream().allMatch(ids::contains),
                "the person's own messages are not deleted: " + ids);
        api.await(
                c ->
                        c.method().equals("sendmessage")
                                && String.valueOf(chat).equals(c.chatId())
                                && c.params().getString("text").startsWith("We are deleting"),
                Duration.ofSeconds(10));
        assertEquals(conversations, count(haven, "SELECT count(*) FROM conversations"));
    }

    /**
     * Verifies that a tap on an older question's button is refused with a notice instead of
     * answering the question asked now, and that the latest question's buttons still work.
     */
    @Test
    @Order(7)
    void testStaleButtonDoesNotAnswerCurrentQuestion() throws Exception {
        long chat = 700000108L;
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        int safetyQuestion = api.sentTo(chat).get(api.sentTo(chat).size() - 1).messageId();
        assertEquals(200, postWebhook(haven, message(chat, "yes").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        int before = api.sentTo(chat).size();
        JsonObject stale = callback(chat, safetyQuestion, "yes");
        assertEquals(200, postWebhook(haven, stale.encode(), SECRET).statusCode());
        String callbackId = stale.getJsonObject("callback_query").getString("id");
        FakeBotApi.Call notice =
                api.await(
                        c ->
                                c.method().equals("answercallbackquery")
                                        && callbackId.equals(
                                                c.params().getString("callback_query_id")),
                        Duration.ofSeconds(10));
        assertTrue(
                notice.params().getString("text").startsWith("That question has passed."),
                notice.params().getString("text"));
        // the tap was acknowledged (200) after any step it moved had committed, replies included
        awaitOutboxDrained(haven);
        assertEquals(before, api.sentTo(chat).size(), "a stale tap moved the dialogue");

        List<FakeBotApi.Call> sent = api.sentTo(chat);
        FakeBotApi.Call latest = sent.get(sent.size() - 1);
        String choice = latest.buttons().get(0);
        assertEquals(
                200,
                postWebhook(haven, callback(chat, latest.messageId(), choice).encode(), SECRET)
                        .statusCode());
        awaitOutboxDrained(haven);
        assertTrue(api.sentTo(chat).size() > before, "the latest question's button did not work");
    }

    /**
     * Verifies that the duress word deletes the messages the bot sent in the chat, and the person's
     * own, the duress word included (issue 25), while the conversation stays (with its harmless
     * decoy reply queued as usual).
     */
    @Test
    @Order(7)
    void testDuressWordRemovesSentMessages() throws Exception {
        long chat = 700000107L;
        assertEquals(
                200, postWebhook(haven, message(chat, "/start").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        assertEquals(200, postWebhook(haven, message(chat, "yes").encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        int before = api.sentTo(chat).size();
        long conversations = count(haven, "SELECT count(*) FROM conversations");
        JsonObject duress = message(chat, DURESS);
        assertEquals(200, postWebhook(haven, duress.encode(), SECRET).statusCode());
        FakeBotApi.Call deleted =
                api.await(
                        c ->
                                c.method().equals("deletemessages")
                                        && String.valueOf(chat).equals(c.chatId()),
                        Duration.ofSeconds(10));
        List<Object> ids = deleted.params().getJsonArray("message_ids").getList();
        assertEquals(before + 3, ids.size(), "the bot's messages and the person's three: " + ids);
        assertTrue(
                ids.contains(duress.getJsonObject("message").getInteger("message_id")),
                "the duress word stays on screen");
        awaitOutboxDrained(haven);
        assertEquals(conversations, count(haven, "SELECT count(*) FROM conversations"));
        assertTrue(api.sentTo(chat).size() > before, "no decoy reply");
    }

    /**
     * Verifies that an agency's deep link ({@code /start <referral code>}) is answered for the
     * agency worker when the dialogue asks for the code: this code, held by no agency, is taken
     * from the link and queried (issue 25), not asked for again from scratch.
     */
    @Test
    @Order(8)
    void testStartDeepLinkCarriesReferralCode() throws Exception {
        long chat = 700000106L;
        String code = ReferralCode.issue(new SecureRandom()).replace("-", "");
        assertEquals(
                200,
                postWebhook(haven, message(chat, "/start " + code).encode(), SECRET).statusCode());
        awaitOutboxDrained(haven);
        for (String answer : List.of("yes", "en")) {
            assertEquals(
                    200, postWebhook(haven, message(chat, answer).encode(), SECRET).statusCode());
            awaitOutboxDrained(haven);
        }
        List<FakeBotApi.Call> asked = api.sentTo(chat);
        int whoQuestion = asked.get(asked.size() - 1).messageId();
        assertEquals(
                200,
                postWebhook(haven, callback(chat, whoQuestion, "agency").encode(), SECRET)
                        .statusCode());
        awaitOutboxDrained(haven);
        List<String> said = TelegramSupport.texts(api.sentTo(chat));
        assertTrue(
                said.stream().anyMatch(t -> t.startsWith("We do not recognise this code")),
                "the code from the link was not taken: " + said.get(said.size() - 1));
    }

    /**
     * Verifies that an intake over the webhook, answered partly by button taps, becomes a queued
     * case in the inbox, and that neither any test chat id nor the bot token or webhook secret
     * appears in clear in any table or log line.
     */
    @Test
    @Order(9)
    void testIntakeOverWebhookReachesInboxWithoutChatIdInClear() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        InboxClient inbox = TestHaven.loggedIn(haven);
        Set<String> earlier =
                references(inbox.get("/inbox").body()); // the duress test queued an urgent case
        int taps =
                TelegramSupport.completeIntake(
                        haven,
                        api,
                        CHAT,
                        marker,
                        update -> {
                            HttpResponse<String> r = postWebhook(haven, update.encode(), SECRET);
                            assertEquals(200, r.statusCode());
                        });
        assertTrue(taps >= 5, "too few answers were button taps: " + taps);
        assertTrue(api.calls("answercallbackquery").size() >= taps, "button taps not answered");
        assertTrue(
                api.calls("editmessagereplymarkup").stream()
                                .filter(c -> String.valueOf(CHAT).equals(c.chatId()))
                                .count()
                        >= taps,
                "tapped keyboards not removed");

        String queue = inbox.get("/inbox").body();
        Set<String> added = new HashSet<>(references(queue));
        added.removeAll(earlier);
        assertEquals(1, added.size(), "expected one new case, found " + added);
        String reference = added.iterator().next();
        Matcher m =
                Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"[^<]*" + reference)
                        .matcher(queue);
        assertTrue(m.find(), "no link to the new case");
        String casePage = inbox.get(m.group(1)).body();
        assertTrue(casePage.contains(marker), "answers not readable in the inbox");
        assertTrue(casePage.contains("telegram"), "case not marked as from Telegram");

        String dump = DatabaseDump.dump(haven.database().connectOptions());
        assertTrue(dump.contains(reference), "not a dump of this database");
        List<String> secrets =
                List.of(
                        String.valueOf(CHAT),
                        "700000001",
                        "700000003",
                        "700000105",
                        "1001700000006",
                        marker,
                        FakeBotApi.TOKEN,
                        SECRET);
        for (String secret : secrets) {
            assertFalse(dump.contains(secret), "in clear in the database: " + secret);
            assertFalse(
                    dump.contains(DatabaseDump.hexOf(secret)),
                    "in clear (bytea) in the database: " + secret);
        }
        List<String> lines = logs.lines();
        assertTrue(
                lines.stream()
                        .anyMatch(
                                l ->
                                        l.contains("event=case_queued")
                                                && l.contains("channel=telegram")));
        for (String line : lines) {
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "logged: " + line);
            }
            assertFalse(
                    line.contains("Syria") || line.contains("Toronto"),
                    "logged an answer: " + line);
        }
    }

    private static Set<String> references(String queuePage) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile("HV-[A-Z2-9]{6}").matcher(queuePage);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }
}
