package org.haven.gateway.cases;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.UUID;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.HeldMedia;

/**
 * Where the files a person sends go: into their case as a sealed {@link EntryKind#ATTACHMENT} entry
 * ({@link CaseEntries}, to the team key, and at hand-off to the same recipients as the answers),
 * or, while the intake runs and there is no case yet, held under the server keyring (as the
 * intake's own state is) until the hand-off.
 */
public final class CaseAttachments {
    private final CaseEntries entries;
    private final ServerKeyring keyring;

    public CaseAttachments(CaseEntries entries, ServerKeyring keyring) {
        this.entries = entries;
        this.keyring = keyring;
    }

    /** Seals a file into a case that exists, to the team key and {@code alsoTo}. */
    public Future<Integer> seal(
            Db tx, UUID caseId, Attachment file, List<RecipientPublicKey> alsoTo) {
        return entries.append(tx, caseId, EntryKind.ATTACHMENT, file.toEntry(), null, alsoTo);
    }

    /** Holds a file sent during the intake, for its hand-off. */
    public Future<Void> hold(Db tx, UUID conversationId, Attachment file) {
        byte[] body;
        try {
            body =
                    keyring.encrypt(
                            file.toEntry().encode().getBytes(StandardCharsets.UTF_8),
                            aad(conversationId));
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(new IllegalStateException("media encryption failed", e));
        }
        return HeldMedia.hold(tx, conversationId, body);
    }

    /**
     * At hand-off: seals the files held for the conversation into its new case, to the same
     * recipients as the answers, and forgets them.
     */
    public Future<Void> handOff(
            Db tx, UUID conversationId, UUID caseId, List<RecipientPublicKey> alsoTo) {
        return HeldMedia.takeAll(tx, conversationId)
                .compose(
                        held -> {
                            Future<Void> done = Future.succeededFuture();
                            for (byte[] body : held) {
                                done =
                                        done.compose(
                                                v ->
                                                        open(conversationId, body)
                                                                .compose(
                                                                        doc ->
                                                                                entries.append(
                                                                                        tx,
                                                                                        caseId,
                                                                                        EntryKind
                                                                                                .ATTACHMENT,
                                                                                        doc,
                                                                                        null,
                                                                                        alsoTo))
                                                                .mapEmpty());
                            }
                            return done;
                        });
    }

    private Future<JsonObject> open(UUID conversationId, byte[] body) {
        try {
            byte[] plain = keyring.decrypt(body, aad(conversationId));
            return Future.succeededFuture(
                    new JsonObject(new String(plain, StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException | RuntimeException e) {
            return Future.failedFuture(new IllegalStateException("held media unreadable"));
        }
    }

    private static byte[] aad(UUID conversationId) {
        return ("held_media:" + conversationId).getBytes(StandardCharsets.UTF_8);
    }
}
