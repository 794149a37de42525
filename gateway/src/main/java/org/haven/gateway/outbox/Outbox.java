package org.haven.gateway.outbox;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.logging.RepeatedLog;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent outbox. Replies are written in the same transaction as the dialogue step that
 * produced them, so an acknowledged message always has its answer queued. Each row carries its text
 * and, for a channel that addresses people (SMS, Telegram), the address to send to, both under the
 * server keyring, and only until the row is finished: a row sent, failed or expired keeps its
 * status, provider id and times, never its text or address. A worker then delivers them through
 * each channel's {@link ChannelSender}, in order per conversation, with retries and backoff. A
 * claimed row carries a lease: if the process dies mid-send, the row is tried again when the lease
 * runs out (at-least-once delivery). {@code FOR UPDATE SKIP LOCKED} lets several gateways share one
 * outbox without sending a message twice. A message the provider accepted while its "sent" mark
 * could not be written (the database went away meanwhile) is remembered and marked before the next
 * claim, so the lease does not send it a second time.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /**
     * Errors that repeat while their cause lasts (a database outage fails every sweep): once a
     * minute, with a count.
     */
    private final RepeatedLog repeated = new RepeatedLog(LOG);

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 8;
    private static final long TICK_MS = 250;
    private static final int BATCH = 64;
    private static final int SWEEPS = 1;
    private static final long WAKE_MS = 50;
    // rows of channels without a sender here are looked at now and then, not on every sweep
    private static final long ORPHANS_EVERY_MS = 10_000;
    // sent messages whose mark waits for the database; beyond this many, the lease decides
    private static final int UNMARKED_MAX = 10_000;
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private long orphansCheckedAt;

    private final Vertx vertx;
    private final Pool pool;
    private final ServerKeyring keyring;
    private final Map<String, ChannelSender> senders = new HashMap<>();
    private volatile Function<String, Optional<String>> coordinatorPrefix =
            language -> Optional.empty();
    private final SendRate rate = new SendRate();
    private int running;
    private boolean again;
    private SentBatch unmarked = new SentBatch();
    private boolean stopped;
    private Promise<Void> stoppedWhenIdle;
    private long timer = -1;
    private Context context;
    private volatile HavenMetrics metrics = HavenMetrics.NONE;
    private volatile Consumer<UUID> replyChanged = caseId -> {};

    /** The longest spacing any channel keeps between two messages to one person; null: no cap. */
    private volatile Duration maxRecipientGap;

    public Outbox(Vertx vertx, Pool pool, ServerKeyring keyring) {
        this.vertx = vertx;
        this.pool = pool;
        this.keyring = keyring;
    }

    /**
     * Caps every channel's {@link ChannelSender#minIntervalPerRecipient()} at {@code gap} ({@code
     * HAVEN_MAX_RECIPIENT_GAP_MS}): a channel that spaces a person's messages by more spaces them
     * by this. Order per conversation does not depend on it: a conversation's next message is never
     * claimed while an earlier one is pending.
     */
    public void maxRecipientGap(Duration gap) {
        this.maxRecipientGap = gap;
    }

    private long gapMillis(ChannelSender sender) {
        long own = sender.minIntervalPerRecipient().toMillis();
        Duration cap = maxRecipientGap;
        return cap == null ? own : Math.min(own, cap.toMillis());
    }

    /** Where to count finished messages. */
    public void metrics(HavenMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Told the case of a coordinator's reply whose fate the case page shows changed (sent, waiting,
     * not delivered).
     */
    public void onReplyChanged(Consumer<UUID> caseChanged) {
        this.replyChanged = caseChanged;
    }

    /**
     * What became of a case's coordinator replies, by the sequence number of their case entry; a
     * reply whose conversation the person deleted is not there.
     */
    public Future<Map<Integer, Delivery>> deliveries(UUID caseId) {
        return pool.preparedQuery(
                        "SELECT entry_seq, status, waiting_since, delivery_status, expires_at, sent_at, channel"
                                + " FROM outbox WHERE entry_case = $1")
                .execute(Tuple.of(caseId))
                .map(
                        rows -> {
                            Map<Integer, Delivery> found = new HashMap<>();
                            for (Row r : rows) {
                                found.put(
                                        r.getInteger("entry_seq"),
                                        new Delivery(
                                                r.getString("status"),
                                                r.getOffsetDateTime("waiting_since"),
                                                r.getString("delivery_status"),
                                                r.getOffsetDateTime("expires_at"),
                                                r.getOffsetDateTime("sent_at"),
                                                r.getString("channel")));
                            }
                            return found;
                        });
    }

    /** Registers the sender of a channel. */
    public void register(ChannelSender sender) {
        senders.put(sender.channel(), sender);
    }

    /**
     * Whether the channel's sender needs an address to send to (SMS, Telegram; not the web chat).
     */
    public boolean addresses(String channel) {
        ChannelSender sender = senders.get(channel);
        return sender != null && sender.addressed();
    }

    /**
     * Queues replies for a conversation inside the caller's transaction.
     *
     * @param channel the conversation's channel (must have a registered sender)
     * @param address where to send them on that channel (the number or chat id a message came from,
     *     or that a coordinator's session unsealed); ignored for a channel that needs none
     */
    public Future<Void> enqueue(
            Db tx, UUID conversationId, String channel, String address, List<Reply> replies) {
        return enqueue(tx, conversationId, channel, address, replies, null, null);
    }

    /**
     * Queues a coordinator's reply inside the caller's transaction, naming the case entry it was
     * written as, so that {@link #deliveries} can tell the case page what became of it.
     */
    public Future<Void> enqueueReply(
            Db tx,
            UUID conversationId,
            String channel,
            String address,
            Reply reply,
            UUID caseId,
            int entrySeq) {
        ChannelSender sender = senders.get(channel);
        Optional<String> prefix =
                sender != null && sender.addressed()
                        ? coordinatorPrefix.apply(reply.language())
                        : Optional.empty();
        Reply said =
                prefix.map(
                                p ->
                                        new Reply(
                                                p + " " + reply.text(),
                                                reply.options(),
                                                reply.language(),
                                                reply.rtl(),
                                                reply.multiple()))
                        .orElse(reply);
        return enqueue(tx, conversationId, channel, address, List.of(said), caseId, entrySeq);
    }

    /**
     * Says what goes before a coordinator's words on channels that show them among the intake's own
     * (SMS, Telegram: {@link ChannelSender#addressed()}); the web chat marks them itself.
     */
    public void coordinatorPrefix(Function<String, Optional<String>> byLanguage) {
        this.coordinatorPrefix = byLanguage;
    }

    private Future<Void> enqueue(
            Db tx,
            UUID conversationId,
            String channel,
            String address,
            List<Reply> replies,
            UUID entryCase,
            Integer entrySeq) {
        ChannelSender sender = senders.get(channel);
        if (sender == null) {
            return Future.failedFuture(
                    new IllegalStateException("no sender for channel " + channel));
        }
        if (replies.isEmpty()) {
            return Future.succeededFuture();
        }
        if (sender.addressed() && address == null) {
            return Future.failedFuture(
                    new IllegalArgumentException("no address to send to on channel " + channel));
        }
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(sender.validity());
        UUID[] ids = new UUID[replies.size()];
        Buffer[] bodies = new Buffer[replies.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = UUID.randomUUID();
            bodies[i] = Buffer.buffer(encrypt(ids[i], replies.get(i)));
        }
        Buffer sealedAddress =
                sender.addressed() ? Buffer.buffer(encryptAddress(conversationId, address)) : null;
        // one statement for all of a step's replies; seq follows their order
        return tx.preparedQuery(
                        "INSERT INTO outbox (id, conversation_id, channel, body, address, status, expires_at, entry_case, entry_seq)"
                                + " SELECT r.id, $2, $3, r.body, $6, 'pending', $5, $7, $8 FROM unnest($1::uuid[], $4::bytea[]) WITH ORDINALITY"
                                + " AS r(id, body, n) ORDER BY r.n")
                .execute(
                        Tuple.of(
                                ids,
                                conversationId,
                                channel,
                                bodies,
                                expires,
                                sealedAddress,
                                entryCase,
                                entrySeq))
                .mapEmpty();
    }

    /**
     * The provider's numeric ids of the messages sent in the conversation {@code conversationId} (a
     * message sent in parts has one per part), inside {@code tx}: for a channel that deletes them
     * from the person's phone once the conversation is erased.
     */
    public static Future<List<Long>> sentMessageIds(Db tx, UUID conversationId) {
        return tx.preparedQuery(
                        "SELECT provider_id FROM outbox WHERE conversation_id = $1 AND status = 'sent'"
                                + " AND provider_id IS NOT NULL")
                .execute(Tuple.of(conversationId))
                .map(
                        rows -> {
                            List<Long> ids = new ArrayList<>();
                            for (Row row : rows) {
                                for (String part : row.getString("provider_id").split(",")) {
                                    try {
                                        ids.add(Long.parseLong(part.strip()));
                                    } catch (NumberFormatException ignored) {
                                        // not a numeric id
                                    }
                                }
                            }
                            return ids;
                        });
    }

    /**
     * Sends what still waits for a conversation on another channel, to {@code address} (the person
     * wrote their resume phrase there), at once.
     */
    public Future<Void> redirect(Db tx, UUID conversationId, String channel, String address) {
        ChannelSender sender = senders.get(channel);
        if (sender == null) {
            return Future.failedFuture(
                    new IllegalStateException("no sender for channel " + channel));
        }
        Buffer sealedAddress =
                sender.addressed() ? Buffer.buffer(encryptAddress(conversationId, address)) : null;
        return tx.preparedQuery(
                        "UPDATE outbox SET channel = $2, address = $3, next_attempt_at = now(), error_code = NULL"
                                + " WHERE conversation_id = $1 AND status = 'pending'")
                .execute(Tuple.of(conversationId, channel, sealedAddress))
                .mapEmpty();
    }

    /** Starts the delivery worker. */
    public void start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> timer = vertx.setPeriodic(TICK_MS, id -> sweep()));
    }

    /**
     * Stops the delivery worker: no new sweep starts, and the future completes once a sweep in
     * flight has finished (its sends and their status updates), so the pool can close after it.
     * What is still pending stays in the table for the next start.
     */
    public Future<Void> stop() {
        if (context == null) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        context.runOnContext(
                v -> {
                    stopped = true;
                    if (timer >= 0) {
                        vertx.cancelTimer(timer);
                    }
                    if (running > 0) {
                        stoppedWhenIdle = done;
                    } else {
                        done.complete();
                    }
                });
        return done.future();
    }

    /**
     * Makes the worker look for due messages soon (after a commit that queued some): within {@link
     * #WAKE_MS}, so that under a surge one sweep claims what many commits queued.
     */
    public void wake() {
        if (context != null && !wakePending.getAndSet(true)) {
            context.runOnContext(
                    v ->
                            vertx.setTimer(
                                    WAKE_MS,
                                    id -> {
                                        wakePending.set(false);
                                        sweep();
                                    }));
        }
    }

    // Runs on the worker's own context only, so its counters need no locking. SWEEPS at most run at
    // once (one: under a backlog the claim query is the outbox's main cost, and claims running side
    // by side mostly skip each other's rows). Order per conversation holds whatever SWEEPS is: a
    // claimed message stays pending until it is marked, and nothing behind a pending one is
    // claimed.
    private void sweep() {
        if (stopped) {
            return;
        }
        if (running >= SWEEPS) {
            again = true;
            return;
        }
        running++;
        deliverDue()
                .onComplete(
                        ar -> {
                            running--;
                            if (stopped) {
                                if (running == 0 && stoppedWhenIdle != null) {
                                    stoppedWhenIdle.complete();
                                }
                                return;
                            }
                            if (ar.failed()) {
                                repeated.warn(
                                        "outbox_sweep_failed",
                                        "kind={} sqlstate={}",
                                        ar.cause().getClass().getSimpleName(),
                                        sqlState(ar.cause()));
                                LOG.debug("outbox sweep failure", ar.cause());
                            } else if (ar.result().full() || (again && ar.result().claimed() > 0)) {
                                // more is due at once, or messages queued meanwhile and this sweep
                                // found work: go on;
                                // a sweep that found nothing leaves the rest to the tick (each
                                // claim reads the queue)
                                again = false;
                                context.runOnContext(v -> sweep());
                            }
                        });
    }

    private static String sqlState(Throwable t) {
        return t instanceof PgException pg ? pg.getSqlState() : "-";
    }

    /** Makes a conversation's pending messages due now (its web chat just reconnected). */
    public Future<Void> nudge(UUID conversationId) {
        return pool.preparedQuery(
                        "UPDATE outbox SET next_attempt_at = now() WHERE conversation_id = $1 AND status = 'pending'"
                                + " AND next_attempt_at > now() + interval '1 second' AND attempts > 0")
                .execute(Tuple.of(conversationId))
                .onSuccess(rs -> wake())
                .mapEmpty();
    }

    /**
     * Makes a conversation's messages that wait for their recipient ({@link
     * SendResult.Kind#RECIPIENT_AWAY}) due now: the person wrote again (a WhatsApp reply held
     * outside the 24-hour window may go).
     */
    public Future<Void> recipientBack(UUID conversationId) {
        return pool.preparedQuery(
                        "UPDATE outbox SET next_attempt_at = now() WHERE conversation_id = $1 AND status = 'pending'"
                                + " AND waiting_since IS NOT NULL AND next_attempt_at > now()")
                .execute(Tuple.of(conversationId))
                .onSuccess(rs -> wake())
                .mapEmpty();
    }

    /**
     * One sweep: claims due messages (the oldest pending per conversation), for each channel no
     * more than it may still send this second, sends them, and marks the sent ones; true when a
     * claim came back full (more may be due at once).
     */
    /** What a sweep did: how many messages it claimed, and whether a claim came back full. */
    record Swept(int claimed, boolean full) {}

    Future<Swept> deliverDue() {
        if (!unmarked.isEmpty()) {
            SentBatch waiting = unmarked;
            unmarked = new SentBatch();
            return waiting.mark()
                    .recover(
                            err -> {
                                keepUnmarked(waiting);
                                return Future.failedFuture(err);
                            })
                    .compose(
                            v -> {
                                LOG.info("event=outbox_marked_sent_late count={}", waiting.size());
                                return claimAndSend();
                            });
        }
        return claimAndSend();
    }

    /**
     * Remembers messages the provider accepted whose mark failed: marked by the next sweep, before
     * it claims anything (their lease keeps them from being claimed meanwhile).
     */
    private void keepUnmarked(SentBatch batch) {
        if (unmarked.size() + batch.size() <= UNMARKED_MAX) {
            unmarked.addAll(batch);
        } else {
            LOG.warn("event=outbox_unmarked_left_to_lease count={}", batch.size());
        }
    }

    private Future<Swept> claimAndSend() {
        List<Future<Boolean>> claims = new ArrayList<>();
        List<Row> claimed = new ArrayList<>();
        for (ChannelSender sender : senders.values()) {
            String channel = sender.channel();
            int room = Math.min(BATCH, rate.room(channel, sender.maxPerSecond()));
            if (room <= 0) {
                continue; // a later tick, once the last second's sends are a second old, claims
                // again
            }
            rate.reserve(channel, room);
            claims.add(
                    claim("q.channel = $2", Tuple.of(LEASE.toMillis(), channel), room)
                            .map(
                                    rows -> {
                                        rate.reserve(channel, rows.size() - room);
                                        rows.forEach(claimed::add);
                                        return rows.size() == room;
                                    })
                            .onFailure(err -> rate.reserve(channel, -room)));
        }
        // rows of a channel that has no sender here (switched off) are claimed now and then, to be
        // retried later or expire; the query passes over every due row, so not on every sweep
        long now = System.currentTimeMillis();
        if (now - orphansCheckedAt >= ORPHANS_EVERY_MS) {
            orphansCheckedAt = now;
            claims.add(
                    claim(
                                    "NOT (q.channel = ANY($2::text[]))",
                                    Tuple.tuple()
                                            .addLong(LEASE.toMillis())
                                            .addArrayOfString(
                                                    senders.keySet().toArray(new String[0])),
                                    BATCH)
                            .map(
                                    rows -> {
                                        rows.forEach(claimed::add);
                                        return false;
                                    }));
        }
        return Future.join(claims)
                .transform(
                        claimedAll -> {
                            List<Future<Void>> sends = new ArrayList<>();
                            SentBatch sent = new SentBatch();
                            for (Row row : claimed) {
                                if (senders.containsKey(row.getString("channel"))) {
                                    rate.start(
                                            row.getString(
                                                    "channel")); // reserved by its channel's claim
                                    // (not an orphan's)
                                }
                                sends.add(deliver(row, sent));
                            }
                            boolean full =
                                    claims.stream().anyMatch(c -> c.succeeded() && c.result());
                            // the sent ones are marked in one statement once all sends of the sweep
                            // are back
                            Future<Void> marked =
                                    Future.join(sends)
                                            .transform(
                                                    ar ->
                                                            sent.mark()
                                                                    .recover(
                                                                            err -> {
                                                                                keepUnmarked(sent);
                                                                                return Future
                                                                                        .failedFuture(
                                                                                                err);
                                                                            }));
                            return claimedAll.failed() && claimed.isEmpty()
                                    ? Future.failedFuture(claimedAll.cause())
                                    : marked.map(new Swept(claimed.size(), full));
                        });
    }

    private Future<RowSet<Row>> claim(String which, Tuple params, int limit) {
        // error_code is cleared on claim: a row deferred as not_connected is claimable by
        // deliverNow until someone claims it, and never while its lease runs.
        return pool.preparedQuery(
                        "UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + $1 * interval '1 millisecond',"
                                + " error_code = NULL"
                                + " FROM conversations c WHERE c.id = o.conversation_id AND o.id IN ("
                                + "  SELECT q.id FROM outbox q WHERE q.status = 'pending' AND q.next_attempt_at <= now() AND "
                                + which
                                + "  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = q.conversation_id"
                                + "    AND p.status = 'pending' AND p.seq < q.seq)"
                                + "  ORDER BY q.next_attempt_at LIMIT "
                                + limit
                                + " FOR UPDATE OF q SKIP LOCKED)"
                                + " RETURNING "
                                + CLAIMED)
                .execute(params);
    }

    private static final String CLAIMED =
            "o.id, o.conversation_id, o.channel, o.body, o.attempts, o.expires_at, o.created_at, o.address, c.stopped_at, o.entry_case";
    private static final int MAX_NOW = 100;

    /**
     * Delivers a conversation's pending messages now, in order, from this instance: called by the
     * instance that holds the person's open web chat when another instance could not reach it (a
     * {@code not_connected} deferral) or when the person reconnects. Claims the same way the sweep
     * does ({@code SKIP LOCKED} and a lease), so a message is still sent by one instance.
     */
    public Future<Void> deliverNow(UUID conversationId) {
        if (context == null) {
            return deliverNext(conversationId, null, 0);
        }
        Promise<Void> done = Promise.promise();
        // once stopped, the messages wait in the table for the next start
        context.runOnContext(
                v ->
                        (stopped
                                        ? Future.<Void>succeededFuture()
                                        : deliverNext(conversationId, null, 0))
                                .onComplete(done));
        return done.future();
    }

    private Future<Void> deliverNext(UUID conversationId, UUID previous, int count) {
        if (count >= MAX_NOW) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(
                        "UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = now() + $1 * interval '1 millisecond',"
                                + " error_code = NULL"
                                + " FROM conversations c WHERE c.id = o.conversation_id AND o.id IN ("
                                + "  SELECT q.id FROM outbox q WHERE q.conversation_id = $2 AND q.status = 'pending'"
                                + "  AND (q.next_attempt_at <= now() OR q.error_code = 'not_connected')"
                                + "  AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_id = q.conversation_id"
                                + "    AND p.status = 'pending' AND p.seq < q.seq)"
                                + "  FOR UPDATE OF q SKIP LOCKED)"
                                + " RETURNING "
                                + CLAIMED)
                .execute(Tuple.of(LEASE.toMillis(), conversationId))
                .compose(
                        rows -> {
                            if (rows.size() == 0) {
                                return Future.succeededFuture();
                            }
                            Row row = rows.iterator().next();
                            UUID id = row.getUUID("id");
                            if (id.equals(previous)) {
                                // the same message again: the socket went away just now; it waits
                                // again, uncounted
                                return waitForRecipient(id, Duration.ofMinutes(1), "not_connected")
                                        .mapEmpty();
                            }
                            return deliver(row, null)
                                    .compose(v -> deliverNext(conversationId, id, count + 1));
                        });
    }

    /** Messages of one sweep the provider accepted, marked sent together. */
    private final class SentBatch {
        private final List<UUID> ids = new ArrayList<>();
        private final List<String> providerIds = new ArrayList<>();
        private final List<Long> gaps = new ArrayList<>();
        private final List<UUID> entryCases = new ArrayList<>();

        void add(UUID id, String providerId, ChannelSender sender, UUID entryCase) {
            ids.add(id);
            providerIds.add(providerId);
            gaps.add(gapMillis(sender));
            if (entryCase != null) {
                entryCases.add(entryCase);
            }
        }

        void addAll(SentBatch other) {
            ids.addAll(other.ids);
            providerIds.addAll(other.providerIds);
            gaps.addAll(other.gaps);
            entryCases.addAll(other.entryCases);
        }

        int size() {
            return ids.size();
        }

        boolean isEmpty() {
            return ids.isEmpty();
        }

        /**
         * Marks them sent and, in the same statement, spaces each conversation's next message (see
         * {@link #space}).
         */
        Future<Void> mark() {
            if (ids.isEmpty()) {
                return Future.succeededFuture();
            }
            return pool.preparedQuery(
                            "WITH s AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS s(id, provider_id, gap_ms)),"
                                    + " done AS (UPDATE outbox o SET status = 'sent', error_code = NULL, body = NULL, address = NULL,"
                                    + "  provider_id = coalesce(s.provider_id, o.provider_id), sent_at = now()"
                                    + "  FROM s WHERE o.id = s.id RETURNING o.conversation_id, s.gap_ms)"
                                    + " UPDATE outbox p SET next_attempt_at = greatest(p.next_attempt_at, now() + d.gap_ms * interval '1 millisecond')"
                                    + " FROM done d WHERE p.conversation_id = d.conversation_id AND p.status = 'pending' AND p.attempts = 0"
                                    + " AND d.gap_ms > 0")
                    .execute(
                            Tuple.of(
                                    ids.toArray(new UUID[0]),
                                    providerIds.toArray(new String[0]),
                                    gaps.toArray(new Long[0])))
                    .<Void>mapEmpty()
                    .onSuccess(v -> entryCases.forEach(Outbox.this::changed));
        }
    }

    /**
     * Sends one claimed message and records the outcome; with a batch, a message the provider
     * accepted is marked sent with the rest of its sweep (its lease keeps it from being claimed
     * again meanwhile), otherwise at once.
     */
    private Future<Void> deliver(Row row, SentBatch batch) {
        UUID id = row.getUUID("id");
        UUID conversationId = row.getUUID("conversation_id");
        String channel = row.getString("channel");
        UUID entryCase = row.getUUID("entry_case");
        ChannelSender sender = senders.get(channel);
        OffsetDateTime stoppedAt = row.getOffsetDateTime("stopped_at");
        if (stoppedAt != null && row.getOffsetDateTime("created_at").isAfter(stoppedAt)) {
            return finish(id, channel, "failed", "stopped", null)
                    .onSuccess(v -> changed(entryCase));
        }
        if (row.getOffsetDateTime("expires_at").isBefore(OffsetDateTime.now(ZoneOffset.UTC))) {
            LOG.info("event=outbox_expired message={} channel={}", id, channel);
            return finish(id, channel, "expired", null, null).onSuccess(v -> changed(entryCase));
        }
        if (sender == null) {
            return retryLater(id, Duration.ofSeconds(30), "no_sender");
        }
        if (batch == null && !rate.tryStart(channel, sender.maxPerSecond())) {
            return pool.preparedQuery(
                            "UPDATE outbox SET attempts = attempts - 1, next_attempt_at = now() + interval '1 second'"
                                    + " WHERE id = $1")
                    .execute(Tuple.of(id))
                    .mapEmpty();
        }
        OutboundMessage message;
        try {
            message = decrypt(id, conversationId, row);
        } catch (GeneralSecurityException e) {
            LOG.error("event=outbox_undecryptable message={}", id);
            return finish(id, channel, "failed", "undecryptable", null);
        }
        int attempts = row.getInteger("attempts");
        long t0 = System.nanoTime();
        return sender.send(message)
                .recover(
                        err ->
                                Future.succeededFuture(
                                        new SendResult.Failed(
                                                SendResult.Kind.RETRYABLE,
                                                err.getClass().getSimpleName())))
                .compose(
                        result -> {
                            metrics.send(
                                    channel,
                                    result instanceof SendResult.Failed f
                                            ? f.kind().name().toLowerCase(Locale.ROOT)
                                            : "sent",
                                    System.nanoTime() - t0);
                            if (result instanceof SendResult.Sent sent) {
                                // one line per message sent would be most of the log under load:
                                // counted in
                                // haven.messages.out instead; failures and retries are logged below
                                LOG.debug(
                                        "event=outbox_sent message={} channel={} attempt={}",
                                        id,
                                        channel,
                                        attempts);
                                if (batch != null) {
                                    metrics.messageOut(channel, "sent");
                                    batch.add(id, sent.providerId(), sender, entryCase);
                                    return Future.succeededFuture();
                                }
                                return finish(id, channel, "sent", null, sent.providerId())
                                        .onSuccess(v -> changed(entryCase))
                                        .recover(
                                                err -> {
                                                    SentBatch one = new SentBatch();
                                                    one.add(
                                                            id,
                                                            sent.providerId(),
                                                            sender,
                                                            entryCase);
                                                    keepUnmarked(one);
                                                    return Future.failedFuture(err);
                                                })
                                        .compose(v -> space(conversationId, sender));
                            }
                            SendResult.Failed failed = (SendResult.Failed) result;
                            LOG.info(
                                    "event=outbox_send_failed message={} channel={} attempt={} kind={} code={}",
                                    id,
                                    channel,
                                    attempts,
                                    failed.kind(),
                                    failed.code());
                            if (failed.kind() == SendResult.Kind.RECIPIENT_STOPPED) {
                                return finish(id, channel, "failed", failed.code(), null)
                                        .onSuccess(v -> changed(entryCase))
                                        .compose(v -> stopConversation(conversationId));
                            }
                            if (failed.kind() == SendResult.Kind.RECIPIENT_AWAY) {
                                Duration wait =
                                        failed.retryAfter() != null
                                                ? failed.retryAfter()
                                                : Duration.ofMinutes(1);
                                return waitForRecipient(id, wait, failed.code())
                                        .map(
                                                first -> {
                                                    sender.deferred(message, failed);
                                                    if (first) {
                                                        changed(entryCase); // from "sending" to
                                                        // "waiting for the
                                                        // person", once
                                                    }
                                                    return null;
                                                });
                            }
                            if (!failed.kind().retryable() || attempts >= MAX_ATTEMPTS) {
                                return finish(id, channel, "failed", failed.code(), null)
                                        .onSuccess(v -> changed(entryCase));
                            }
                            Duration wait =
                                    failed.retryAfter() != null
                                            ? failed.retryAfter()
                                            : backoff(attempts);
                            return retryLater(id, wait, failed.code())
                                    .onSuccess(v -> sender.deferred(message, failed));
                        });
    }

    private void changed(UUID entryCase) {
        if (entryCase != null) {
            replyChanged.accept(entryCase);
        }
    }

    private static Duration backoff(int attempts) {
        long seconds = Math.min(300, 1L << Math.min(attempts, 9));
        return Duration.ofSeconds(seconds);
    }

    private Future<Void> finish(
            UUID id, String channel, String status, String errorCode, String providerId) {
        metrics.messageOut(channel, status);
        // finished: the text and the address go, the status, provider id and times stay
        return pool.preparedQuery(
                        "UPDATE outbox SET status = $2, error_code = $3, provider_id = coalesce($4, provider_id),"
                                + " body = NULL, address = NULL, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END WHERE id = $1")
                .execute(Tuple.of(id, status, errorCode, providerId))
                .mapEmpty();
    }

    /**
     * Puts a message back to wait for its recipient; the attempt that found them away is not
     * counted. True the first time it waits.
     */
    private Future<Boolean> waitForRecipient(UUID id, Duration wait, String code) {
        return pool.preparedQuery(
                        "WITH before AS (SELECT waiting_since FROM outbox WHERE id = $1)"
                                + " UPDATE outbox SET attempts = greatest(attempts - 1, 0), waiting_since = coalesce(waiting_since, now()),"
                                + " next_attempt_at = now() + $2 * interval '1 millisecond', error_code = $3 WHERE id = $1"
                                + " RETURNING (SELECT waiting_since IS NULL FROM before)")
                .execute(Tuple.of(id, wait.toMillis(), code))
                .map(
                        rows ->
                                rows.iterator().hasNext()
                                        && Boolean.TRUE.equals(
                                                rows.iterator().next().getBoolean(0)));
    }

    private Future<Void> retryLater(UUID id, Duration wait, String code) {
        return pool.preparedQuery(
                        "UPDATE outbox SET next_attempt_at = now() + $2 * interval '1 millisecond', error_code = $3 WHERE id = $1")
                .execute(Tuple.of(id, wait.toMillis(), code))
                .mapEmpty();
    }

    private Future<Void> space(UUID conversationId, ChannelSender sender) {
        long ms = gapMillis(sender);
        if (ms <= 0) {
            return Future.succeededFuture();
        }
        return pool.preparedQuery(
                        "UPDATE outbox SET next_attempt_at = greatest(next_attempt_at, now() + $2 * interval '1 millisecond')"
                                + " WHERE conversation_id = $1 AND status = 'pending' AND attempts = 0")
                .execute(Tuple.of(conversationId, ms))
                .mapEmpty();
    }

    private Future<Void> stopConversation(UUID conversationId) {
        LOG.info("event=conversation_stopped_by_provider conversation={}", conversationId);
        return pool.preparedQuery("UPDATE conversations SET stopped_at = now() WHERE id = $1")
                .execute(Tuple.of(conversationId))
                .mapEmpty();
    }

    /** Records a provider's delivery report for a message it accepted earlier. */
    public Future<Boolean> recordDeliveryStatus(String channel, String providerId, String status) {
        return pool.preparedQuery(
                        "UPDATE outbox SET delivery_status = $3 WHERE channel = $1 AND provider_id = $2")
                .execute(Tuple.of(channel, providerId, status))
                .map(rs -> rs.rowCount() > 0);
    }

    private byte[] encryptAddress(UUID conversationId, String address) {
        try {
            return keyring.encrypt(
                    address.getBytes(StandardCharsets.UTF_8), aad("address", conversationId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("address encryption failed", e);
        }
    }

    private byte[] encrypt(UUID id, Reply r) {
        JsonArray options = new JsonArray();
        r.options()
                .forEach(
                        o -> options.add(new JsonObject().put("v", o.value()).put("l", o.label())));
        JsonObject doc =
                new JsonObject()
                        .put("t", r.text())
                        .put("o", options)
                        .put("lang", r.language())
                        .put("rtl", r.rtl());
        if (r.multiple()) {
            doc.put("m", true);
        }
        try {
            return keyring.encrypt(
                    doc.encode().getBytes(StandardCharsets.UTF_8), aad("outbox", id));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("outbox encryption failed", e);
        }
    }

    private OutboundMessage decrypt(UUID id, UUID conversationId, Row row)
            throws GeneralSecurityException {
        JsonObject doc =
                new JsonObject(
                        new String(
                                keyring.decrypt(
                                        row.getBuffer("body").getBytes(), aad("outbox", id)),
                                StandardCharsets.UTF_8));
        List<Option> options = new ArrayList<>();
        for (Object o : doc.getJsonArray("o", new JsonArray())) {
            JsonObject op = (JsonObject) o;
            options.add(new Option(op.getString("v"), op.getString("l")));
        }
        Buffer address = row.getBuffer("address");
        String plainAddress =
                address == null
                        ? null
                        : new String(
                                keyring.decrypt(address.getBytes(), aad("address", conversationId)),
                                StandardCharsets.UTF_8);
        return new OutboundMessage(
                id,
                conversationId,
                plainAddress,
                doc.getString("t"),
                options,
                doc.getString("lang"),
                doc.getBoolean("rtl", false),
                row.getInteger("attempts"),
                doc.getBoolean("m", false),
                row.getUUID("entry_case") != null);
    }

    /** Associated data binding a server-keyring ciphertext to what it is and whose. */
    public static byte[] aad(String kind, UUID id) {
        return ("haven/" + kind + "/" + id).getBytes(StandardCharsets.UTF_8);
    }
}
