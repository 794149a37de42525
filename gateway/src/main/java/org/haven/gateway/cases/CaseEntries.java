package org.haven.gateway.cases;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.SealedEntry;

/**
 * The one home of a case's sealed entries: every entry is sealed here to its recipients (the team's
 * current key, which administrators hold; its working group's key, which the group's coordinators
 * hold; plus any recipient the caller names, such as the referring agency's key for the answers),
 * appended, opened with a reader's keys, and audited. The intake, the case page, the text search,
 * the export and the agency view all go through it.
 *
 * <p>An entry is a JSON document (see {@link EntryKind} for each kind's fields) in an {@code HVND}
 * field under a fresh data key, sealed per recipient (docs/crypto.md, "Case entries"). Nothing here
 * logs or keeps a plaintext.
 */
public final class CaseEntries {

    /**
     * An entry as one reader opened it.
     *
     * @param content the entry's document, or empty when none of the reader's keys opens it
     */
    public record Opened(
            int seq,
            EntryKind kind,
            OffsetDateTime at,
            String author,
            Optional<JsonObject> content) {
        /** The {@code text} of a message, note or referral (null when not opened). */
        public String text() {
            return content.map(c -> c.getString("text")).orElse(null);
        }
    }

    private final CaseStore store;
    private final TeamKeys teamKeys;
    private final GroupKeyring groups;
    private final KeyedHash auditKey;

    public CaseEntries(CaseStore store, TeamKeys teamKeys, KeyedHash auditKey) {
        this.store = store;
        this.teamKeys = teamKeys;
        this.groups = new GroupKeyring(teamKeys);
        this.auditKey = auditKey;
    }

    /**
     * Seals {@code content} as the next entry of a case to the team's current key (the
     * administrators'), to the current key of the case's working group (the intake group's for a
     * case without one; never another group's) and to {@code alsoTo}, and appends it inside {@code
     * tx}. An entry a member of the team wrote ({@code author} not null: a reply, a note, a
     * referral) is audited in the same transaction.
     *
     * @return the entry's number
     */
    public Future<Integer> append(
            Db tx,
            UUID caseId,
            EntryKind kind,
            JsonObject content,
            String author,
            List<RecipientPublicKey> alsoTo) {
        List<RecipientPublicKey> recipients = new ArrayList<>(teamKeys.recipients());
        return GroupKeyStore.caseGroup(tx, caseId)
                .compose(group -> groups.recipient(tx, GroupKeyStore.keyGroup(group.orElse(null))))
                .compose(
                        groupKey -> {
                            groupKey.ifPresent(recipients::add);
                            recipients.addAll(alsoTo);
                            return store.nextSeq(tx, caseId);
                        })
                .compose(
                        seq -> {
                            EntrySealing.Sealed sealed;
                            try {
                                sealed =
                                        EntrySealing.seal(
                                                caseId,
                                                seq,
                                                kind.stored(),
                                                content.encode().getBytes(StandardCharsets.UTF_8),
                                                recipients);
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(
                                        new IllegalStateException("sealing failed", e));
                            }
                            return store.appendEntry(
                                    tx,
                                    caseId,
                                    kind.stored(),
                                    sealed.ciphertext(),
                                    sealed.sealedKeys(),
                                    seq,
                                    author);
                        })
                .compose(
                        seq ->
                                author == null
                                        ? Future.succeededFuture(seq)
                                        : new AuditLog(tx, auditKey)
                                                .record(author, auditAction(kind), caseId)
                                                .map(seq));
    }

    /** The same, sealed to the team's current key only. */
    public Future<Integer> append(
            Db tx, UUID caseId, EntryKind kind, JsonObject content, String author) {
        return append(tx, caseId, kind, content, author, List.of());
    }

    /** The audit log, under the key this gateway's audit chain is kept with. */
    public AuditLog audit(Db client) {
        return new AuditLog(client, auditKey);
    }

    /**
     * A case's entries of the given kinds (all kinds when empty), in order, each opened with the
     * reader's keys where it can be. When {@code action} gives an action for what was read, the
     * read is audited with {@code reader} as actor (null: not audited, e.g. a search that only
     * looks for a word).
     */
    public Future<List<Opened>> read(
            UUID caseId,
            Set<EntryKind> kinds,
            Collection<RecipientPrivateKey> keys,
            String reader,
            Function<List<Opened>, String> action) {
        List<String> stored = kinds.stream().map(EntryKind::stored).toList();
        return store.entries(caseId, stored)
                .compose(
                        entries -> {
                            List<Opened> opened = new ArrayList<>(entries.size());
                            for (SealedEntry e : entries) {
                                opened.add(
                                        new Opened(
                                                e.seq(),
                                                EntryKind.of(e.kind()),
                                                e.createdAt(),
                                                e.author(),
                                                tryOpen(e, keys)));
                            }
                            String audited = action == null ? null : action.apply(opened);
                            return audited == null
                                    ? Future.succeededFuture(opened)
                                    : new AuditLog(store.db(), auditKey)
                                            .record(reader, audited, caseId)
                                            .map(opened);
                        });
    }

    /**
     * Where the person of a case can be reached on their channel: the latest contact entry, opened
     * with the reader's keys (a coordinator's session, to queue a reply). Empty when the case has
     * none (a web chat) or none of the keys opens it.
     */
    public Future<Optional<String>> contactAddress(
            UUID caseId, Collection<RecipientPrivateKey> keys) {
        return read(caseId, Set.of(EntryKind.CONTACT), keys, null, null)
                .map(
                        entries -> {
                            for (int i = entries.size() - 1; i >= 0; i--) {
                                Optional<String> address =
                                        entries.get(i).content().map(c -> c.getString("address"));
                                if (address.isPresent()) {
                                    return address;
                                }
                            }
                            return Optional.empty();
                        });
    }

    /** Opens one stored entry with whichever of {@code keys} it is sealed to. */
    static JsonObject open(SealedEntry e, Collection<RecipientPrivateKey> keys)
            throws GeneralSecurityException {
        byte[] plain =
                EntrySealing.open(
                        e.caseId(), e.seq(), e.kind(), e.ciphertext(), e.sealedKeys(), keys);
        try {
            return new JsonObject(new String(plain, StandardCharsets.UTF_8));
        } catch (RuntimeException notJson) {
            throw new GeneralSecurityException("entry is not a document");
        }
    }

    private static Optional<JsonObject> tryOpen(
            SealedEntry e, Collection<RecipientPrivateKey> keys) {
        try {
            return Optional.of(open(e, keys));
        } catch (GeneralSecurityException notForTheseKeys) {
            return Optional.empty();
        }
    }

    private static String auditAction(EntryKind kind) {
        return switch (kind) {
            case MESSAGE_OUT -> "reply";
            default -> kind.stored();
        };
    }
}
