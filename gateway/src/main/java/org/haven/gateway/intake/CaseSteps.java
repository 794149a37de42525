package org.haven.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.haven.bot.Event;
import org.haven.bot.Turn;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.cases.Attachment;
import org.haven.gateway.cases.CaseAttachments;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.cases.IntakeCases;
import org.haven.gateway.intake.DialogueStep.Touched;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a dialogue step does to cases, inside its transaction: the events of the engine's turn (a
 * finished intake, a later message, a request for a person, the duress word, a deletion) and the
 * files the message brought. Each change is noted in {@link Touched}, for the open inboxes to hear
 * of after the commit; entries are sealed by {@link CaseEntries}, the only writer of case entries.
 */
final class CaseSteps {
    private static final Logger LOG = LoggerFactory.getLogger(CaseSteps.class);

    private final CaseStore cases;
    private final CaseEntries entries;
    private final IntakeCases intakeCases;
    private final CaseAttachments attachments;
    private final Outbox outbox;
    private final KeyedHash auditKey;

    CaseSteps(
            CaseStore cases,
            CaseEntries entries,
            IntakeCases intakeCases,
            CaseAttachments attachments,
            Outbox outbox,
            KeyedHash auditKey) {
        this.cases = cases;
        this.entries = entries;
        this.intakeCases = intakeCases;
        this.attachments = attachments;
        this.outbox = outbox;
        this.auditKey = auditKey;
    }

    /**
     * Acts on what the engine reported of a turn: a finished intake becomes a queued case (with the
     * contact address where the outbox must keep one); a later message, a request for a person, the
     * duress word and a deletion change the conversation's case ({@code existingCase}).
     */
    Future<Optional<IntakeCases.Created>> apply(
            Db tx,
            UUID conversationId,
            String channel,
            String address,
            UUID existingCase,
            Turn turn,
            Touched touched) {
        Future<Optional<IntakeCases.Created>> result = Future.succeededFuture(Optional.empty());
        for (Event event : turn.events()) {
            if (event instanceof Event.IntakeCompleted completed) {
                String contact = outbox.addresses(channel) ? address : null;
                result =
                        result.compose(
                                prev ->
                                        intakeCases
                                                .create(
                                                        tx,
                                                        conversationId,
                                                        channel,
                                                        completed.result(),
                                                        contact)
                                                .map(
                                                        created -> {
                                                            touched.add("case_new", created.id());
                                                            return Optional.of(created);
                                                        }));
            } else if (event instanceof Event.MessageForCoordinator message
                    && existingCase != null) {
                touched.add("message_new", existingCase);
                result =
                        result.compose(
                                prev ->
                                        entries.append(
                                                        tx,
                                                        existingCase,
                                                        EntryKind.MESSAGE_IN,
                                                        new JsonObject()
                                                                .put("text", message.text()),
                                                        null)
                                                .compose(v -> cases.personWrote(tx, existingCase))
                                                .compose(ifReopened(tx, existingCase, touched))
                                                .map(prev));
            } else if (event instanceof Event.HumanRequested && existingCase != null) {
                touched.add("case_changed", existingCase);
                result =
                        result.compose(
                                prev ->
                                        cases.personAsked(tx, existingCase)
                                                .compose(ifReopened(tx, existingCase, touched))
                                                .compose(
                                                        v ->
                                                                personDid(
                                                                        tx,
                                                                        "person_asked",
                                                                        existingCase))
                                                .map(prev));
            } else if (event instanceof Event.DuressTriggered && existingCase != null) {
                result = result.compose(prev -> cases.flag(tx, existingCase).map(prev));
            } else if (event instanceof Event.DeleteRequested && existingCase != null) {
                LOG.info("event=case_deleted_by_person case={}", existingCase);
                touched.add("case_deleted", existingCase);
                result =
                        result.compose(
                                prev ->
                                        cases.delete(tx, existingCase)
                                                .compose(
                                                        v ->
                                                                personDid(
                                                                        tx,
                                                                        "case_deleted_by_person",
                                                                        existingCase))
                                                .map(prev));
            } else {
                LOG.info(
                        "event=dialogue_event conversation={} kind={}",
                        conversationId,
                        event.getClass().getSimpleName());
            }
        }
        return result;
    }

    /**
     * What follows the case store's answer whether the person's message or request reopened the
     * case: when it did (a closed case the person wrote to again), audited and announced to the
     * open inboxes; otherwise nothing.
     */
    private Function<Boolean, Future<Void>> ifReopened(Db tx, UUID caseId, Touched touched) {
        return reopened -> {
            if (!reopened) {
                return Future.succeededFuture();
            }
            LOG.info("event=case_reopened case={}", caseId);
            touched.add("case_changed", caseId);
            return personDid(tx, "case_reopened", caseId);
        };
    }

    /** The audit record of what the person did to their case. */
    private Future<Void> personDid(Db tx, String action, UUID caseId) {
        return new AuditLog(tx, auditKey).record("person", action, caseId);
    }

    /**
     * The files that came with the message: sealed into the case when there is one (to its
     * recipients, as a later message is), else held for the hand-off and sealed with the answers.
     * Never called under duress or for a deletion: those files are kept nowhere (the channel
     * deletes the provider's copy).
     */
    Future<Void> keepMedia(
            Db tx, UUID conversationId, UUID caseId, List<Attachment> media, Touched touched) {
        Future<Void> done = Future.succeededFuture();
        for (Attachment file : media) {
            done =
                    done.compose(
                            v ->
                                    caseId == null
                                            ? attachments.hold(tx, conversationId, file)
                                            : attachments
                                                    .seal(tx, caseId, file, List.of())
                                                    .mapEmpty());
        }
        if (caseId != null && !media.isEmpty()) {
            touched.add("message_new", caseId);
            LOG.info("event=media_sealed case={} count={}", caseId, media.size());
        } else if (!media.isEmpty()) {
            LOG.info("event=media_held conversation={} count={}", conversationId, media.size());
        }
        return done;
    }
}
