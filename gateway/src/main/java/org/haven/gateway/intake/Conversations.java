package org.haven.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.haven.bot.Engine;
import org.haven.bot.Reply;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.resume.PhrasePool;
import org.haven.gateway.resume.ResumeWords;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.DatabaseUnavailable;
import org.haven.gateway.store.Db;

/**
 * The dialogue as channels see it: a message from any channel becomes one {@link DialogueStep} (one
 * database transaction), or, while PostgreSQL is unreachable, waits in the local spool ({@link
 * SpoolReplay}) and is replayed in order when it answers. A step that meets a team key retired a
 * moment ago (a rotation on another gateway or at the command line) is run again with the current
 * key. After each commit the inbox is told which cases appeared or changed.
 */
public final class Conversations {

    /**
     * What a step produced for the channel to send back.
     *
     * @param erased the person asked to delete the conversation and it is gone: its replies could
     *     not be queued in the outbox (there is no conversation left to queue them to), so a
     *     channel that replies via the outbox sends these replies itself
     * @param duress the person said the duress word in this step: the replies are the decoy, and a
     *     channel that shows the conversation on the person's screen (the web page) clears it
     * @param underDuress the conversation is under the duress word after this step (said now or
     *     earlier): the replies are the decoy and nothing else may be sent with them, not even a
     *     channel's notice that a file was kept
     */
    public record Outcome(
            UUID conversationId,
            List<Reply> replies,
            Optional<String> caseReference,
            boolean duplicate,
            boolean erased,
            boolean duress,
            boolean underDuress) {
        public Outcome(
                UUID conversationId,
                List<Reply> replies,
                Optional<String> caseReference,
                boolean duplicate,
                boolean erased) {
            this(conversationId, replies, caseReference, duplicate, erased, false, false);
        }

        public Outcome(
                UUID conversationId,
                List<Reply> replies,
                Optional<String> caseReference,
                boolean duplicate) {
            this(conversationId, replies, caseReference, duplicate, false);
        }

        Outcome(UUID conversationId, List<Reply> replies, Optional<String> caseReference) {
            this(conversationId, replies, caseReference, false, false);
        }
    }

    /**
     * Told inside a step's transaction when a person erases their conversation (DELETE) or says the
     * duress word, before anything is deleted: the conversation's outbox rows (and their {@code
     * provider_id}s) are still there, so a channel can collect the provider's message ids and
     * remove the sent messages from the person's device where the provider allows it.
     */
    public interface EraseListener {
        /**
         * @param tx the step's transaction (read only what you need; the step commits or rolls back
         *     after)
         * @param conversationId the conversation being erased or put under duress
         * @param channel its channel name (listeners ignore other channels)
         * @param duress true for the duress word (the conversation stays), false for DELETE (it is
         *     deleted)
         */
        Future<Void> beforeErase(Db tx, UUID conversationId, String channel, boolean duress);
    }

    private static final ResumeWords WORDS = ResumeWords.load();
    private final List<EraseListener> eraseListeners = new CopyOnWriteArrayList<>();
    private final DialogueStep steps;
    private final TeamKeys teamKeys;
    private final Outbox outbox;
    private volatile CaseEvents events = CaseEvents.NONE;
    private volatile SpoolReplay spool;

    public Conversations(
            Db db,
            Engine engine,
            ServerSecrets secrets,
            TeamKeys teamKeys,
            CaseStore cases,
            Outbox outbox,
            Clock clock) {
        this.teamKeys = teamKeys;
        this.outbox = outbox;
        this.steps =
                new DialogueStep(
                        db,
                        engine,
                        secrets,
                        cases,
                        new CaseEntries(cases, teamKeys, secrets.auditKey()),
                        outbox,
                        clock,
                        eraseListeners,
                        WORDS);
    }

    /**
     * What goes before a coordinator's words on a channel that shows them among the intake's own
     * (SMS, Telegram), as the intake script says ({@code coordinator_prefix}), in a language.
     */
    public Optional<String> coordinatorPrefix(String language) {
        return steps.engine
                .messageIfDefined("coordinator_prefix", language)
                .map(Reply::text)
                .filter(t -> !t.isBlank());
    }

    /**
     * The intake script in use, for what a channel or the inbox takes from it (words said to a
     * person, right-to-left languages).
     */
    public ActiveScript activeScript() {
        return new ActiveScript(() -> steps.engine);
    }

    /** Runs the dialogue with another engine from now on (an administrator uploaded a script). */
    public void useEngine(Engine engine) {
        steps.engine = engine;
    }

    /**
     * Prepares resume phrases ahead from now on, {@code size} per language in use (0: each derived
     * in its step), starting with the script's default language; the caller closes the pool when
     * the gateway stops.
     */
    public PhrasePool preparePhrases(int size) {
        PhrasePool pool = steps.preparePhrases(size);
        pool.fill(steps.engine.script().defaultLanguage());
        return pool;
    }

    /** Stops preparing resume phrases and forgets those prepared (at the gateway's stop). */
    public void stopPreparingPhrases() {
        steps.preparePhrases(0);
    }

    /**
     * From now on up to {@code steps} messages commit in one transaction when they wait for the
     * database together (group commit, {@link org.haven.gateway.store.StepBatches}); 1, the
     * default: each message its own transaction.
     */
    public void batchSteps(int steps) {
        this.steps.batchSteps(steps);
    }

    /** Where to count messages and time dialogue steps. */
    public void metrics(HavenMetrics metrics) {
        steps.metrics = metrics;
    }

    /** Who to tell after a commit that a case appeared or changed. */
    public void events(CaseEvents events) {
        this.events = events;
    }

    /**
     * Keeps, for each person of {@code channel}, their own encrypted copy of the conversation since
     * hand-off, for a channel whose device keeps none (the web chat page).
     */
    public void keepHistoryFor(String channel) {
        steps.historyChannels.add(channel);
    }

    /**
     * The person's own copy of their conversation since hand-off, oldest first; empty when there is
     * none.
     */
    public Future<List<HistoryItem>> history(String channel, String contactAddress) {
        return steps.history(channel, contactAddress);
    }

    /**
     * Adds a coordinator's reply, about to be shown to the person, to their own copy of the
     * conversation; false when {@code contactAddress} no longer holds {@code conversationId} (it
     * moved where the person wrote their resume phrase): then it must not be shown there.
     */
    public Future<Boolean> rememberShown(
            String channel, String contactAddress, UUID conversationId, Reply reply) {
        return steps.remember(
                channel,
                contactAddress,
                conversationId,
                new HistoryItem("coordinator", reply.text(), reply.language(), reply.rtl()));
    }

    /**
     * Whether a message is a resume phrase (five words of a phrase list), for a channel that limits
     * guessing per client.
     */
    public boolean isPhrase(String text) {
        return WORDS.parse(text).isPresent();
    }

    /** Adds an {@link EraseListener} (channels add theirs when they are built). */
    public void addEraseListener(EraseListener listener) {
        eraseListeners.add(listener);
    }

    /**
     * Opens (or resumes) the conversation of a contact without any input: a new contact gets the
     * first question, a known one the last replies again.
     */
    public Future<Outcome> open(String channel, String contactAddress) {
        return open(channel, contactAddress, null);
    }

    /**
     * Like {@link #open(String, String)}; a new contact gets the first question in {@code language}
     * (the browser's, say) when the script speaks it ({@link org.haven.bot.Engine#start(String,
     * String, java.time.Instant)}).
     */
    public Future<Outcome> open(String channel, String contactAddress, String language) {
        DialogueStep.Touched touched = new DialogueStep.Touched();
        return teamKeys.sealing(
                        () -> {
                            touched.clear();
                            return steps.open(channel, contactAddress, true, language, touched);
                        })
                .map(Optional::orElseThrow)
                .onSuccess(o -> publish(touched));
    }

    /**
     * Resumes the conversation of a known contact, showing the last replies again; empty when there
     * is none (it was deleted, or never existed).
     */
    public Future<Optional<Outcome>> resume(String channel, String contactAddress) {
        return steps.open(channel, contactAddress, false, null, new DialogueStep.Touched());
    }

    /**
     * Handles one message from a contact: a dialogue step, or the start of a new conversation. A
     * message whose id was seen before (a provider's retry, a client's resend after a lost
     * acknowledgement) is not applied again and yields a duplicate outcome without replies.
     */
    public Future<Outcome> receive(Inbound in) {
        return receive(in, language -> List.of());
    }

    /**
     * Like {@link #receive(Inbound)}, and for a channel that replies via the outbox also queues the
     * channel's own notices (an MMS was not read, say) ahead of the dialogue's replies, in the same
     * transaction. {@code notices} gets the language of the dialogue's first reply.
     */
    public Future<Outcome> receive(Inbound in, Function<String, List<Reply>> notices) {
        SpoolReplay s = spool;
        if (s == null) {
            return receiveNow(in, notices);
        }
        if (s.pending() > 0) {
            // Keep arrival order: while anything waits in the spool, new messages queue behind it.
            return spoolIt(s, in);
        }
        return receiveNow(in, notices)
                .recover(
                        err ->
                                DatabaseUnavailable.is(err)
                                        ? spoolIt(s, in)
                                        : Future.failedFuture(err));
    }

    private Future<Outcome> spoolIt(SpoolReplay s, Inbound in) {
        return s.append(steps.spooling(in, System.currentTimeMillis()))
                .map(v -> new Outcome(null, List.of(), Optional.empty(), false, false));
    }

    private Future<Outcome> receiveNow(Inbound in, Function<String, List<Reply>> notices) {
        DialogueStep.Touched touched = new DialogueStep.Touched();
        return teamKeys.sealing(
                        () -> {
                            touched.clear();
                            return steps.receive(in, notices, touched);
                        })
                .onSuccess(
                        o -> {
                            publish(touched);
                            if (in.replyViaOutbox() && !o.duplicate()) {
                                outbox.wake();
                            }
                        });
    }

    /** Keeps acknowledged messages on local disk while the database is unreachable. */
    public void spool(Spool spool, Vertx vertx) {
        this.spool = new SpoolReplay(spool, vertx, in -> receiveNow(in, language -> List.of()));
    }

    /**
     * Stops replaying the spool; completes once a replay in flight has finished (what it did not
     * replay stays in the spool for the next start).
     */
    public Future<Void> stopReplay() {
        SpoolReplay s = spool;
        return s == null ? Future.succeededFuture() : s.stop();
    }

    /** How many messages wait in the spool (0 without one). */
    public int spooled() {
        SpoolReplay s = spool;
        return s == null ? 0 : s.pending();
    }

    /**
     * How many damaged regions or unreadable spool records are set aside in the spool's quarantine
     * (0 without a spool).
     */
    public int spoolQuarantined() {
        SpoolReplay s = spool;
        return s == null ? 0 : s.quarantined();
    }

    /**
     * Whether the messages the spool held when this gateway started are all replayed (true without
     * a spool).
     */
    public boolean spoolReplayedFromStart() {
        SpoolReplay s = spool;
        return s == null || s.replayedFromStart();
    }

    /** Whether the last read of the spool failed. */
    public boolean spoolUnreadable() {
        SpoolReplay s = spool;
        return s != null && s.unreadable();
    }

    /**
     * After a commit: what the step remembers, and the inbox told which cases appeared or changed.
     */
    private void publish(DialogueStep.Touched touched) {
        touched.committed.forEach(Runnable::run);
        touched.items.forEach(i -> events.publish(i[0], UUID.fromString(i[1])));
    }
}
