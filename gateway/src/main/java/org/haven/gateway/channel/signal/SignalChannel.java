package org.haven.gateway.channel.signal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.haven.bot.Reply;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.MediaNotices;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ExclusiveRole;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signal, through a signal-cli daemon beside Haven ({@code signal-cli daemon --http
 * --receive-mode=on-connection}, followed as of signal-cli 0.14.6). Haven mounts no route: it
 * connects to the daemon.
 *
 * <p>Receiving: on every (re)connection Haven first drains what waits with {@code receive} (the
 * daemon holds nothing back while no one is connected in on-connection mode, so messages wait on
 * Signal's server), then reads the events stream ({@link SignalEvents}). When the stream breaks
 * (the daemon restarted) it connects again with a growing backoff. Envelopes are handled one at a
 * time, in order: a message counts as received once the dialogue stored it ({@code
 * Conversations.receive} completed: the step committed, or the message is in the spool), and a
 * failed step is tried again before the next message. A message delivered twice is applied once:
 * its id is its timestamp, hashed with the sender by the dialogue. signal-cli itself acknowledges a
 * message to Signal's server when it hands it over, so each envelope is first written to the {@link
 * SignalJournal} (encrypted, forced to disk) and deleted from it once handled: a gateway that dies
 * before the commit handles it at its next start, and a message whose step still fails after its
 * tries stays there and is tried again every minute, never dropped (docs/operations.md).
 *
 * <p>Addresses: the person's ACI (UUID), never the number when Signal gives the UUID; the dialogue
 * keeps it only as a keyed hash and sealed. Group messages are never stored: the sender gets a
 * polite note privately (a reply in the group would tell every member that they wrote to this
 * service) and Haven leaves the group ({@code quitGroup}); a group it was merely added to is left
 * without a word.
 *
 * <p>Files (voice notes, photos, documents): with {@code HAVEN_SIGNAL_ATTACHMENTS_DIR} set, those
 * within the limits are read from the daemon ({@link SignalAttachments}) and handed to the dialogue
 * with the message, which seals them into the case in the same step (held for the hand-off during
 * the intake); the person is told, and the question they were at is asked again. Once the envelope
 * is handled (stored, spooled, declined, or given up), the daemon's copies of all its files are
 * deleted. Without that setting no file is opened: the person is asked to write instead (the
 * script's {@code media_note}). In a cluster one gateway receives ({@code signal.receiving}); every
 * gateway sends.
 */
public final class SignalChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(SignalChannel.class);

    /** The channel's name. */
    public static final String NAME = "signal";

    /** How often a gateway that does not receive tries to take the role over. */
    static final Duration RECEIVING_RETRY = Duration.ofSeconds(2);

    static final long MIN_BACKOFF_MILLIS = 500;
    static final long MAX_BACKOFF_MILLIS = 30_000;

    /** At most this many envelopes per {@code receive} call while draining. */
    static final int DRAIN_BATCH = 50;

    /**
     * How many times in a row a message the dialogue failed to store is tried before the next
     * message's turn (it stays in the journal and is tried again later).
     */
    static final int STEP_ATTEMPTS = 6;

    /** How often envelopes left in the journal (their step kept failing) are tried again. */
    static final long JOURNAL_RETRY_MILLIS = 60_000;

    /**
     * How long {@link #stop()} waits for the messages in hand to be stored (a step takes ~0.1 s).
     */
    static final long STOP_WAIT_MILLIS = 2_000;

    /**
     * The script's message for a group (sent to the sender alone, in English and French: nothing
     * tells their language yet).
     */
    static final String GROUPS_DECLINED = "private_only";

    private static final String MEDIA_NOTE_KEY = "media_note";

    private final Vertx vertx;

    /** The one event loop the receiving runs on: its fields are touched there only. */
    private final Context loop;

    private final Database database;
    private final Conversations conversations;
    private final SignalRpc rpc;
    private final SignalSender sender;

    /** Null when Haven does not take files (no attachments directory). */
    private final SignalAttachments attachments;

    /** Null when built without a server keyring (tests of the channel alone). */
    private final SignalJournal journal;

    /** The journal's envelopes queued or being handled now: not to be replayed again. */
    private final Set<Long> inHand = ConcurrentHashMap.newKeySet();

    /** For tests: envelopes wait for this before they are handled (a gateway caught mid-way). */
    private volatile Future<Void> gate = Future.succeededFuture();

    private long stepBackoffMillis = MIN_BACKOFF_MILLIS;
    private long journalRetryMillis = JOURNAL_RETRY_MILLIS;
    private long journalTimer = -1;

    /** Timestamps of Haven's messages to delete on the person's phone, collected inside a step. */
    private final Map<UUID, Collected> toDelete = new ConcurrentHashMap<>();

    private record Collected(List<Long> timestamps, Instant at) {
        boolean fresh() {
            return at.isAfter(Instant.now().minusSeconds(30));
        }
    }

    private ExclusiveRole receivingRole;

    // Touched on the event loop only.
    private boolean receiving;
    private long generation;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long timer = -1;
    private HttpClientResponse stream;
    private boolean pollUnavailableSaid;

    /** The envelopes being handled, in order: each waits for the one before it. */
    private Future<Void> chain = Future.succeededFuture();

    private final AtomicInteger queued = new AtomicInteger();

    SignalChannel(ChannelContext context, SignalConfig config) {
        this.vertx = context.vertx();
        this.loop = vertx.getOrCreateContext();
        this.database = context.database();
        this.conversations = context.conversations();
        this.rpc = new SignalRpc(vertx, config);
        this.sender = new SignalSender(rpc, config.maxPerSecond());
        this.attachments =
                config.attachmentsDir()
                        .map(dir -> new SignalAttachments(vertx, rpc, config.media(), dir))
                        .orElse(null);
        this.journal = context.keyring() == null ? null : openJournal(context);
        conversations.addEraseListener(this::collectSent);
    }

    private static SignalJournal openJournal(ChannelContext context) {
        try {
            return new SignalJournal(context.config().dataDir(), context.keyring());
        } catch (IOException e) {
            throw new UncheckedIOException("the Signal journal cannot be opened", e);
        }
    }

    /** For tests: envelopes handed over from now on are handled once {@code until} completes. */
    void holdHandling(Future<Void> until) {
        this.gate = until;
    }

    /**
     * For tests: the first wait between tries of a failed step, and how often the journal is looked
     * at again.
     */
    void retryTimes(long stepBackoffMillis, long journalRetryMillis) {
        this.stepBackoffMillis = stepBackoffMillis;
        this.journalRetryMillis = journalRetryMillis;
    }

    /**
     * Builds the channel when {@code HAVEN_SIGNAL_URL} is set; says once in the log that Signal is
     * off otherwise.
     *
     * @throws org.haven.gateway.config.ConfigException when a Signal setting is invalid
     */
    public static Optional<Channel> create(ChannelContext context) {
        Optional<SignalConfig> config = SignalConfig.from(context.config());
        if (config.isEmpty()) {
            LOG.info("event=channel_disabled channel={} reason=HAVEN_SIGNAL_URL_not_set", NAME);
            return Optional.empty();
        }
        LOG.info("event=channel_configured channel={}", NAME);
        return Optional.of(new SignalChannel(context, config.get()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    @Override
    public Set<String> secretSettings() {
        return SignalConfig.SECRETS;
    }

    @Override
    public void mount(Router router) {
        // nothing to mount: Haven connects to the daemon, the daemon never calls Haven
    }

    @Override
    public Future<Void> start() {
        if (attachments != null) {
            attachments.check();
        }
        if (journal != null) {
            // what an earlier run was handed and did not store goes first
            loop.runOnContext(v -> replayJournal());
            journalTimer =
                    vertx.setPeriodic(
                            journalRetryMillis, id -> loop.runOnContext(v -> replayJournal()));
        }
        if (database == null) {
            // built without a database (tests of the channel alone): nobody to share with
            loop.runOnContext(v -> startReceiving());
            return Future.succeededFuture();
        }
        // one receiver per account in a cluster: two would each get every message
        receivingRole =
                ExclusiveRole.follow(
                        vertx,
                        database,
                        "signal.receiving",
                        RECEIVING_RETRY,
                        new ExclusiveRole.Holder() {
                            @Override
                            public void acquired() {
                                LOG.info("event=signal_receiving_acquired");
                                loop.runOnContext(v -> startReceiving());
                            }

                            @Override
                            public void released() {
                                LOG.info("event=signal_receiving_released");
                                loop.runOnContext(v -> stopReceiving());
                            }
                        });
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        if (receivingRole != null) {
            receivingRole.close();
        }
        if (journalTimer >= 0) {
            vertx.cancelTimer(journalTimer);
        }
        Promise<Void> stopped = Promise.promise();
        loop.runOnContext(
                v -> {
                    stopReceiving();
                    // the messages in hand are stored first, within the shutdown's bound
                    long bound = vertx.setTimer(STOP_WAIT_MILLIS, id -> stopped.tryComplete());
                    chain.onComplete(
                            ar -> {
                                vertx.cancelTimer(bound);
                                stopped.tryComplete();
                            });
                });
        return stopped.future().compose(v -> rpc.close());
    }

    // --- receiving -------------------------------------------------------------------------

    private void startReceiving() {
        stopReceiving();
        receiving = true;
        backoffMillis = MIN_BACKOFF_MILLIS;
        connect(++generation);
    }

    private void stopReceiving() {
        receiving = false;
        generation++;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (stream != null) {
            stream.request().reset();
            stream = null;
        }
    }

    private boolean current(long gen) {
        return receiving && gen == generation;
    }

    /** Drains what waits, then opens the events stream. */
    private void connect(long gen) {
        if (!current(gen)) {
            return;
        }
        if (attachments != null) {
            attachments.sweep();
        }
        drain(gen)
                .compose(
                        v ->
                                current(gen)
                                        ? SignalEvents.open(rpc, this::onEvent, x -> closed(gen))
                                        : Future.failedFuture("stopped"))
                .onSuccess(
                        response -> {
                            if (!current(gen)) {
                                response.request().reset();
                                return;
                            }
                            stream = response;
                            backoffMillis = MIN_BACKOFF_MILLIS;
                            LOG.info("event=signal_events_connected");
                        })
                .onFailure(
                        err -> {
                            if (current(gen)) {
                                LOG.warn(
                                        "event=signal_connect_failed kind={} retry_ms={}",
                                        kind(err),
                                        backoffMillis);
                                retryLater(gen);
                            }
                        });
    }

    private void closed(long gen) {
        if (!current(gen)) {
            return;
        }
        stream = null;
        LOG.warn("event=signal_events_closed retry_ms={}", backoffMillis);
        retryLater(gen);
    }

    private void retryLater(long gen) {
        long delay = backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        timer =
                vertx.setTimer(
                        delay,
                        id -> {
                            timer = -1;
                            connect(gen);
                        });
    }

    /**
     * Takes what waits for Haven with {@code receive}, batch by batch, and stores it in order. A
     * daemon in on-start mode refuses (it receives all along, with no one listening: run it in
     * on-connection mode); then only the stream is read.
     */
    private Future<Void> drain(long gen) {
        JsonObject params = new JsonObject().put("timeout", 1).put("maxMessages", DRAIN_BATCH);
        return rpc.call("receive", params, 30_000)
                .recover(
                        err -> {
                            if (err instanceof SignalRpc.RpcError e) {
                                // -1: already receiving (on-start mode); -32602: a single-account
                                // daemon (-a) refuses the account parameter on receive
                                if (!pollUnavailableSaid) {
                                    pollUnavailableSaid = true;
                                    LOG.warn(
                                            "event=signal_receive_poll_refused code={}"
                                                    + " hint=run_the_daemon_with_receive_mode_on_connection",
                                            e.code);
                                }
                                return Future.succeededFuture(new JsonArray());
                            }
                            return Future.failedFuture(err);
                        })
                .compose(
                        result -> {
                            List<JsonObject> events = new ArrayList<>();
                            if (result instanceof JsonArray list) {
                                for (Object o : list) {
                                    events.add(o instanceof JsonObject j ? j : new JsonObject());
                                }
                            }
                            if (!events.isEmpty()) {
                                LOG.info("event=signal_drained count={}", events.size());
                            }
                            Future<Void> done = Future.succeededFuture();
                            for (JsonObject event : events) {
                                done = enqueue(event);
                            }
                            return done.compose(
                                    v ->
                                            events.size() >= DRAIN_BATCH && current(gen)
                                                    ? drain(gen)
                                                    : Future.succeededFuture());
                        });
    }

    private void onEvent(JsonObject event) {
        HttpClientResponse s = stream;
        Future<Void> done = enqueue(event);
        if (queued.get() > 50 && s != null) {
            // back-pressure: the daemon's socket fills, and signal-cli waits
            s.pause();
            done.onComplete(ar -> s.resume());
        }
    }

    /**
     * Journals the event as it arrives (its write starts at once; its handling waits for it), then
     * handles it after every event before it; the future completes when it is handled.
     */
    private Future<Void> enqueue(JsonObject event) {
        if (journal == null) {
            return enqueue(event, Future.succeededFuture(-1L));
        }
        long seq = journal.reserve();
        inHand.add(seq);
        Future<Long> written =
                vertx.<Long>executeBlocking(
                                () -> {
                                    journal.append(seq, event);
                                    return seq;
                                },
                                false)
                        .recover(
                                err -> {
                                    // nothing better to do: the message is handled from memory
                                    LOG.error(
                                            "event=signal_journal_failed kind={}",
                                            err.getClass().getSimpleName());
                                    inHand.remove(seq);
                                    return Future.succeededFuture(-1L);
                                });
        return enqueue(event, written);
    }

    /** {@code seq}: the event's journal entry once written, or -1 when it has none. */
    private Future<Void> enqueue(JsonObject event, Future<Long> seq) {
        queued.incrementAndGet();
        chain =
                chain.transform(
                        ar ->
                                seq.compose(s -> gate.compose(v -> handleWithRetry(event, s, 1)))
                                        .onComplete(x -> queued.decrementAndGet()));
        return chain;
    }

    /** Enqueues what the journal holds that is not in hand: from an earlier run, or deferred. */
    private void replayJournal() {
        AtomicLong unreadable = new AtomicLong();
        vertx.executeBlocking(() -> journal.read(unreadable), false)
                .onComplete(
                        ar ->
                                loop.runOnContext(
                                        v -> {
                                            if (unreadable.get() > 0) {
                                                LOG.error(
                                                        "event=signal_journal_unreadable count={}",
                                                        unreadable.get());
                                            }
                                            if (ar.failed()) {
                                                LOG.error(
                                                        "event=signal_journal_read_failed kind={}",
                                                        ar.cause().getClass().getSimpleName());
                                                return;
                                            }
                                            int n = 0;
                                            for (SignalJournal.Entry e : ar.result()) {
                                                if (inHand.add(e.seq())) {
                                                    enqueue(
                                                            e.event(),
                                                            Future.succeededFuture(e.seq()));
                                                    n++;
                                                }
                                            }
                                            if (n > 0) {
                                                LOG.info(
                                                        "event=signal_journal_replayed count={}",
                                                        n);
                                            }
                                        }));
    }

    /** The envelope is handled: its journal entry goes. */
    private Future<Void> handled(long seq) {
        if (seq < 0) {
            return Future.succeededFuture();
        }
        return vertx.<Void>executeBlocking(
                        () -> {
                            journal.remove(seq);
                            return null;
                        },
                        false)
                .recover(
                        err -> {
                            // it comes back at the next start, as a duplicate
                            LOG.warn(
                                    "event=signal_journal_remove_failed kind={}",
                                    err.getClass().getSimpleName());
                            return Future.succeededFuture();
                        })
                .onComplete(ar -> inHand.remove(seq));
    }

    private Future<Void> handleWithRetry(JsonObject event, long seq, int attempt) {
        Optional<SignalEnvelope> parsed = SignalEnvelope.parse(event);
        if (parsed.isEmpty()) {
            LOG.info("event=signal_envelope kind=unreadable action=ignored");
            return handled(seq);
        }
        return handle(parsed.get())
                .compose(v -> forget(parsed.get()))
                .compose(v -> handled(seq))
                .recover(
                        err -> {
                            if (attempt >= STEP_ATTEMPTS) {
                                if (seq >= 0) {
                                    // kept, files and all, and tried again later
                                    LOG.error(
                                            "event=signal_inbound_deferred kind={} attempts={}"
                                                    + " retry_ms={}",
                                            kind(err),
                                            attempt,
                                            journalRetryMillis);
                                    inHand.remove(seq);
                                    return Future.succeededFuture();
                                }
                                LOG.error(
                                        "event=signal_inbound_dropped kind={} attempts={}",
                                        kind(err),
                                        attempt);
                                return forget(parsed.get());
                            }
                            long delay = stepBackoffMillis << attempt;
                            LOG.warn(
                                    "event=signal_inbound_failed kind={} attempt={} retry_ms={}",
                                    kind(err),
                                    attempt,
                                    delay);
                            Promise<Void> again = Promise.promise();
                            vertx.setTimer(
                                    delay,
                                    id ->
                                            handleWithRetry(event, seq, attempt + 1)
                                                    .onComplete(again));
                            return again.future();
                        });
    }

    /** One envelope; the future completes once what is to be stored is stored. */
    Future<Void> handle(SignalEnvelope e) {
        switch (e.kind()) {
            case OTHER -> {
                LOG.info("event=signal_envelope kind=other action=ignored");
                return Future.succeededFuture();
            }
            case GROUP_UPDATE -> {
                LOG.info("event=signal_envelope kind=group_update action=left");
                leave(e.groupId().orElseThrow());
                return Future.succeededFuture();
            }
            default -> {
                if (e.inGroup()) {
                    LOG.info("event=signal_envelope kind=group_message action=declined");
                    decline(e.sender(), e.groupId().get());
                    return Future.succeededFuture();
                }
            }
        }
        return attachments == null ? receiveWithoutFiles(e) : receiveWithFiles(e);
    }

    /** No file is opened: the person is asked to write instead. */
    private Future<Void> receiveWithoutFiles(SignalEnvelope e) {
        int media = e.attachments();
        Inbound in = new Inbound(NAME, e.sender(), e.text(), Optional.of(e.messageId()), true);
        return conversations
                .receive(in, language -> media > 0 ? List.of(mediaNote(language)) : List.of())
                .map(
                        outcome -> {
                            LOG.info(
                                    "event=signal_inbound conversation={} duplicate={} media={}",
                                    outcome.conversationId(),
                                    outcome.duplicate(),
                                    media);
                            afterStep(e.sender(), outcome);
                            return null;
                        });
    }

    /** The files within the limits go with the message, sealed in the same step. */
    private Future<Void> receiveWithFiles(SignalEnvelope e) {
        Future<SignalAttachments.Received> files =
                e.attachments() > 0
                        ? attachments.receive(e)
                        : Future.succeededFuture(SignalAttachments.Received.NONE);
        return files.compose(
                got -> {
                    Inbound in =
                            new Inbound(
                                    NAME,
                                    e.sender(),
                                    e.text(),
                                    Optional.of(e.messageId()),
                                    true,
                                    got.kept());
                    return conversations
                            .receive(
                                    in,
                                    language ->
                                            MediaNotices.of(
                                                    conversations,
                                                    got.kept().size(),
                                                    got.refused(),
                                                    language))
                            .map(
                                    outcome -> {
                                        logFiles(outcome, got);
                                        afterStep(e.sender(), outcome);
                                        return null;
                                    });
                });
    }

    private static void logFiles(Conversations.Outcome outcome, SignalAttachments.Received got) {
        LOG.info(
                "event=signal_inbound conversation={} duplicate={} media_kept={} media_refused={}",
                outcome.conversationId(),
                outcome.duplicate(),
                got.kept().size(),
                got.refused());
        if (outcome.conversationId() == null && !got.kept().isEmpty()) {
            // only spooled (the database is away): the spool keeps text, not files
            LOG.warn("event=signal_media_not_kept reason=spooled count={}", got.kept().size());
        }
    }

    /**
     * The envelope is handled for good: the daemon's copies of its files go (kept ones are sealed,
     * the others are not wanted). A failed step keeps them for the next attempt.
     */
    private Future<Void> forget(SignalEnvelope e) {
        return attachments == null ? Future.succeededFuture() : attachments.delete(e.stored());
    }

    private String groupsDeclined() {
        ActiveScript script = conversations.activeScript();
        return script.message(GROUPS_DECLINED, "en").text()
                + "\n"
                + script.message(GROUPS_DECLINED, "fr").text();
    }

    private Reply mediaNote(String language) {
        return conversations.activeScript().message(MEDIA_NOTE_KEY, language);
    }

    private void afterStep(String address, Conversations.Outcome outcome) {
        if (outcome.duplicate() || outcome.conversationId() == null) {
            return;
        }
        UUID id = outcome.conversationId();
        Collected collected = toDelete.remove(id);
        if (collected != null && collected.fresh()) {
            // DELETE or the duress word: Haven's earlier messages go from the person's phone too
            remoteDelete(address, collected.timestamps(), id);
        }
        if (outcome.erased()) {
            // the conversation and its outbox are gone: the last words go out directly
            List<String> texts = new ArrayList<>();
            for (Reply r : outcome.replies()) {
                texts.addAll(SignalSender.texts(r));
            }
            sender.sendAll(address, texts)
                    .onFailure(
                            err ->
                                    LOG.info(
                                            "event=signal_direct_send_failed code={}",
                                            SignalSender.classify(err).code()));
        }
    }

    private void remoteDelete(String address, List<Long> timestamps, UUID conversation) {
        Future<Void> all = Future.succeededFuture();
        for (long ts : timestamps) {
            JsonObject params =
                    new JsonObject()
                            .put("recipient", new JsonArray().add(address))
                            .put("targetTimestamp", ts);
            all = all.compose(v -> rpc.call("remoteDelete", params, 30_000).<Void>mapEmpty());
        }
        all.onSuccess(
                        v ->
                                LOG.info(
                                        "event=signal_messages_deleted conversation={} count={}",
                                        conversation,
                                        timestamps.size()))
                .onFailure(
                        err ->
                                LOG.warn(
                                        "event=signal_delete_failed conversation={} kind={}",
                                        conversation,
                                        kind(err)));
    }

    /** Inside the erase step's transaction: the timestamps of what Haven sent in it. */
    private Future<Void> collectSent(Db tx, UUID conversationId, String channel, boolean duress) {
        if (!NAME.equals(channel)) {
            return Future.succeededFuture();
        }
        return Outbox.sentMessageIds(tx, conversationId)
                .map(
                        timestamps -> {
                            toDelete.put(conversationId, new Collected(timestamps, Instant.now()));
                            return null;
                        });
    }

    /** A note to the sender, privately, then Haven leaves the group. Nothing is stored. */
    private void decline(String address, String groupId) {
        sender.sendAll(address, List.of(groupsDeclined()))
                .onFailure(
                        err ->
                                LOG.info(
                                        "event=signal_direct_send_failed code={}",
                                        SignalSender.classify(err).code()))
                .onComplete(ar -> leave(groupId));
    }

    private void leave(String groupId) {
        rpc.call("quitGroup", new JsonObject().put("groupId", groupId).put("delete", true), 30_000)
                .onSuccess(v -> LOG.info("event=signal_group_left"))
                .onFailure(err -> LOG.info("event=signal_leave_failed kind={}", kind(err)));
    }

    private static String kind(Throwable err) {
        if (err instanceof SignalRpc.RpcError e) {
            return "rpc_error_" + Math.abs(e.code);
        }
        if (err instanceof SignalRpc.HttpError e) {
            return "http_" + e.status;
        }
        return err.getClass().getSimpleName();
    }
}
