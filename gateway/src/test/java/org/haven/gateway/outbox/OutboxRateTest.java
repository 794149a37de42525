package org.haven.gateway.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Reply;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's sending limits against a real PostgreSQL: a channel's messages a second (what a
 * Twilio number allows) and the spacing per person, with a sender that notes when it was called.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxRateTest {
    private static final int PER_SECOND = 4;
    private static final int PEOPLE = 6;
    private static final int EACH = 3;

    @TempDir static Path dataDir;
    private static Vertx vertx;

    /**
     * A channel that accepts everything and notes when each send started, for whom, and which
     * reply.
     */
    private static final class Recording implements ChannelSender {
        final List<long[]> calls = new CopyOnWriteArrayList<>();
        private final List<UUID> people;

        Recording(List<UUID> people) {
            this.people = people;
        }

        @Override
        public String channel() {
            return "ratetest";
        }

        @Override
        public Future<SendResult> send(OutboundMessage message) {
            calls.add(
                    new long[] {
                        System.currentTimeMillis(),
                        people.indexOf(message.conversationId()),
                        Long.parseLong(message.text().substring("reply ".length()))
                    });
            return Future.succeededFuture(new SendResult.Sent("p-" + message.id()));
        }

        @Override
        public int maxPerSecond() {
            return PER_SECOND;
        }

        @Override
        public Duration minIntervalPerRecipient() {
            return Duration.ofMillis(1500);
        }
    }

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Verifies that a backlog of 18 replies to 6 people goes out at no more than the channel's 4 in
     * any second, never two to one person closer than 1.5 s, each person's in the order queued, and
     * all of them in the end.
     */
    @Test
    void testBacklogIsSentWithinTheChannelRateAndPerPersonSpacing() throws Exception {
        String url = TestPostgres.newDatabase();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            List<UUID> people = new ArrayList<>();
            for (int p = 0; p < PEOPLE; p++) {
                UUID id = UUID.randomUUID();
                people.add(id);
                await(
                        db.pool()
                                .preparedQuery(
                                        "INSERT INTO conversations (id, channel, contact_hash, state) VALUES ($1, 'ratetest', $2, $3)")
                                .execute(
                                        Tuple.of(
                                                id,
                                                Buffer.buffer(id.toString()),
                                                Buffer.buffer(new byte[] {1}))));
            }
            Outbox outbox = new Outbox(vertx, db.pool(), ServerKeyring.generate());
            Recording sender = new Recording(people);
            outbox.register(sender);
            for (UUID person : people) {
                List<Reply> replies = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    replies.add(new Reply("reply " + i, List.of(), "en", false));
                }
                await(
                        db.db()
                                .transaction(
                                        tx ->
                                                outbox.enqueue(
                                                        tx,
                                                        person,
                                                        "ratetest",
                                                        "address-" + person,
                                                        replies)));
            }
            outbox.start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (sender.calls.size() < PEOPLE * EACH && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } finally {
                await(outbox.stop());
            }

            assertEquals(PEOPLE * EACH, sender.calls.size(), "every queued reply sent once");
            // any second, however a provider counts them (900 ms here: the outbox counts the moment
            // before the call)
            List<Long> starts = sender.calls.stream().map(c -> c[0]).sorted().toList();
            for (int i = 0; i < starts.size(); i++) {
                long from = starts.get(i);
                long within = starts.stream().filter(t -> t >= from && t < from + 900).count();
                assertTrue(
                        within <= PER_SECOND,
                        within
                                + " sends within 900 ms from "
                                + (from - starts.get(0))
                                + " ms: "
                                + starts);
            }
            for (int p = 0; p < PEOPLE; p++) {
                List<Long> times = new ArrayList<>();
                List<Long> order = new ArrayList<>();
                for (long[] c : sender.calls) {
                    if (c[1] == p) {
                        times.add(c[0]);
                        order.add(c[2]);
                    }
                }
                assertEquals(List.of(0L, 1L, 2L), order, "person " + p + "'s replies out of order");
                for (int i = 1; i < times.size(); i++) {
                    assertTrue(
                            times.get(i) - times.get(i - 1) >= 1400,
                            "person "
                                    + p
                                    + " got two replies "
                                    + (times.get(i) - times.get(i - 1))
                                    + " ms apart");
                }
            }
            assertEquals(
                    List.of(List.of((long) PEOPLE * EACH)),
                    List.of(
                            List.of(
                                    await(
                                                    db.pool()
                                                            .query(
                                                                    "SELECT count(*) FROM outbox WHERE status = 'sent'")
                                                            .execute())
                                            .iterator()
                                            .next()
                                            .getLong(0))));
        }
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
