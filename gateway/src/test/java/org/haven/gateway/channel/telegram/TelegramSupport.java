package org.haven.gateway.channel.telegram;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.haven.gateway.Haven;
import org.haven.gateway.support.IntakeDriver;

/** Fixtures, update builders and waits shared by the Telegram tests. */
final class TelegramSupport {
    static final String SECRET = "webhook-secret-0123456789abcdef";
    private static final AtomicInteger UPDATE_IDS = new AtomicInteger(500_000);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TelegramSupport() {}

    /** A fixture from {@code src/test/resources/payload/telegram.<name>.json}. */
    static String fixture(String name) {
        try (InputStream in =
                TelegramSupport.class.getResourceAsStream("/payload/telegram." + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> postWebhook(Haven haven, String body, String secret)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + haven.port()
                                                + TelegramChannel.WEBHOOK_PATH))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            b.header(TelegramChannel.SECRET_HEADER, secret);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject person(long chatId) {
        return new JsonObject().put("id", chatId).put("is_bot", false).put("first_name", "Test");
    }

    private static JsonObject chat(long chatId) {
        return new JsonObject().put("id", chatId).put("type", "private").put("first_name", "Test");
    }

    /** A private text message (a command when it starts with a slash). */
    static JsonObject message(long chatId, String text) {
        int id = UPDATE_IDS.incrementAndGet();
        JsonObject m =
                new JsonObject()
                        .put("message_id", id)
                        .put("from", person(chatId))
                        .put("chat", chat(chatId))
                        .put("date", 1764100000)
                        .put("text", text);
        if (text.startsWith("/")) {
            int end = text.indexOf(' ') < 0 ? text.length() : text.indexOf(' ');
            m.put(
                    "entities",
                    new JsonArray()
                            .add(
                                    new JsonObject()
                                            .put("offset", 0)
                                            .put("length", end)
                                            .put("type", "bot_command")));
        }
        return new JsonObject().put("update_id", id).put("message", m);
    }

    /** A tap on an inline keyboard button of the bot's message {@code messageId}. */
    static JsonObject callback(long chatId, int messageId, String data) {
        int id = UPDATE_IDS.incrementAndGet();
        JsonObject m =
                new JsonObject()
                        .put("message_id", messageId)
                        .put(
                                "from",
                                new JsonObject()
                                        .put("id", 123456789)
                                        .put("is_bot", true)
                                        .put("first_name", "Haven"))
                        .put("chat", chat(chatId))
                        .put("date", 1764100000)
                        .put("text", "question");
        return new JsonObject()
                .put("update_id", id)
                .put(
                        "callback_query",
                        new JsonObject()
                                .put("id", "cb" + id)
                                .put("from", person(chatId))
                                .put("message", m)
                                .put("chat_instance", "42")
                                .put("data", data));
    }

    static long count(Haven haven, String sql) throws Exception {
        PgConnectOptions o = haven.database().connectOptions();
        String url = "jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase();
        try (Connection c =
                        DriverManager.getConnection(
                                url, o.getUser(), o.getPassword() == null ? "" : o.getPassword());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until the outbox has nothing pending. */
    static void awaitOutboxDrained(Haven haven) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < end) {
            if (count(haven, "SELECT count(*) FROM outbox WHERE status = 'pending'") == 0) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("outbox not drained");
    }

    /**
     * Hands one update to Haven (webhook post or getUpdates queue) and returns once it is stored.
     */
    interface Delivery {
        void deliver(JsonObject update) throws Exception;
    }

    /**
     * Runs the default intake as a survivor writing from {@code chatId}: answers that are buttons
     * of the bot's last message are sent as button taps, the rest as typed text.
     *
     * @return how many answers went as button taps
     */
    static int completeIntake(
            Haven haven, FakeBotApi api, long chatId, String marker, Delivery delivery)
            throws Exception {
        delivery.deliver(message(chatId, "/start"));
        awaitOutboxDrained(haven);
        int taps = 0;
        for (String answer : IntakeDriver.survivorAnswers(marker)) {
            List<FakeBotApi.Call> sent = api.sentTo(chatId);
            if (sent.isEmpty()) {
                throw new AssertionError("the bot said nothing");
            }
            FakeBotApi.Call last = sent.get(sent.size() - 1);
            if (last.buttons().contains(answer)) {
                delivery.deliver(callback(chatId, last.messageId(), answer));
                taps++;
            } else {
                delivery.deliver(message(chatId, answer));
            }
            awaitOutboxDrained(haven);
        }
        return taps;
    }

    static List<String> texts(List<FakeBotApi.Call> calls) {
        List<String> out = new ArrayList<>();
        calls.forEach(c -> out.add(c.params().getString("text")));
        return out;
    }
}
