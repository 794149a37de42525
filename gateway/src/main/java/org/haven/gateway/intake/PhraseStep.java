package org.haven.gateway.intake;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.haven.bot.Engine;
import org.haven.bot.Reply;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.resume.PhraseKeys;
import org.haven.gateway.resume.PhrasePool;
import org.haven.gateway.resume.ResumeWords;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.PhraseAttemptStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resume phrases in a dialogue step: giving a conversation its phrase, and moving it to the channel
 * and address where the person wrote the phrase. The phrase itself is never stored; {@link
 * PhraseKeys} says what is.
 */
final class PhraseStep {
    private static final Logger LOG = LoggerFactory.getLogger(PhraseStep.class);

    /** Wrong phrases allowed per writer (channel and address) per hour. */
    static final int WRONG_PER_HOUR = 5;

    /** What a written phrase did. */
    sealed interface Used {}

    /** The conversation moved here; its replies say so. */
    record Moved(Conversations.Outcome outcome) implements Used {}

    /**
     * Nothing moved: the writer's own conversation answers with {@code reply} (or a new one begins
     * with it).
     */
    record Refused(Reply reply) implements Used {}

    /** The phrase belongs to another case than the writer's own: handled as an ordinary message. */
    record NotHere() implements Used {}

    private final ResumeWords words;
    private final ServerSecrets secrets;
    private final StateCipher states;
    private final ConversationStore conversations;
    private final CaseStore cases;
    private final CaseEntries entries;
    private final Outbox outbox;
    private final Supplier<Engine> engine;
    private final PhraseAttemptStore attempts = new PhraseAttemptStore();
    private volatile PhrasePool pool;

    PhraseStep(
            ResumeWords words,
            ServerSecrets secrets,
            StateCipher states,
            ConversationStore conversations,
            CaseStore cases,
            CaseEntries entries,
            Outbox outbox,
            Supplier<Engine> engine) {
        this.words = words;
        this.secrets = secrets;
        this.states = states;
        this.conversations = conversations;
        this.cases = cases;
        this.entries = entries;
        this.outbox = outbox;
        this.engine = engine;
        this.pool = new PhrasePool(words, secrets.contactHash(), 0);
    }

    /** Where new phrases come from from now on: prepared ahead, {@code size} per language. */
    PhrasePool prepare(int size, BooleanSupplier busy) {
        PhrasePool old = pool;
        pool = new PhrasePool(words, secrets.contactHash(), size, busy);
        old.close();
        return pool;
    }

    /** The phrase in a message, when it is one. */
    Optional<ResumeWords.Candidate> parse(String text) {
        return words.parse(text);
    }

    /** The keys of a phrase; Argon2id runs on a worker thread, not the event loop. */
    static Future<PhraseKeys> derive(String canonical, ServerSecrets secrets) {
        return offTheLoop(() -> PhraseKeys.derive(canonical, secrets.contactHash()));
    }

    /** Slow work on a worker thread when called on a Vert.x context, else on the caller's. */
    private static <T> Future<T> offTheLoop(Callable<T> work) {
        Context context = Vertx.currentContext();
        if (context == null) {
            try {
                return Future.succeededFuture(work.call());
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
        }
        return context.executeBlocking(work, false);
    }

    /** Whether the writer at {@code channel:address} may try another phrase now. */
    Future<Boolean> mayTry(Db tx, String channel, String address) {
        return attempts.lastHour(tx, writer(channel, address)).map(n -> n < WRONG_PER_HOUR);
    }

    /**
     * Gives a conversation a new phrase (any earlier one stops working), and returns the reply that
     * tells it, in {@code language}.
     */
    Future<Reply> issue(Db tx, UUID id, String channel, String address, String language) {
        PhrasePool from = pool;
        Future<PhrasePool.Prepared> next =
                from.take(language)
                        .map(Future::succeededFuture)
                        .orElseGet(() -> offTheLoop(() -> from.derive(language)));
        return next.compose(
                        prepared -> {
                            PhraseKeys keys = prepared.keys();
                            byte[] stateKey = states.keyBytes(channel, address);
                            byte[] box;
                            try {
                                box = keys.seal(id, stateKey);
                            } finally {
                                Arrays.fill(stateKey, (byte) 0);
                            }
                            return conversations
                                    .setPhrase(tx, id, keys.lookup(), box)
                                    .map(prepared.phrase());
                        })
                .map(
                        phrase -> {
                            LOG.info("event=resume_phrase_issued conversation={}", id);
                            Reply r = engine.get().message("phrase_given", language);
                            return new Reply(
                                    r.text().replace("{phrase}", phrase),
                                    List.of(),
                                    r.language(),
                                    r.rtl());
                        });
    }

    /**
     * The person at {@code in}'s address wrote a phrase: the conversation it belongs to moves here,
     * unless the phrase is wrong (counted against the writer), the writer tried too often, or the
     * writer's own conversation already is a case of its own.
     *
     * @param current the writer's own conversation here, locked, if any
     * @param language the language to refuse in
     */
    Future<Used> use(
            Db tx,
            Inbound in,
            byte[] contactHash,
            Optional<ConversationStore.StoredConversation> current,
            PhraseKeys keys,
            String language,
            DialogueStep.Touched touched) {
        return conversations
                .lockByPhrase(tx, keys.lookup())
                .compose(
                        found -> {
                            if (found.isEmpty()) {
                                LOG.info("event=resume_phrase_unknown channel={}", in.channel());
                                return attempts.failed(tx, writer(in.channel(), in.address()))
                                        .map(
                                                v ->
                                                        new Refused(
                                                                engine.get()
                                                                        .message(
                                                                                "phrase_unknown",
                                                                                language)));
                            }
                            ConversationStore.PhraseHolder holder = found.get();
                            if (current.isPresent() && current.get().id().equals(holder.id())) {
                                Engine e = engine.get();
                                return Future.succeededFuture(
                                        new Moved(
                                                new Conversations.Outcome(
                                                        holder.id(),
                                                        List.of(
                                                                e.message(
                                                                        "phrase_welcome",
                                                                        language)),
                                                        Optional.empty())));
                            }
                            if (current.isPresent() && current.get().caseId() != null) {
                                return Future.succeededFuture(new NotHere());
                            }
                            return move(tx, in, contactHash, current, holder, keys, touched)
                                    .map(o -> (Used) new Moved(o));
                        });
    }

    private Future<Conversations.Outcome> move(
            Db tx,
            Inbound in,
            byte[] contactHash,
            Optional<ConversationStore.StoredConversation> current,
            ConversationStore.PhraseHolder holder,
            PhraseKeys keys,
            DialogueStep.Touched touched) {
        byte[] oldKey;
        try {
            oldKey = keys.open(holder.id(), holder.box());
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(
                    new IllegalStateException("resume phrase box does not open", e));
        }
        byte[] newKey = states.keyBytes(in.channel(), in.address());
        byte[] state = states.rekey(holder.id(), oldKey, newKey, holder.state());
        byte[] box = keys.seal(holder.id(), newKey);
        StateCipher.Stored moved = states.decrypt(holder.id(), newKey, state);
        Arrays.fill(oldKey, (byte) 0);
        Arrays.fill(newKey, (byte) 0);
        // the writer's own, fresh conversation here (a new tab's first question) gives way
        Future<Void> cleared =
                current.map(c -> conversations.delete(tx, c.id())).orElse(Future.succeededFuture());
        UUID caseId = holder.caseId();
        Future<Void> done =
                cleared.compose(
                        v ->
                                conversations.move(
                                        tx, holder.id(), in.channel(), contactHash, state, box));
        if (caseId != null) {
            boolean addressed = outbox.addresses(in.channel());
            done =
                    done.compose(v -> cases.moveChannel(tx, caseId, in.channel()))
                            .compose(
                                    v ->
                                            addressed
                                                    ? entries.append(
                                                                    tx,
                                                                    caseId,
                                                                    EntryKind.CONTACT,
                                                                    new JsonObject()
                                                                            .put(
                                                                                    "channel",
                                                                                    in.channel())
                                                                            .put(
                                                                                    "address",
                                                                                    in.address()),
                                                                    null)
                                                            .mapEmpty()
                                                    : Future.<Void>succeededFuture())
                            .compose(
                                    v ->
                                            new AuditLog(tx, secrets.auditKey())
                                                    .record(
                                                            "person",
                                                            "conversation_resumed",
                                                            caseId));
            touched.add("case_changed", caseId);
        }
        done =
                done.compose(
                        v ->
                                outbox.redirect(
                                        tx,
                                        holder.id(),
                                        in.channel(),
                                        outbox.addresses(in.channel()) ? in.address() : null));
        LOG.info(
                "event=conversation_resumed conversation={} channel={}", holder.id(), in.channel());
        String language = moved.state().language();
        List<Reply> replies = new ArrayList<>();
        replies.add(engine.get().message("phrase_welcome", language));
        if (!moved.state().handedOff()) {
            replies.addAll(moved.lastReplies()); // where the intake was
        }
        return done.map(v -> new Conversations.Outcome(holder.id(), replies, Optional.empty()));
    }

    private byte[] writer(String channel, String address) {
        return secrets.contactHash().hash("phrase-attempt|" + channel + ":" + address);
    }
}
