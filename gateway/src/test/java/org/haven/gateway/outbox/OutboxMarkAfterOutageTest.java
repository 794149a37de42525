package org.haven.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.haven.bot.Reply;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox when the database goes away between a send and its "sent" mark, against a real
 * PostgreSQL: the provider accepted the message, so the person must not get it twice.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxMarkAfterOutageTest {
    @TempDir static Path dataDir;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Verifies that a message the provider accepted while the database went away is marked sent as
     * soon as the database is back (not when its 60 s lease runs out), and is sent once. Before,
     * the row stayed pending for the lease and was then sent a second time.
     */
    @Test
    void testMessageSentDuringOutageIsMarkedOnReturnAndNotSentAgain() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir);
                LogCapture logs = new LogCapture()) {
            UUID person = UUID.randomUUID();
            await(
                    db.pool()
                            .preparedQuery(
                                    "INSERT INTO conversations (id, channel, contact_hash, state) VALUES ($1, 'marktest', $2, $3)")
                            .execute(
                                    Tuple.of(
                                            person,
                                            Buffer.buffer(person.toString()),
                                            Buffer.buffer(new byte[] {1}))));
            List<UUID> sends = new CopyOnWriteArrayList<>();
            Outbox outbox = new Outbox(vertx, db.pool(), ServerKeyring.generate());
            outbox.register(
                    new ChannelSender() {
                        @Override
                        public String channel() {
                            return "marktest";
                        }

                        @Override
                        public Future<SendResult> send(OutboundMessage message) {
                            sends.add(message.id());
                            // the provider takes the message; meanwhile the database goes away
                            return vertx.executeBlocking(
                                    () -> {
                                        TestPostgres.away(url, true);
                                        return new SendResult.Sent("provider-" + message.id());
                                    });
                        }
                    });
            await(
                    db.db()
                            .transaction(
                                    tx ->
                                            outbox.enqueue(
                                                    tx,
                                                    person,
                                                    "marktest",
                                                    "address-" + person,
                                                    List.of(
                                                            new Reply(
                                                                    "the one reply",
                                                                    List.of(),
                                                                    "en",
                                                                    false)))));
            outbox.start();
            try {
                waitFor(
                        () ->
                                logs.lines().stream()
                                        .anyMatch(l -> l.contains("event=outbox_sweep_failed")),
                        30,
                        "the mark never failed: the database did not go away");
                TestPostgres.away(url, false);
                waitFor(
                        () -> "sent".equals(status(db)),
                        15,
                        "not marked sent within 15 s of the database's return");
                Row row =
                        await(
                                        db.pool()
                                                .query(
                                                        "SELECT provider_id, body, address, attempts FROM outbox")
                                                .execute())
                                .iterator()
                                .next();
                assertEquals("provider-" + sends.get(0), row.getString("provider_id"));
                assertEquals(null, row.getBuffer("body"), "the sent text is kept");
                assertEquals(1, row.getInteger("attempts"));
                assertTrue(
                        logs.lines().stream()
                                .anyMatch(
                                        l -> l.contains("event=outbox_marked_sent_late count=1")));
            } finally {
                TestPostgres.away(url, false);
                await(outbox.stop());
            }
            assertEquals(1, sends.size(), "the person got the message " + sends.size() + " times");
        }
    }

    private static String status(Database db) {
        try {
            return await(db.pool().query("SELECT status FROM outbox").execute())
                    .iterator()
                    .next()
                    .getString(0);
        } catch (Exception e) {
            return "unreadable";
        }
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String failure)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, failure);
            Thread.sleep(100);
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
