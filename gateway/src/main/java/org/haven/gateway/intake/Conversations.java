package org.haven.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.haven.bot.ConversationState;
import org.haven.bot.Engine;
import org.haven.bot.Event;
import org.haven.bot.IntakeResult;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.haven.bot.Turn;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AgencyRecipient;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.store.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one dialogue step for a message from any channel, in one database transaction: find the
 * conversation by the keyed hash of its contact address and lock it, decrypt its state, let the
 * engine answer, act on what the engine reports (a finished intake becomes a queued case whose
 * answers are sealed to the team key, and to the referring agency's key when the client consented
 * to share with it), and store the new state encrypted again.
 */
public final class Conversations {
    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);
    private static final char[] REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /**
     * What a step produced for the channel to send back.
     *
     * @param erased the person asked to delete the conversation and it is gone: its replies could
     *     not be queued in the outbox (there is no conversation left to queue them to), so a channel
     *     that replies via the outbox sends these replies itself
     */
    public record Outcome(UUID conversationId, List<Reply> replies, Optional<String> caseReference, boolean duplicate,
                          boolean erased) {
        public Outcome(UUID conversationId, List<Reply> replies, Optional<String> caseReference, boolean duplicate) {
            this(conversationId, replies, caseReference, duplicate, false);
        }

        Outcome(UUID conversationId, List<Reply> replies, Optional<String> caseReference) {
            this(conversationId, replies, caseReference, false, false);
        }
    }

    /**
     * Told inside a step's transaction when a person erases their conversation (DELETE) or says
     * the duress word, before anything is deleted: the conversation's outbox rows (and their
     * {@code provider_id}s) are still there, so a channel can collect the provider's message ids
     * and remove the sent messages from the person's device where the provider allows it.
     */
    public interface EraseListener {
        /**
         * @param tx the step's transaction (read only what you need; the step commits or rolls back after)
         * @param conversationId the conversation being erased or put under duress
         * @param channel its channel name (listeners ignore other channels)
         * @param duress true for the duress word (the conversation stays), false for DELETE (it is deleted)
         */
        Future<Void> beforeErase(SqlConnection tx, UUID conversationId, String channel, boolean duress);
    }

    private final List<EraseListener> eraseListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Pool pool;
    private volatile Engine engine;
    private final ServerSecrets secrets;
    private final TeamKeys teamKeys;
    private final ConversationStore conversations = new ConversationStore();
    private final CaseStore cases;
    private final Clock clock;
    private final Outbox outbox;
    private volatile CaseEvents events = CaseEvents.NONE;
    private volatile Spool spool;
    private volatile HavenMetrics metrics = HavenMetrics.NONE;
    private final SecureRandom random = new SecureRandom();

    public Conversations(Pool pool, Engine engine, ServerSecrets secrets, TeamKeys teamKeys, CaseStore cases, Outbox outbox,
                         Clock clock) {
        this.pool = pool;
        this.outbox = outbox;
        this.engine = engine;
        this.secrets = secrets;
        this.teamKeys = teamKeys;
        this.cases = cases;
        this.clock = clock;
    }

    /** Runs the dialogue with another engine from now on (an administrator uploaded a script). */
    public void useEngine(Engine engine) {
        this.engine = engine;
    }

    /** Where to count messages and time dialogue steps. */
    public void metrics(HavenMetrics metrics) {
        this.metrics = metrics;
    }

    /** Who to tell after a commit that a case appeared or changed. */
    public void events(CaseEvents events) {
        this.events = events;
    }

    /** What one step did to cases, published after its commit. */
    private static final class Touched {
        final List<String[]> items = new ArrayList<>();

        void add(String kind, UUID caseId) {
            items.add(new String[] {kind, caseId.toString()});
        }
    }

    private void publish(Touched touched) {
        touched.items.forEach(i -> events.publish(i[0], UUID.fromString(i[1])));
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
        return open(channel, contactAddress, true).map(Optional::orElseThrow);
    }

    /**
     * Resumes the conversation of a known contact, showing the last replies again; empty when
     * there is none (it was deleted, or never existed).
     */
    public Future<Optional<Outcome>> resume(String channel, String contactAddress) {
        return open(channel, contactAddress, false);
    }

    private Future<Optional<Outcome>> open(String channel, String contactAddress, boolean create) {
        byte[] hash = contactHash(channel, contactAddress);
        return Transactions.run(pool, tx -> conversations.lockByContact(tx, channel, hash).compose(found -> {
            if (found.isPresent()) {
                Stored s = decrypt(found.get().id(), found.get().state());
                return Future.succeededFuture(Optional.of(new Outcome(found.get().id(), s.lastReplies(), Optional.empty())));
            }
            return create ? startNew(tx, channel, hash, null, new Touched()).map(Optional::of)
                    : Future.succeededFuture(Optional.<Outcome>empty());
        }));
    }

    /**
     * Handles one message from a contact: a dialogue step, or the start of a new conversation.
     * A message whose id was seen before (a provider's retry, a client's resend after a lost
     * acknowledgement) is not applied again and yields a duplicate outcome without replies.
     */
    public Future<Outcome> receive(Inbound in) {
        return receive(in, language -> List.of());
    }

    /**
     * Like {@link #receive(Inbound)}, and for a channel that replies via the outbox also queues
     * the channel's own notices (an MMS was not read, say) ahead of the dialogue's replies, in the
     * same transaction. {@code notices} gets the language of the dialogue's first reply.
     */
    public Future<Outcome> receive(Inbound in, java.util.function.Function<String, List<Reply>> notices) {
        Spool s = spool;
        if (s == null) {
            return receiveNow(in, notices);
        }
        if (s.pending() > 0) {
            // Keep arrival order: while anything waits in the spool, new messages queue behind it.
            return spoolIt(s, in);
        }
        return receiveNow(in, notices).recover(err -> DatabaseUnavailable.is(err) ? spoolIt(s, in) : Future.failedFuture(err));
    }

    private Future<Outcome> spoolIt(Spool s, Inbound in) {
        try {
            s.append(in);
            LOG.warn("event=inbound_spooled channel={} pending={}", in.channel(), s.pending());
            return Future.succeededFuture(new Outcome(null, List.of(), Optional.empty(), false, false));
        } catch (java.io.IOException e) {
            LOG.error("event=spool_failed kind={}", e.getClass().getSimpleName());
            return Future.failedFuture(e);
        }
    }

    /** Keeps acknowledged messages on local disk while the database is unreachable. */
    public void spool(Spool spool, io.vertx.core.Vertx vertx) {
        this.spool = spool;
        this.replayVertx = vertx;
        this.replayTimer = vertx.setPeriodic(1000, id -> replay());
    }

    private io.vertx.core.Vertx replayVertx;
    private long replayTimer = -1;
    private io.vertx.core.Promise<Void> replayStopped;

    /**
     * Stops replaying the spool; completes once a replay in flight has finished (what it did not
     * replay stays in the spool for the next start).
     */
    public synchronized Future<Void> stopReplay() {
        if (replayTimer >= 0) {
            replayVertx.cancelTimer(replayTimer);
            replayTimer = -1;
        }
        replayStopped = io.vertx.core.Promise.promise();
        if (!replaying) {
            replayStopped.complete();
        }
        return replayStopped.future();
    }

    /** How many messages wait in the spool (0 without one). */
    public int spooled() {
        Spool s = spool;
        return s == null ? 0 : s.pending();
    }

    private boolean replaying;

    /** Replays spooled messages in order, stopping at the first that the database still refuses. */
    private synchronized void replay() {
        Spool s = spool;
        if (s == null || s.pending() == 0 || replaying || replayStopped != null) {
            return;
        }
        List<Inbound> waiting;
        try {
            waiting = s.read();
        } catch (java.io.IOException e) {
            LOG.error("event=spool_unreadable kind={}", e.getClass().getSimpleName());
            return;
        }
        replaying = true;
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        Future<Void> chain = Future.succeededFuture();
        for (Inbound in : waiting) {
            // Replies of a replayed message always go through the outbox (the web chat's socket may be gone).
            Inbound replayed = new Inbound(in.channel(), in.address(), in.text(), in.messageId(), true);
            chain = chain.compose(v -> receiveNow(replayed, language -> List.of()).map(o -> {
                done.incrementAndGet();
                return null;
            }));
        }
        chain.onComplete(ar -> finishReplay(s, done.get()));
    }

    private void finishReplay(Spool s, int done) {
        try {
            if (done > 0) {
                s.dropFirst(done);
                LOG.info("event=spool_replayed count={} pending={}", done, s.pending());
            }
        } catch (java.io.IOException e) {
            LOG.error("event=spool_trim_failed kind={}", e.getClass().getSimpleName());
        } finally {
            synchronized (this) {
                replaying = false;
                if (replayStopped != null) {
                    replayStopped.tryComplete();
                }
            }
        }
        if (done > 0 && s.pending() > 0) {
            // Messages that came in during the replay queued behind it: replay them at once rather than on
            // the next tick, or under steady traffic the spool never empties and everything keeps going through it.
            replayVertx.runOnContext(v -> replay());
        }
    }

    private Future<Outcome> receiveNow(Inbound in, java.util.function.Function<String, List<Reply>> notices) {
        byte[] hash = contactHash(in.channel(), in.address());
        Touched touched = new Touched();
        HavenMetrics m = metrics;
        m.messageIn(in.channel());
        io.micrometer.core.instrument.Timer.Sample timing = m.startStep();
        Future<Outcome> step = Transactions.run(pool, tx -> {
            // sent together with BEGIN: the de-duplication insert and the lookup (a duplicate then
            // locks its conversation until the commit, and changes nothing)
            Future<Boolean> seen = firstSeen(tx, in);
            Future<Optional<ConversationStore.StoredConversation>> lookup = conversations.lockByContact(tx, in.channel(), hash);
            return Future.all(seen, lookup).compose(both -> {
                if (!seen.result()) {
                    return Future.succeededFuture(new Outcome(null, List.of(), Optional.empty(), true));
                }
                Optional<ConversationStore.StoredConversation> found = lookup.result();
                if (found.isEmpty()) {
                    return startNew(tx, in.channel(), hash, in.text(), touched).compose(o -> afterStep(tx, in, o, true, notices));
                }
                return step(tx, in, found.get(), touched).compose(o -> afterStep(tx, in, o, false, notices));
            });
        });
        return step.onComplete(ar -> m.endStep(timing, in.channel(), ar.succeeded())).onSuccess(o -> {
            publish(touched);
            if (in.replyViaOutbox() && !o.duplicate()) {
                outbox.wake();
            }
        });
    }

    private Future<Boolean> firstSeen(SqlConnection tx, Inbound in) {
        if (in.messageId().isEmpty()) {
            return Future.succeededFuture(true);
        }
        byte[] key = secrets.contactHash().hash(in.channel() + ":" + in.address() + "#" + in.messageId().get());
        return tx.preparedQuery("INSERT INTO inbound_seen (message_key) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(io.vertx.sqlclient.Tuple.of(io.vertx.core.buffer.Buffer.buffer(key)))
                .map(rs -> rs.rowCount() == 1);
    }

    private Future<Outcome> afterStep(SqlConnection tx, Inbound in, Outcome outcome, boolean created,
                                      java.util.function.Function<String, List<Reply>> notices) {
        if (!in.replyViaOutbox() || outcome.conversationId() == null || outcome.erased()) {
            return Future.succeededFuture(outcome);
        }
        Future<Void> address = created ? conversations.setAddress(tx, outcome.conversationId(), encryptAddress(
                outcome.conversationId(), in.address())) : Future.succeededFuture();
        List<Reply> queued = new ArrayList<>(notices.apply(
                outcome.replies().isEmpty() ? "en" : outcome.replies().get(0).language()));
        queued.addAll(outcome.replies());
        return address.compose(v -> outbox.enqueue(tx, outcome.conversationId(), in.channel(), queued))
                .map(v -> outcome);
    }

    private Future<Outcome> step(SqlConnection tx, Inbound in, ConversationStore.StoredConversation found, Touched touched) {
        UUID id = found.id();
        Stored stored = decrypt(id, found.state());
        Turn turn = engine.step(stored.state(), in.text(), clock.instant());
        boolean deleting = turn.events().stream().anyMatch(e -> e instanceof Event.DeleteRequested);
        boolean duress = turn.events().stream().anyMatch(e -> e instanceof Event.DuressTriggered);
        Future<Void> told = Future.succeededFuture();
        if (deleting || duress) {
            for (EraseListener listener : eraseListeners) {
                told = told.compose(v -> listener.beforeErase(tx, id, in.channel(), !deleting));
            }
        }
        return told.compose(t -> applyEvents(tx, id, in.channel(), found.caseId(), turn, touched)).compose(caseRef -> {
            if (deleting) {
                LOG.info("event=conversation_deleted conversation={}", id);
                return conversations.delete(tx, id).map(v -> new Outcome(id, turn.replies(),
                        caseRef.map(CaseRef::reference), false, true));
            }
            Boolean stopped = null;
            if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedOut)) {
                stopped = true;
            } else if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedIn)
                    || turn.state().phase() != org.haven.bot.ConversationState.Phase.OPTED_OUT) {
                // A person who writes again un-stops delivery the provider had stopped (a Telegram
                // user who blocked the bot and unblocked it); only their own STOP keeps it stopped.
                stopped = false;
            }
            UUID caseId = caseRef.map(CaseRef::id).orElse(null);
            return conversations.update(tx, id, encrypt(id, turn), caseId, stopped)
                    .map(v -> new Outcome(id, turn.replies(), caseRef.map(CaseRef::reference)));
        });
    }

    private byte[] encryptAddress(UUID conversationId, String address) {
        try {
            return keyring().encrypt(address.getBytes(StandardCharsets.UTF_8), Outbox.aad("address", conversationId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("address encryption failed", e);
        }
    }

    /** A new conversation; its first message (SMS "STOP", Telegram "/start", "aide") shapes the opening. */
    private Future<Outcome> startNew(SqlConnection tx, String channel, byte[] hash, String firstMessage, Touched touched) {
        UUID id = UUID.randomUUID();
        Turn turn = firstMessage == null ? engine.start(channel, clock.instant()) : engine.open(channel, firstMessage, clock.instant());
        byte[] state = encrypt(id, turn);
        return conversations.insert(tx, id, channel, hash, state).compose(inserted -> {
            if (!inserted) {
                return Future.failedFuture(new IllegalStateException("conversation created concurrently"));
            }
            LOG.info("event=conversation_started conversation={} channel={}", id, channel);
            return applyEvents(tx, id, channel, null, turn, touched);
        }).compose(caseRef -> {
            Future<Void> after = Future.succeededFuture();
            if (turn.events().stream().anyMatch(e -> e instanceof Event.OptedOut)) {
                after = conversations.setStopped(tx, id, true);
            }
            if (caseRef.isPresent()) {
                after = after.compose(v -> conversations.update(tx, id, state, caseRef.get().id()));
            }
            return after.map(v -> new Outcome(id, turn.replies(), caseRef.map(CaseRef::reference)));
        });
    }

    private record CaseRef(UUID id, String reference) {
    }

    private Future<Optional<CaseRef>> applyEvents(SqlConnection tx, UUID conversationId, String channel, UUID existingCase,
                                                 Turn turn, Touched touched) {
        Future<Optional<CaseRef>> result = Future.succeededFuture(Optional.empty());
        for (Event event : turn.events()) {
            if (event instanceof Event.IntakeCompleted completed) {
                result = result.compose(prev -> createCase(tx, conversationId, channel, completed.result()).map(ref -> {
                    touched.add("case_new", ref.id());
                    return Optional.of(ref);
                }));
            } else if (event instanceof Event.MessageForCoordinator message && existingCase != null) {
                touched.add("message_new", existingCase);
                result = result.compose(prev -> appendMessage(tx, existingCase, message.text())
                        .compose(v -> cases.personWrote(tx, existingCase)).map(prev));
            } else if (event instanceof Event.DuressTriggered && existingCase != null) {
                result = result.compose(prev -> cases.flag(tx, existingCase).map(prev));
            } else if (event instanceof Event.DeleteRequested && existingCase != null) {
                LOG.info("event=case_deleted_by_person case={}", existingCase);
                touched.add("case_deleted", existingCase);
                result = result.compose(prev -> cases.delete(tx, existingCase)
                        .compose(v -> new AuditLog(tx, secrets.auditKey()).record("person", "case_deleted_by_person", existingCase)).map(prev));
            } else {
                LOG.info("event=dialogue_event conversation={} kind={}", conversationId, event.getClass().getSimpleName());
            }
        }
        return result;
    }

    private Future<CaseRef> createCase(SqlConnection tx, UUID conversationId, String channel, IntakeResult result) {
        UUID caseId = UUID.randomUUID();
        String reference = newReference();
        String referralCode = result.answer("referral_code").orElse(null);
        JsonObject doc = new JsonObject().put("language", result.language());
        JsonArray answers = new JsonArray();
        result.answers().forEach(a -> answers.add(new JsonObject().put("id", a.questionId()).put("question", a.question())
                .put("answer", a.answer())));
        doc.put("answers", answers).put("referrals", new JsonArray(new ArrayList<>(result.referralSuggestions())));
        return cases.agencyByReferralCode(tx, referralCode).compose(agency -> {
            List<String> share = agency == null ? List.of() : agencyShare(result);
            String agencyKeyId = agency != null && agency.keyId() != null && !share.isEmpty() ? agency.keyId() : null;
            EntrySealing.Sealed sealed = seal(caseId, 1, "answers", doc.encode(), answersRecipients(agency, agencyKeyId != null));
            return cases.insert(tx, CaseSummary.queued(caseId, reference, channel, result.language(),
                            result.triage().name(), result.priority(), result.workingGroup(),
                            result.triage() == org.haven.bot.Triage.URGENT, agency == null ? null : agency.agencyId(), share),
                            conversationId, result.duress(), agencyKeyId)
                    .compose(v -> cases.appendEntry(tx, caseId, "answers", sealed.ciphertext(), sealed.sealedKeys(), 1))
                    .map(v -> agencyKeyId != null);
        }).compose(shared -> new AuditLog(tx, secrets.auditKey()).record("system:intake", "case_created", caseId).map(shared))
                .map(shared -> {
                    LOG.info("event=case_queued case={} channel={} triage={} shared_with_agency={}", caseId, channel,
                            result.triage(), shared);
                    return new CaseRef(caseId, reference);
                });
    }

    /**
     * What the referring agency may be told of the case: what the worker chose in
     * share_with_agency ("nothing" aside) when the client consented, else nothing. When it is
     * anything, the answers are also sealed to the agency's key (if it has one); later entries
     * stay team-only.
     */
    private static List<String> agencyShare(IntakeResult result) {
        if (!result.chosen("client_consent").equals(List.of("yes"))) {
            return List.of();
        }
        return result.chosen("share_with_agency").stream().filter(CaseSummary.SHARE_KINDS::contains).distinct().toList();
    }

    /** The team key, and the agency's key when {@code shared}: the answers' explicit recipients. */
    private List<RecipientPublicKey> answersRecipients(AgencyRecipient agency, boolean shared) {
        List<RecipientPublicKey> team = teamKeys.recipients();
        if (!shared) {
            return team;
        }
        try {
            List<RecipientPublicKey> both = new ArrayList<>(team);
            both.add(RecipientPublicKey.fromBytes(agency.publicKey()));
            return both;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("agency public key unusable: agency=" + agency.agencyId(), e);
        }
    }

    private Future<Void> appendMessage(SqlConnection tx, UUID caseId, String text) {
        return cases.nextSeq(tx, caseId).compose(seq -> {
            EntrySealing.Sealed sealed = seal(caseId, seq, "message_in", new JsonObject().put("text", text).encode());
            return cases.appendEntry(tx, caseId, "message_in", sealed.ciphertext(), sealed.sealedKeys(), seq);
        }).mapEmpty();
    }

    private EntrySealing.Sealed seal(UUID caseId, int seq, String kind, String json) {
        return seal(caseId, seq, kind, json, teamKeys.recipients());
    }

    private EntrySealing.Sealed seal(UUID caseId, int seq, String kind, String json, List<RecipientPublicKey> recipients) {
        try {
            return EntrySealing.seal(caseId, seq, kind, json.getBytes(StandardCharsets.UTF_8), recipients);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** Conversation state at rest: the engine state plus the last replies, to show again on resume. */
    private record Stored(ConversationState state, List<Reply> lastReplies) {
    }

    private byte[] encrypt(UUID id, Turn turn) {
        JsonArray replies = new JsonArray();
        for (Reply r : turn.replies()) {
            JsonArray options = new JsonArray();
            r.options().forEach(o -> options.add(new JsonObject().put("v", o.value()).put("l", o.label())));
            replies.add(new JsonObject().put("t", r.text()).put("o", options).put("lang", r.language()).put("rtl", r.rtl()));
        }
        JsonObject doc = new JsonObject().put("s", Base64.getEncoder().encodeToString(turn.state().toBytes())).put("r", replies);
        try {
            return keyring().encrypt(doc.encode().getBytes(StandardCharsets.UTF_8), aad(id));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state encryption failed", e);
        }
    }

    private Stored decrypt(UUID id, byte[] ciphertext) {
        try {
            JsonObject doc = new JsonObject(new String(keyring().decrypt(ciphertext, aad(id)), StandardCharsets.UTF_8));
            ConversationState state = ConversationState.fromBytes(Base64.getDecoder().decode(doc.getString("s")));
            List<Reply> replies = new ArrayList<>();
            for (Object o : doc.getJsonArray("r")) {
                JsonObject r = (JsonObject) o;
                List<Option> options = new ArrayList<>();
                for (Object p : r.getJsonArray("o")) {
                    JsonObject op = (JsonObject) p;
                    options.add(new Option(op.getString("v"), op.getString("l")));
                }
                replies.add(new Reply(r.getString("t"), options, r.getString("lang"), r.getBoolean("rtl")));
            }
            return new Stored(state, replies);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state decryption failed", e);
        }
    }

    private ServerKeyring keyring() {
        return secrets.keyring();
    }

    private static byte[] aad(UUID conversationId) {
        return ("haven/conversation/" + conversationId).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] contactHash(String channel, String address) {
        return secrets.contactHash().hash(channel + ":" + address);
    }

    private String newReference() {
        StringBuilder sb = new StringBuilder("HV-");
        for (int i = 0; i < 6; i++) {
            sb.append(REF_ALPHABET[random.nextInt(REF_ALPHABET.length)]);
        }
        return sb.toString();
    }
}
