package org.haven.gateway.channel.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.ExclusiveRole;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Telegram's long polling in a cluster: one poller at a time, and another takes over when it goes
 * (issue 17, scope 8).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TelegramPollingFailoverTest {
    private static final long CHAT = 6120091234L;

    /**
     * Verifies that of two polling gateways on one database only the first calls getUpdates; that
     * when it goes, the second starts polling within a few seconds; and that a message sent in
     * between is received once (one conversation, one update seen, each reply sent once), with the
     * hand-over logged without the chat id.
     */
    @Test
    void testOnlyOneGatewayPollsAndAnotherTakesOver(@TempDir Path dataA, @TempDir Path dataB)
            throws Exception {
        String url = TestPostgres.newDatabase();
        String keys = ServerSecrets.generateBase64();
        try (LogCapture logs = new LogCapture();
                FakeBotApi api = new FakeBotApi()) {
            int portA = FakeBotApi.portOf(api.url());
            int portB = FakeBotApi.portOf(api.otherUrl());
            Haven b;
            try (Haven a = TestHaven.start(dataA, settings(url, keys, api.url()))) {
                api.await(
                        c -> c.method().equals("getupdates") && c.port() == portA,
                        Duration.ofSeconds(10));
                b = TestHaven.start(dataB, settings(url, keys, api.otherUrl()));
                Thread.sleep(TelegramChannel.POLLING_RETRY.multipliedBy(3).toMillis());
                assertTrue(
                        polls(api, portB).isEmpty(), "the second gateway polls beside the first");
                assertTrue(polls(api, portA).size() > 2, "the first gateway stopped polling");
            }
            long closed = System.currentTimeMillis();
            try (Haven second = b) {
                JsonObject hello = TelegramSupport.message(CHAT, "/start");
                api.queueUpdate(hello);
                FakeBotApi.Call first =
                        api.await(
                                c -> c.method().equals("getupdates") && c.port() == portB,
                                Duration.ofSeconds(10));
                assertTrue(
                        first.atMillis() - closed < 5_000,
                        "took over after " + (first.atMillis() - closed) + " ms");
                long id = hello.getLong("update_id");
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (api.highestOffset() <= id) {
                    assertTrue(
                            System.nanoTime() < end,
                            "the message sent meanwhile was never received");
                    Thread.sleep(20);
                }
                TelegramSupport.awaitOutboxDrained(second);
                assertEquals(
                        1, TelegramSupport.count(second, "SELECT count(*) FROM conversations"));
                assertEquals(1, TelegramSupport.count(second, "SELECT count(*) FROM inbound_seen"));
                List<String> said = TelegramSupport.texts(api.sentTo(CHAT));
                assertFalse(said.isEmpty(), "the bot did not answer");
                assertEquals(
                        said.size(),
                        new HashSet<>(said).size(),
                        "a reply went twice: " + said.size());
            }
            List<String> lines = logs.lines();
            assertTrue(
                    lines.stream()
                                    .filter(l -> l.contains("event=telegram_polling_acquired"))
                                    .count()
                            >= 2,
                    "no hand-over logged");
            assertTrue(lines.stream().anyMatch(l -> l.contains("event=telegram_polling_released")));
            assertTrue(
                    lines.stream().noneMatch(l -> l.contains(String.valueOf(CHAT))),
                    "the chat id was logged");
        }
    }

    /**
     * Verifies that a poller whose database connection drops (as when its process dies, or a
     * network cut) stops polling, and that within a few seconds one gateway, and one only, polls.
     */
    @Test
    void testPollerWhoseLockConnectionDropsStopsAndOneTakesOver(
            @TempDir Path dataA, @TempDir Path dataB) throws Exception {
        String url = TestPostgres.newDatabase();
        String keys = ServerSecrets.generateBase64();
        try (LogCapture logs = new LogCapture();
                FakeBotApi api = new FakeBotApi();
                Haven a = TestHaven.start(dataA, settings(url, keys, api.url()))) {
            int portA = FakeBotApi.portOf(api.url());
            api.await(
                    c -> c.method().equals("getupdates") && c.port() == portA,
                    Duration.ofSeconds(10));
            try (Haven b = TestHaven.start(dataB, settings(url, keys, api.otherUrl()))) {
                // the holder's lock connection, as PostgreSQL sees it when the holder's process
                // dies
                long key = ExclusiveRole.lockKey("telegram.polling");
                TestPostgres.execute(
                        url,
                        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                                + " AND granted AND objsubid = 1 AND classid::bigint = "
                                + (key >>> 32)
                                + " AND objid::bigint = "
                                + (key & 0xFFFFFFFFL));
                long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (logs.lines().stream()
                        .noneMatch(l -> l.contains("event=telegram_polling_released"))) {
                    assertTrue(
                            System.nanoTime() < end,
                            "the poller did not notice that it lost the role");
                    Thread.sleep(50);
                }
                Thread.sleep(TelegramChannel.POLLING_RETRY.multipliedBy(2).toMillis() + 500);
                long settled = System.currentTimeMillis();
                Thread.sleep(TelegramChannel.POLLING_RETRY.multipliedBy(2).toMillis());
                List<Integer> ports =
                        api.calls("getupdates").stream()
                                .filter(c -> c.atMillis() > settled + 500)
                                .map(FakeBotApi.Call::port)
                                .distinct()
                                .toList();
                assertEquals(1, ports.size(), "pollers after the hand-over, by port: " + ports);
            }
        }
    }

    private static Map<String, String> settings(String url, String keys, String apiUrl) {
        return Map.of(
                "HAVEN_DB_URL",
                url,
                "HAVEN_SERVER_KEYS",
                keys,
                "HAVEN_TELEGRAM_BOT_TOKEN",
                FakeBotApi.TOKEN,
                "HAVEN_TELEGRAM_API_URL",
                apiUrl,
                "HAVEN_TELEGRAM_MODE",
                "polling");
    }

    private static List<FakeBotApi.Call> polls(FakeBotApi api, int port) {
        return api.calls("getupdates").stream().filter(c -> c.port() == port).toList();
    }
}
