package org.haven.gateway.intake;

import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.haven.bot.ConversationState;
import org.haven.bot.Engine;
import org.haven.bot.Event;
import org.haven.bot.Reply;
import org.haven.bot.Turn;
import org.haven.bot.engine.ReferralCode;
import org.haven.gateway.cases.CaseAttachments;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.IntakeCases;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.resume.PhraseKeys;
import org.haven.gateway.resume.PhrasePool;
import org.haven.gateway.resume.ResumeWords;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.InboundSeen;
import org.haven.gateway.store.StepBatches;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dialogue step in one database transaction: find the conversation by the keyed hash of its
 * contact address and lock it, decrypt its state, let the engine answer, act on what the engine
 * reports (a finished intake becomes a queued case, a later message a sealed case entry), queue the
 * replies in the outbox (with the address the message came from, since the conversation keeps
 * none), and store the new state encrypted again.
 */
final class DialogueStep {
    private static final Logger LOG = LoggerFactory.getLogger(DialogueStep.class);

    private final Db db;
    private final ServerSecrets secrets;
    private final StateCipher states;
    private final ConversationStore conversations = new ConversationStore();
    private final CaseStore cases;
    private final CaseEntries entries;
    private final IntakeCases intakeCases;
    private final CaseAttachments attachments;
    private final Outbox outbox;
    private final Clock clock;
    private final List<Conversations.EraseListener> eraseListeners;
    private final PersonCopy copies;
    private final CaseSteps caseSteps;
    private final PhraseStep phrases;

    /** Messages whose step runs now: above {@link #BUSY_STEPS}, phrases are not prepared. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private static final int BUSY_STEPS = 8;
    private final SpoolMemory spool = new SpoolMemory();

    /**
     * Channels whose person gets their own copy of the conversation since hand-off (see {@link
     * PersonHistory}).
     */
    final Set<String> historyChannels = ConcurrentHashMap.newKeySet();

    volatile Engine engine;
    volatile HavenMetrics metrics = HavenMetrics.NONE;

    /**
     * Where a message's step runs: its own transaction, or one shared with others (group commit).
     */
    private volatile StepBatches batches;

    DialogueStep(
            Db db,
            Engine engine,
            ServerSecrets secrets,
            CaseStore cases,
            CaseEntries entries,
            Outbox outbox,
            Clock clock,
            List<Conversations.EraseListener> eraseListeners,
            ResumeWords words) {
        this.db = db;
        this.batches = batchesOf(1);
        this.engine = engine;
        this.secrets = secrets;
        this.states = new StateCipher(secrets);
        this.copies = new PersonCopy(db, conversations, states);
        this.cases = cases;
        this.entries = entries;
        this.attachments = new CaseAttachments(entries, secrets.keyring());
        this.intakeCases = new IntakeCases(cases, entries, attachments);
        this.caseSteps =
                new CaseSteps(cases, entries, intakeCases, attachments, outbox, secrets.auditKey());
        this.outbox = outbox;
        this.clock = clock;
        this.eraseListeners = eraseListeners;
        this.phrases =
                new PhraseStep(
                        words,
                        secrets,
                        states,
                        conversations,
                        cases,
                        entries,
                        outbox,
                        () -> this.engine);
    }

    /**
     * From now on up to {@code steps} messages (of different conversations, or one after the other
     * of one) commit in one transaction when they wait for the database together; 1: each its own.
     */
    void batchSteps(int steps) {
        batches = batchesOf(steps);
    }

    private StepBatches batchesOf(int steps) {
        return new StepBatches(db, StepBatches.poolSize(), steps, n -> metrics.stepBatch(n));
    }

    /** Resume phrases from now on prepared ahead, {@code size} per language in use. */
    PhrasePool preparePhrases(int size) {
        return phrases.prepare(size, () -> inFlight.get() > BUSY_STEPS);
    }

    /** What one step did to cases, published after its commit. */
    static final class Touched {
        final List<String[]> items = new ArrayList<>();

        /**
         * What this gateway remembers of the step once it is committed, and only then: a step whose
         * commit fails (the database went away) is spooled as not taken, and must be judged at
         * replay by the question it answered, not the one it would have led to.
         */
        final List<Runnable> committed = new ArrayList<>();

        void add(String kind, UUID caseId) {
            items.add(new String[] {kind, caseId.toString()});
        }

        /** A step tried again (a team key retired meanwhile) starts from nothing. */
        void clear() {
            items.clear();
            committed.clear();
        }
    }

    /**
     * Opens (or, when {@code create}, starts in {@code language} if it is given) the conversation
     * of a contact without any input.
     */
    Future<Optional<Conversations.Outcome>> open(
            String channel,
            String contactAddress,
            boolean create,
            String language,
            Touched touched) {
        byte[] hash = contactHash(channel, contactAddress);
        // in the conversation's lane, like its messages: a burst of new conversations (a page
        // opened by many at once) shares transactions with the messages in flight instead of
        // queueing for the pool's connections ahead of them
        return batches.run(
                hash,
                tx ->
                        conversations
                                .lockByContact(tx, channel, hash)
                                .compose(
                                        found -> {
                                            if (found.isPresent()) {
                                                StateCipher.Stored s =
                                                        states.decrypt(
                                                                found.get().id(),
                                                                channel,
                                                                contactAddress,
                                                                found.get().state());
                                                return Future.succeededFuture(
                                                        Optional.of(
                                                                new Conversations.Outcome(
                                                                        found.get().id(),
                                                                        s.lastReplies(),
                                                                        Optional.empty())));
                                            }
                                            return create
                                                    ? startNew(
                                                                    tx,
                                                                    channel,
                                                                    hash,
                                                                    null,
                                                                    language,
                                                                    contactAddress,
                                                                    Optional.empty(),
                                                                    touched)
                                                            .map(Optional::of)
                                                    : Future.succeededFuture(
                                                            Optional
                                                                    .<Conversations.Outcome>
                                                                            empty());
                                        }));
    }

    /**
     * Applies one message (or recognises it as a duplicate), with the channel's notices queued
     * ahead of the replies.
     */
    Future<Conversations.Outcome> receive(
            Inbound in, Function<String, List<Reply>> notices, Touched touched) {
        byte[] hash = contactHash(in.channel(), in.address());
        HavenMetrics m = metrics;
        m.messageIn(in.channel());
        Timer.Sample timing = m.startStep();
        inFlight.incrementAndGet();
        Optional<ResumeWords.Candidate> phrase = phrases.parse(in.text());
        Future<Conversations.Outcome> step =
                phrase.isPresent()
                        ? phraseWritten(in, hash, phrase.get(), notices, touched)
                        : batches.run(
                                hash,
                                tx ->
                                        unlessDuplicate(
                                                tx,
                                                in,
                                                hash,
                                                found ->
                                                        startOrStep(
                                                                tx, in, hash, found, notices,
                                                                touched)));
        return step.onComplete(
                ar -> {
                    inFlight.decrementAndGet();
                    m.endStep(timing, in.channel(), ar.succeeded());
                });
    }

    /**
     * A message that is not a duplicate, in its batch: the first step of a new conversation, or the
     * next of the one found; then its replies queued.
     */
    private Future<Conversations.Outcome> startOrStep(
            Db tx,
            Inbound in,
            byte[] hash,
            Optional<ConversationStore.StoredConversation> found,
            Function<String, List<Reply>> notices,
            Touched touched) {
        Future<Conversations.Outcome> outcome =
                found.isEmpty()
                        ? startNew(
                                tx,
                                in.channel(),
                                hash,
                                in.text(),
                                null,
                                in.address(),
                                in.spooled(),
                                touched)
                        : step(tx, in, found.get(), touched);
        return outcome.compose(o -> queueReplies(tx, in, o, notices));
    }

    /**
     * Sent together (with BEGIN or the step's SAVEPOINT): the message's de-duplication insert and
     * the lookup of its contact's conversation, which stays locked until the commit. A duplicate is
     * answered as one and changes nothing; otherwise {@code then} takes the conversation found, if
     * any. join, not all: when one fails, the other is answered before the step is undone.
     */
    private Future<Conversations.Outcome> unlessDuplicate(
            Db tx,
            Inbound in,
            byte[] hash,
            Function<Optional<ConversationStore.StoredConversation>, Future<Conversations.Outcome>>
                    then) {
        Future<Boolean> seen = firstSeen(tx, in);
        Future<Optional<ConversationStore.StoredConversation>> lookup =
                conversations.lockByContact(tx, in.channel(), hash);
        return Future.join(seen, lookup)
                .compose(
                        both ->
                                seen.result()
                                        ? then.apply(lookup.result())
                                        : Future.succeededFuture(
                                                new Conversations.Outcome(
                                                        null, List.of(), Optional.empty(), true)));
    }

    /**
     * A message that is a resume phrase: its keys are derived (unless the writer tried too many
     * wrong ones this hour), then in one transaction the conversation it belongs to moves here, or
     * the writer is told the words match nothing (or to wait), in their conversation or a new one.
     */
    private Future<Conversations.Outcome> phraseWritten(
            Inbound in,
            byte[] hash,
            ResumeWords.Candidate phrase,
            Function<String, List<Reply>> notices,
            Touched touched) {
        return db.transaction(tx -> phrases.mayTry(tx, in.channel(), in.address()))
                .compose(
                        may ->
                                may
                                        ? PhraseStep.derive(phrase.canonical(), secrets)
                                                .map(Optional::of)
                                        : Future.succeededFuture(Optional.<PhraseKeys>empty()))
                .compose(
                        keys ->
                                db.transaction(
                                        tx ->
                                                phraseStep(
                                                        tx, in, hash, phrase, keys, notices,
                                                        touched)));
    }

    /** The resume phrase's transaction, once its keys are derived (or refused for this hour). */
    private Future<Conversations.Outcome> phraseStep(
            Db tx,
            Inbound in,
            byte[] hash,
            ResumeWords.Candidate phrase,
            Optional<PhraseKeys> keys,
            Function<String, List<Reply>> notices,
            Touched touched) {
        return unlessDuplicate(
                tx,
                in,
                hash,
                current -> {
                    String language = current.map(c -> languageOf(in, c)).orElse(phrase.language());
                    Future<PhraseStep.Used> used =
                            keys.isPresent()
                                    ? phrases.use(
                                            tx, in, hash, current, keys.get(), language, touched)
                                    : Future.succeededFuture(
                                            new PhraseStep.Refused(
                                                    engine.message("phrase_wait", language)));
                    return used.compose(u -> afterPhrase(tx, in, hash, phrase, current, u, touched))
                            .compose(o -> queueReplies(tx, in, o, notices));
                });
    }

    /**
     * What the phrase did: the conversation moved here; or the words are this contact's own
     * conversation's, which takes them as a message; or they were refused, said in the writer's
     * conversation or, without one, before the first question of a new one.
     */
    private Future<Conversations.Outcome> afterPhrase(
            Db tx,
            Inbound in,
            byte[] hash,
            ResumeWords.Candidate phrase,
            Optional<ConversationStore.StoredConversation> current,
            PhraseStep.Used used,
            Touched touched) {
        if (used instanceof PhraseStep.Moved moved) {
            return Future.succeededFuture(moved.outcome());
        }
        if (used instanceof PhraseStep.NotHere) {
            return step(tx, in, current.orElseThrow(), touched);
        }
        Reply refusal = ((PhraseStep.Refused) used).reply();
        if (current.isPresent()) {
            return Future.succeededFuture(
                    new Conversations.Outcome(
                            current.get().id(), List.of(refusal), Optional.empty()));
        }
        return startNew(
                        tx,
                        in.channel(),
                        hash,
                        null,
                        phrase.language(),
                        in.address(),
                        in.spooled(),
                        touched)
                .map(
                        o -> {
                            List<Reply> replies = new ArrayList<>(List.of(refusal));
                            replies.addAll(o.replies());
                            return new Conversations.Outcome(
                                    o.conversationId(), replies, o.caseReference());
                        });
    }

    private String languageOf(Inbound in, ConversationStore.StoredConversation c) {
        return states.decrypt(c.id(), in.channel(), in.address(), c.state()).state().language();
    }

    private Future<Boolean> firstSeen(Db tx, Inbound in) {
        if (in.messageId().isEmpty()) {
            return Future.succeededFuture(true);
        }
        byte[] key =
                secrets.contactHash()
                        .hash(in.channel() + ":" + in.address() + "#" + in.messageId().get());
        return InboundSeen.firstSeen(tx, key);
    }

    private Future<Conversations.Outcome> queueReplies(
            Db tx,
            Inbound in,
            Conversations.Outcome outcome,
            Function<String, List<Reply>> notices) {
        if (!in.replyViaOutbox() || outcome.conversationId() == null || outcome.erased()) {
            return Future.succeededFuture(outcome);
        }
        // under duress only the decoy goes out: a notice that a file was kept gives Haven away
        List<Reply> queued =
                outcome.underDuress()
                        ? new ArrayList<>()
                        : new ArrayList<>(
                                notices.apply(
                                        outcome.replies().isEmpty()
                                                ? "en"
                                                : outcome.replies().get(0).language()));
        queued.addAll(outcome.replies());
        return outbox.enqueue(tx, outcome.conversationId(), in.channel(), in.address(), queued)
                .map(v -> outcome);
    }

    private Future<Conversations.Outcome> step(
            Db tx, Inbound in, ConversationStore.StoredConversation found, Touched touched) {
        UUID id = found.id();
        StateCipher.Stored stored = states.decrypt(id, in.channel(), in.address(), found.state());
        byte[] historyKey =
                stored.historyKey() != null || !historyChannels.contains(in.channel())
                        ? stored.historyKey()
                        : PersonHistory.newKey();
        String key = key(in.channel(), in.address());
        boolean late =
                in.spooled().isPresent() && spool.movedOn(key, stored.state(), in.spooled().get());
        Future<Turn> turned =
                late
                        ? Future.succeededFuture(
                                engine.late(
                                        stored.state(),
                                        in.spooled().get().question(),
                                        in.text(),
                                        clock.instant()))
                        : knownCodes(tx, in.text())
                                .map(
                                        known ->
                                                engine.step(
                                                        stored.state(),
                                                        in.text(),
                                                        clock.instant(),
                                                        known,
                                                        in.provinceHint()));
        return turned.compose(
                turn -> {
                    touched.committed.add(
                            () -> spool.committed(key, turn.state(), in.spooled(), late));
                    if (late) {
                        LOG.info("event=spooled_message_late conversation={}", id);
                    }
                    return step(tx, in, found, touched, id, stored, historyKey, turn);
                });
    }

    /**
     * The replies with the new case's reference where the intake names it ({@code {reference}}):
     * the engine says it before the case exists, and only the case store makes references.
     */
    static List<Reply> withReference(List<Reply> replies, Optional<IntakeCases.Created> created) {
        if (created.isEmpty()) {
            return replies;
        }
        String reference = created.get().reference();
        return replies.stream()
                .map(
                        r ->
                                r.text().contains("{reference}")
                                        ? new Reply(
                                                r.text().replace("{reference}", reference),
                                                r.options(),
                                                r.language(),
                                                r.rtl(),
                                                r.multiple())
                                        : r)
                .toList();
    }

    /**
     * The turn with the new case's reference in its replies, as its state keeps them to say again
     * when the person comes back (a reload): never the script's {@code {reference}}.
     */
    static Turn withReference(Turn turn, Optional<IntakeCases.Created> created) {
        return created.isEmpty()
                ? turn
                : new Turn(turn.state(), withReference(turn.replies(), created), turn.events());
    }

    /**
     * Stores the conversation's state after {@code turn} (the new case's reference in its replies),
     * encrypted; the new case, if there is one; and whether delivery is stopped (null: unchanged).
     */
    private Future<Void> saveState(
            Db tx,
            UUID id,
            String channel,
            String address,
            Turn turn,
            Optional<IntakeCases.Created> caseRef,
            byte[] historyKey,
            Boolean stopped) {
        return conversations.update(
                tx,
                id,
                states.encrypt(id, channel, address, withReference(turn, caseRef), historyKey),
                caseRef.map(IntakeCases.Created::id).orElse(null),
                stopped);
    }

    /**
     * Which referral codes agencies hold, as far as this message can name one (a lookup only when
     * it looks like a code).
     */
    private Future<Predicate<String>> knownCodes(Db tx, String text) {
        String code = text == null ? null : ReferralCode.normalise(text);
        if (code == null) {
            return Future.succeededFuture(c -> true);
        }
        return cases.referralCodeHeld(tx, code).map(held -> c -> held || !c.equals(code));
    }

    private Future<Conversations.Outcome> step(
            Db tx,
            Inbound in,
            ConversationStore.StoredConversation found,
            Touched touched,
            UUID id,
            StateCipher.Stored stored,
            byte[] historyKey,
            Turn turn) {
        boolean deleting = turn.events().stream().anyMatch(e -> e instanceof Event.DeleteRequested);
        boolean duress = turn.events().stream().anyMatch(e -> e instanceof Event.DuressTriggered);
        boolean underDuress = duress || turn.state().underDuress();
        Future<Void> told = Future.succeededFuture();
        if (deleting || duress) {
            for (Conversations.EraseListener listener : eraseListeners) {
                told = told.compose(v -> listener.beforeErase(tx, id, in.channel(), !deleting));
            }
        }
        return told.compose(
                        t ->
                                caseSteps.apply(
                                        tx,
                                        id,
                                        in.channel(),
                                        in.address(),
                                        found.caseId(),
                                        turn,
                                        touched))
                .compose(
                        caseRef ->
                                deleting || underDuress
                                        ? Future.succeededFuture(caseRef)
                                        : caseSteps
                                                .keepMedia(
                                                        tx,
                                                        id,
                                                        caseRef.map(IntakeCases.Created::id)
                                                                .orElse(found.caseId()),
                                                        in.media(),
                                                        touched)
                                                .map(caseRef))
                .compose(
                        caseRef -> {
                            if (deleting) {
                                LOG.info("event=conversation_deleted conversation={}", id);
                                return conversations
                                        .delete(tx, id)
                                        .map(
                                                v ->
                                                        new Conversations.Outcome(
                                                                id,
                                                                withReference(
                                                                        turn.replies(), caseRef),
                                                                caseRef.map(
                                                                        IntakeCases.Created
                                                                                ::reference),
                                                                false,
                                                                true));
                            }
                            return kept(
                                    tx,
                                    in,
                                    id,
                                    stored,
                                    historyKey,
                                    turn,
                                    caseRef,
                                    duress,
                                    underDuress);
                        });
    }

    /**
     * The end of a step that keeps its conversation: the replies (with a resume phrase where the
     * person asked for one, and the new case's reference), the person's own copy, and the new
     * state, encrypted.
     */
    private Future<Conversations.Outcome> kept(
            Db tx,
            Inbound in,
            UUID id,
            StateCipher.Stored stored,
            byte[] historyKey,
            Turn turn,
            Optional<IntakeCases.Created> caseRef,
            boolean duress,
            boolean underDuress) {
        return withPhrase(tx, id, in, turn, duress)
                .map(replies -> withoutErrorForMedia(in, turn, withReference(replies, caseRef)))
                .compose(
                        replies ->
                                copies.afterStep(
                                                tx,
                                                id,
                                                historyKey,
                                                stored.state(),
                                                in.text(),
                                                turn,
                                                replies,
                                                duress)
                                        .compose(
                                                v ->
                                                        saveState(
                                                                tx,
                                                                id,
                                                                in.channel(),
                                                                in.address(),
                                                                turn,
                                                                caseRef,
                                                                historyKey,
                                                                stopped(turn)))
                                        .map(
                                                v ->
                                                        new Conversations.Outcome(
                                                                id,
                                                                replies,
                                                                caseRef.map(
                                                                        IntakeCases.Created
                                                                                ::reference),
                                                                false,
                                                                false,
                                                                duress,
                                                                underDuress)));
    }

    /**
     * Whether delivery to the person is stopped after this turn: by their own STOP; un-stopped by
     * START or by any message while not opted out (a Telegram user who blocked the bot and
     * unblocked it); null, unchanged, otherwise.
     */
    private static Boolean stopped(Turn turn) {
        if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedOut)) {
            return true;
        }
        if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedIn)
                || !turn.state().optedOut()) {
            return false;
        }
        return null;
    }

    /**
     * A message that is only a file (a voice note, no words) is not a wrong answer: the channel
     * said the file was kept, and the question follows again without "I did not understand".
     */
    private List<Reply> withoutErrorForMedia(Inbound in, Turn turn, List<Reply> replies) {
        if (in.media().isEmpty() || !in.text().isBlank()) {
            return replies;
        }
        Optional<String> error =
                engine.messageIfDefined("error", turn.state().language()).map(Reply::text);
        return error.isEmpty()
                ? replies
                : replies.stream().filter(r -> !r.text().equals(error.get())).toList();
    }

    /**
     * The step's replies, with a new resume phrase: after the hand-off's own words, or first when
     * the person asked for it (the question they are at follows). Never under duress.
     */
    private Future<List<Reply>> withPhrase(Db tx, UUID id, Inbound in, Turn turn, boolean duress) {
        boolean handedOff =
                turn.events().stream().anyMatch(e -> e instanceof Event.IntakeCompleted);
        boolean asked = turn.events().stream().anyMatch(e -> e instanceof Event.PhraseRequested);
        if (duress
                || turn.state().phase() == ConversationState.Phase.DURESS
                || !(handedOff || asked)) {
            return Future.succeededFuture(turn.replies());
        }
        return phrases.issue(tx, id, in.channel(), in.address(), turn.state().language())
                .map(
                        phrase -> {
                            List<Reply> all = new ArrayList<>(turn.replies());
                            if (asked && !handedOff) {
                                all.add(0, phrase);
                            } else {
                                all.add(phrase);
                            }
                            return all;
                        });
    }

    /**
     * Adds a coordinator's reply, about to be shown on the person's page, to their own copy of the
     * conversation; false when {@code address} no longer holds that conversation.
     */
    Future<Boolean> remember(
            String channel, String address, UUID conversationId, HistoryItem item) {
        return copies.remember(
                channel, address, contactHash(channel, address), conversationId, item);
    }

    /** The person's own copy of their conversation since hand-off; empty when there is none. */
    Future<List<HistoryItem>> history(String channel, String address) {
        return copies.read(channel, address, contactHash(channel, address));
    }

    /**
     * A message as it goes into the spool: when it arrived, the question its conversation was at,
     * its place in the run.
     */
    Inbound spooling(Inbound in, long nowMillis) {
        return spool.spooling(key(in.channel(), in.address()), in, nowMillis);
    }

    private String key(String channel, String address) {
        return HexFormat.of().formatHex(contactHash(channel, address));
    }

    /**
     * A new conversation; its first message (SMS "STOP", Telegram "/start", "aide") shapes the
     * opening, or without one the language the person's device prefers.
     */
    private Future<Conversations.Outcome> startNew(
            Db tx,
            String channel,
            byte[] hash,
            String firstMessage,
            String language,
            String address,
            Optional<Inbound.Spooled> spooled,
            Touched touched) {
        UUID id = UUID.randomUUID();
        Turn turn =
                firstMessage == null
                        ? engine.start(channel, language, clock.instant())
                        : engine.open(channel, firstMessage, clock.instant());
        touched.committed.add(
                () -> spool.committed(key(channel, address), turn.state(), spooled, false));
        byte[] historyKey = historyChannels.contains(channel) ? PersonHistory.newKey() : null;
        byte[] state = states.encrypt(id, channel, address, turn, historyKey);
        return conversations
                .insert(tx, id, channel, hash, state)
                .compose(
                        inserted -> {
                            if (!inserted) {
                                return Future.failedFuture(
                                        new IllegalStateException(
                                                "conversation created concurrently"));
                            }
                            LOG.info(
                                    "event=conversation_started conversation={} channel={}",
                                    id,
                                    channel);
                            return caseSteps.apply(tx, id, channel, address, null, turn, touched);
                        })
                .compose(
                        caseRef -> {
                            Future<Void> after = Future.succeededFuture();
                            if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedOut)) {
                                after = conversations.setStopped(tx, id, true);
                            }
                            if (caseRef.isPresent()) {
                                after =
                                        after.compose(
                                                v ->
                                                        saveState(
                                                                tx,
                                                                id,
                                                                channel,
                                                                address,
                                                                turn,
                                                                caseRef,
                                                                historyKey,
                                                                null));
                            }
                            return after.map(
                                    v ->
                                            new Conversations.Outcome(
                                                    id,
                                                    withReference(turn.replies(), caseRef),
                                                    caseRef.map(IntakeCases.Created::reference)));
                        });
    }

    private byte[] contactHash(String channel, String address) {
        return secrets.contactHash().hash(channel + ":" + address);
    }
}
