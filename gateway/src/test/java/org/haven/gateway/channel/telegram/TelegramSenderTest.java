package org.haven.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Option;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The outbox sender against a fake Bot API: buttons, message ids, and how each failure is
 * classified.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TelegramSenderTest {
    private Vertx vertx;
    private FakeBotApi api;
    private TelegramApi client;
    private TelegramSender sender;

    @BeforeAll
    void start() throws Exception {
        vertx = Vertx.vertx();
        api = new FakeBotApi();
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        env.put("HAVEN_TELEGRAM_BOT_TOKEN", FakeBotApi.TOKEN);
        env.put("HAVEN_TELEGRAM_MODE", "polling");
        env.put("HAVEN_TELEGRAM_API_URL", api.url());
        client =
                new TelegramApi(
                        vertx, TelegramConfig.from(ConfigLoader.load(env, null)).orElseThrow());
        sender = new TelegramSender(client);
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private SendResult send(long chatId, String text, List<Option> options) throws Exception {
        OutboundMessage m =
                new OutboundMessage(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        String.valueOf(chatId),
                        text,
                        options,
                        "en",
                        false,
                        1);
        return sender.send(m).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /**
     * Verifies that options become inline keyboard buttons whose callback_data is the option value,
     * controls on one last row.
     */
    @Test
    void testOptionsAreSentAsInlineButtons() throws Exception {
        SendResult r =
                send(
                        42,
                        "Is it safe to talk now?",
                        List.of(
                                new Option("yes", "Yes"),
                                new Option("no", "No"),
                                new Option("SKIP", "Skip"),
                                new Option("HUMAN", "A person")));
        SendResult.Sent sent = assertInstanceOf(SendResult.Sent.class, r);
        FakeBotApi.Call call = api.sentTo(42).get(0);
        assertEquals(String.valueOf(api.calls("sendmessage").size()), sent.providerId());
        assertEquals(List.of("yes", "no", "SKIP", "HUMAN"), call.buttons());
        var rows = call.params().getJsonObject("reply_markup").getJsonArray("inline_keyboard");
        assertEquals(3, rows.size(), "answers one per row, controls together");
    }

    /**
     * Verifies that a reply longer than Telegram's limit goes as several messages whose ids are all
     * kept.
     */
    @Test
    void testLongTextIsSplitAndAllIdsKept() throws Exception {
        String sentence = "This sentence is here to make the message long enough to be split. ";
        SendResult r = send(43, sentence.repeat(100), List.of());
        SendResult.Sent sent = assertInstanceOf(SendResult.Sent.class, r);
        assertEquals(2, sent.providerId().split(",").length, sent.providerId());
        assertTrue(
                api.sentTo(43).stream()
                        .allMatch(c -> c.params().getString("text").length() <= 4096));
    }

    /** Verifies that each Bot API failure maps to the outbox's failure kind. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            429 | Too Many Requests: retry after 7        | 7 | RATE_LIMITED      | 7
            403 | Forbidden: bot was blocked by the user  |   | RECIPIENT_STOPPED |
            403 | Forbidden: user is deactivated         |   | RECIPIENT_STOPPED |
            400 | Bad Request: chat not found            |   | PERMANENT         |
            500 | Internal Server Error                  |   | RETRYABLE         |
            502 | Bad Gateway                            |   | RETRYABLE         |
            """)
    void testSendFailureIsClassified(
            int status,
            String description,
            Integer retryAfter,
            SendResult.Kind kind,
            Integer waitSeconds)
            throws Exception {
        api.failNextSend(status, description, retryAfter);
        SendResult.Failed failed =
                assertInstanceOf(SendResult.Failed.class, send(44, "hello", List.of()));
        assertEquals(kind, failed.kind());
        assertEquals(String.valueOf(status), failed.code());
        assertEquals(
                waitSeconds == null ? null : Duration.ofSeconds(waitSeconds), failed.retryAfter());
    }

    /** Verifies that an unreachable Bot API is a retryable failure. */
    @Test
    void testUnreachableApiIsRetryable() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_DATA_DIR", "/tmp/unused");
        env.put("HAVEN_TELEGRAM_BOT_TOKEN", FakeBotApi.TOKEN);
        env.put("HAVEN_TELEGRAM_MODE", "polling");
        env.put("HAVEN_TELEGRAM_API_URL", "http://127.0.0.1:1");
        TelegramApi dead =
                new TelegramApi(
                        vertx, TelegramConfig.from(ConfigLoader.load(env, null)).orElseThrow());
        try {
            OutboundMessage m =
                    new OutboundMessage(
                            UUID.randomUUID(),
                            UUID.randomUUID(),
                            "45",
                            "hello",
                            List.of(),
                            "en",
                            false,
                            1);
            SendResult r =
                    new TelegramSender(dead)
                            .send(m)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(20, TimeUnit.SECONDS);
            assertEquals(
                    SendResult.Kind.RETRYABLE, assertInstanceOf(SendResult.Failed.class, r).kind());
        } finally {
            dead.close();
        }
    }
}
