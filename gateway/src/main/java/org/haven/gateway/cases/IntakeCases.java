package org.haven.gateway.cases;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.haven.bot.IntakeResult;
import org.haven.bot.Triage;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.AgencyRecipient;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a finished intake into a queued case, inside the dialogue step's transaction: the case row
 * (triage, group, times: what queueing needs, in clear), the answers entry sealed to the team key
 * and, where the client consented, to the referring agency's key, and the person's contact address
 * sealed to the team key (the conversation keeps none from then on).
 */
public final class IntakeCases {
    private static final Logger LOG = LoggerFactory.getLogger(IntakeCases.class);
    private static final char[] REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /** A case just created: its id and the reference shown to people. */
    public record Created(UUID id, String reference) {}

    private final CaseStore cases;
    private final CaseEntries entries;
    private final CaseAttachments attachments;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param attachments where the files the person sent during the intake wait; they are sealed
     *     into the case at hand-off to the same recipients as the answers
     */
    public IntakeCases(CaseStore cases, CaseEntries entries, CaseAttachments attachments) {
        this.cases = cases;
        this.entries = entries;
        this.attachments = attachments;
    }

    /**
     * Creates the case of a finished intake.
     *
     * @param contactAddress where the person can be reached on {@code channel} (a number, a chat
     *     id), sealed into the case; null for a channel that needs none (the web chat)
     */
    public Future<Created> create(
            Db tx,
            UUID conversationId,
            String channel,
            IntakeResult result,
            String contactAddress) {
        UUID caseId = UUID.randomUUID();
        String reference = newReference();
        JsonObject doc = new JsonObject().put("language", result.language());
        JsonArray answers = new JsonArray();
        result.answers()
                .forEach(
                        a -> {
                            JsonObject answer =
                                    new JsonObject()
                                            .put("id", a.questionId())
                                            .put("question", a.question())
                                            .put("label", a.label())
                                            .put("answer", a.answer());
                            if (a.sensitive()) {
                                // the inbox may hide it until the coordinator asks to read it
                                answer.put("sensitive", true);
                            }
                            answers.add(answer);
                        });
        doc.put("answers", answers)
                .put("referrals", new JsonArray(new ArrayList<>(result.referralSuggestions())));
        return cases.agencyByReferralCode(tx, result.answerAs("referral code").orElse(null))
                .compose(
                        agency -> {
                            List<String> share = agency == null ? List.of() : agencyShare(result);
                            String agencyKeyId =
                                    agency != null && agency.keyId() != null && !share.isEmpty()
                                            ? agency.keyId()
                                            : null;
                            List<RecipientPublicKey> alsoTo =
                                    agencyKeyId == null ? List.of() : List.of(agencyKey(agency));
                            Future<Integer> stored =
                                    cases.insert(
                                                    tx,
                                                    CaseSummary.queued(
                                                            caseId,
                                                            reference,
                                                            channel,
                                                            result.language(),
                                                            result.triage().name(),
                                                            result.priority(),
                                                            result.workingGroup(),
                                                            result.triage() == Triage.URGENT
                                                                    || result.askedForPerson(),
                                                            agency == null
                                                                    ? null
                                                                    : agency.agencyId(),
                                                            share,
                                                            result.askedForPerson()),
                                                    conversationId,
                                                    result.duress(),
                                                    agencyKeyId)
                                            .compose(
                                                    v ->
                                                            entries.append(
                                                                    tx,
                                                                    caseId,
                                                                    EntryKind.ANSWERS,
                                                                    doc,
                                                                    null,
                                                                    alsoTo))
                                            .compose(
                                                    seq ->
                                                            attachments
                                                                    .handOff(
                                                                            tx,
                                                                            conversationId,
                                                                            caseId,
                                                                            alsoTo)
                                                                    .map(seq));
                            if (contactAddress != null) {
                                stored =
                                        stored.compose(
                                                v ->
                                                        entries.append(
                                                                tx,
                                                                caseId,
                                                                EntryKind.CONTACT,
                                                                new JsonObject()
                                                                        .put("channel", channel)
                                                                        .put(
                                                                                "address",
                                                                                contactAddress),
                                                                null));
                            }
                            return stored.compose(
                                            v ->
                                                    entries.audit(tx)
                                                            .record(
                                                                    "system:intake",
                                                                    "case_created",
                                                                    caseId))
                                    .map(
                                            v -> {
                                                LOG.info(
                                                        "event=case_queued case={} channel={} triage={} asked_for_person={} shared_with_agency={}",
                                                        caseId,
                                                        channel,
                                                        result.triage(),
                                                        result.askedForPerson(),
                                                        agencyKeyId != null);
                                                return new Created(caseId, reference);
                                            });
                        });
    }

    /**
     * What the referring agency may be told of the case: what the worker chose at the script's
     * 'agency share' question ("nothing" aside) when the client consented ('agency consent'), else
     * nothing. When it is anything, the answers are also sealed to the agency's key (if it has
     * one); later entries stay team-only.
     */
    private static List<String> agencyShare(IntakeResult result) {
        if (!result.chosenAs("agency consent").equals(List.of("yes"))) {
            return List.of();
        }
        return result.chosenAs("agency share").stream()
                .filter(CaseSummary.SHARE_KINDS::contains)
                .distinct()
                .toList();
    }

    private static RecipientPublicKey agencyKey(AgencyRecipient agency) {
        try {
            return RecipientPublicKey.fromBytes(agency.publicKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "agency public key unusable: agency=" + agency.agencyId(), e);
        }
    }

    private String newReference() {
        StringBuilder sb = new StringBuilder("HV-");
        for (int i = 0; i < 6; i++) {
            sb.append(REF_ALPHABET[random.nextInt(REF_ALPHABET.length)]);
        }
        return sb.toString();
    }
}
