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
import java.util.stream.LongStream;
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
        List<long[]> calls = sendBacklog(PEOPLE, EACH, null);
        // any second, however a provider counts them (900 ms here: the outbox counts the moment
        // before the call)
        List<Long> starts = calls.stream().map(c -> c[0]).sorted().toList();
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
            for (long gap : gaps(calls, p)) {
                assertTrue(gap >= 1400, "person " + p + " got two replies " + gap + " ms apart");
            }
        }
    }

    /**
     * Verifies that {@code HAVEN_MAX_RECIPIENT_GAP_MS} ({@link Outbox#maxRecipientGap}) caps the
     * channel's own spacing: one person's 5 replies come at least 300 ms apart, not 1.5 s, still in
     * order.
     */
    @Test
    void testMaxRecipientGapCapsTheChannelsSpacing() throws Exception {
        List<long[]> calls = sendBacklog(1, 5, Duration.ofMillis(300));
        List<Long> gaps = gaps(calls, 0);
        for (long gap : gaps) {
            assertTrue(gap >= 280, "two replies " + gap + " ms apart: " + gaps);
        }
        assertTrue(
                gaps.stream().mapToLong(Long::longValue).sum() < 4 * 1400,
                "the channel's 1.5 s spacing was kept: " + gaps);
    }

    /**
     * Queues {@code each} replies to each of {@code people} people, sends them all through an
     * outbox (with {@code gap} as its cap on the spacing, if not null) and returns the sender's
     * calls, after checking every reply was sent once, each person's in the order queued.
     */
    private static List<long[]> sendBacklog(int people, int each, Duration gap) throws Exception {
        String url = TestPostgres.newDatabase();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            List<UUID> ids = new ArrayList<>();
            for (int p = 0; p < people; p++) {
                UUID id = UUID.randomUUID();
                ids.add(id);
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
            if (gap != null) {
                outbox.maxRecipientGap(gap);
            }
            Recording sender = new Recording(ids);
            outbox.register(sender);
            for (UUID person : ids) {
                List<Reply> replies = new ArrayList<>();
                for (int i = 0; i < each; i++) {
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
                while (sender.calls.size() < people * each && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            } finally {
                await(outbox.stop());
            }

            assertEquals(people * each, sender.calls.size(), "every queued reply sent once");
            for (int p = 0; p < people; p++) {
                List<Long> order = new ArrayList<>();
                for (long[] c : sender.calls) {
                    if (c[1] == p) {
                        order.add(c[2]);
                    }
                }
                assertEquals(
                        LongStream.range(0, each).boxed().toList(),
                        order,
                        "person " + p + "'s replies out of order");
            }
            assertEquals(
                    (long) people * each,
                    await(
                                    db.pool()
                                            .query(
                                                    "SELECT count(*) FROM outbox WHERE status = 'sent'")
                                            .execute())
                            .iterator()
                            .next()
                            .getLong(0));
            return sender.calls;
        }
    }

    /** The times between person {@code p}'s consecutive sends, in milliseconds. */
    private static List<Long> gaps(List<long[]> calls, int p) {
        List<Long> times = new ArrayList<>();
        for (long[] c : calls) {
            if (c[1] == p) {
                times.add(c[0]);
            }
        }
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
