package org.haven.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telegram by long polling, for deployments without a public URL, against a fake Bot API server.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TelegramPollingTest {
    private static final long CHAT = 6120098765L;

    /**
     * Verifies that in polling mode Haven drops any webhook, fetches updates with getUpdates,
     * acknowledges each only after storing it, takes an intake to a queued case, and keeps the chat
     * id out of the database and the log.
     */
    @Test
    void testIntakeOverLongPollingReachesInbox(@TempDir Path dataDir) throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (LogCapture logs = new LogCapture();
                FakeBotApi api = new FakeBotApi()) {
            try (Haven haven =
                    TestHaven.start(
                            dataDir,
                            Map.of(
                                    "HAVEN_TELEGRAM_BOT_TOKEN",
                                    FakeBotApi.TOKEN,
                                    "HAVEN_TELEGRAM_API_URL",
                                    api.url(),
                                    "HAVEN_TELEGRAM_MODE",
                                    "polling"))) {
                TestHaven.setUpAdmin(haven);
                api.await(c -> c.method().equals("deletewebhook"), Duration.ofSeconds(5));
                api.await(c -> c.method().equals("getupdates"), Duration.ofSeconds(5));
                assertEquals(
                        404,
                        TelegramSupport.postWebhook(haven, "{}", TelegramSupport.SECRET)
                                .statusCode(),
                        "webhook route mounted in polling mode");

                int taps =
                        TelegramSupport.completeIntake(
                                haven,
                                api,
                                CHAT,
                                marker,
                                update -> {
                                    api.queueUpdate(update);
                                    long id = update.getLong("update_id");
                                    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                                    while (api.highestOffset() <= id) {
                                        if (System.nanoTime() > end) {
                                            throw new AssertionError(
                                                    "update " + id + " never acknowledged");
                                        }
                                        Thread.sleep(20);
                                    }
                                });
                assertTrue(taps >= 5, "too few button taps: " + taps);

                String queue = TestHaven.loggedIn(haven).get("/inbox").body();
                String reference = IntakeDriver.onlyCaseReference(queue);
                String dump = DatabaseDump.dump(haven.database().connectOptions());
                assertTrue(dump.contains(reference));
                for (String secret : List.of(String.valueOf(CHAT), marker, FakeBotApi.TOKEN)) {
                    assertFalse(dump.contains(secret), "in clear in the database: " + secret);
                    assertFalse(
                            dump.contains(DatabaseDump.hexOf(secret)),
                            "in clear (bytea) in the database: " + secret);
                }
            }
            for (String line : logs.lines()) {
                assertFalse(
                        line.contains(String.valueOf(CHAT))
                                || line.contains(FakeBotApi.TOKEN)
                                || line.contains(marker),
                        "logged: " + line);
            }
        }
    }
}
