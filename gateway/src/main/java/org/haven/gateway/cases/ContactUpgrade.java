package org.haven.gateway.cases;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once, at start: conversations handed off before version 16 kept the person's address under the
 * server keyring. Each is sealed into its case as a contact entry (to the team key, like a new
 * case's) and cleared from the conversation, in one transaction per batch, so that from then on a
 * copy of the disk holds no readable address of a handed-off conversation.
 */
public final class ContactUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(ContactUpgrade.class);
    private static final int BATCH = 200;

    private ContactUpgrade() {}

    /** Seals every legacy address; completes with how many there were. */
    public static Future<Integer> run(Db db, ServerSecrets secrets, CaseEntries entries) {
        return batch(db, secrets, entries, 0);
    }

    private static Future<Integer> batch(
            Db db, ServerSecrets secrets, CaseEntries entries, int doneSoFar) {
        ConversationStore conversations = new ConversationStore();
        return db.transaction(
                        tx ->
                                conversations
                                        .legacyAddresses(tx, BATCH)
                                        .compose(
                                                found -> {
                                                    Future<Void> chain = Future.succeededFuture();
                                                    for (ConversationStore.LegacyAddress a :
                                                            found) {
                                                        String address;
                                                        try {
                                                            address =
                                                                    new String(
                                                                            secrets.keyring()
                                                                                    .decrypt(
                                                                                            a
                                                                                                    .address(),
                                                                                            Outbox
                                                                                                    .aad(
                                                                                                            "address",
                                                                                                            a
                                                                                                                    .conversationId())),
                                                                            StandardCharsets.UTF_8);
                                                        } catch (GeneralSecurityException e) {
                                                            // under a key since retired: nothing
                                                            // can read it, so there is nothing to
                                                            // keep
                                                            LOG.warn(
                                                                    "event=contact_upgrade_unreadable conversation={}",
                                                                    a.conversationId());
                                                            chain =
                                                                    chain.compose(
                                                                            v ->
                                                                                    conversations
                                                                                            .clearAddress(
                                                                                                    tx,
                                                                                                    a
                                                                                                            .conversationId()));
                                                            continue;
                                                        }
                                                        chain =
                                                                chain.compose(
                                                                                v ->
                                                                                        entries
                                                                                                .append(
                                                                                                        tx,
                                                                                                        a
                                                                                                                .caseId(),
                                                                                                        EntryKind
                                                                                                                .CONTACT,
                                                                                                        new JsonObject()
                                                                                                                .put(
                                                                                                                        "channel",
                                                                                                                        a
                                                                                                                                .channel())
                                                                                                                .put(
                                                                                                                        "address",
                                                                                                                        address),
                                                                                                        null))
                                                                        .compose(
                                                                                seq ->
                                                                                        conversations
                                                                                                .clearAddress(
                                                                                                        tx,
                                                                                                        a
                                                                                                                .conversationId()));
                                                    }
                                                    return chain.map(v -> found.size());
                                                }))
                .compose(
                        n -> {
                            if (n > 0) {
                                LOG.info("event=contact_upgrade_sealed count={}", n);
                            }
                            return n == BATCH
                                    ? batch(db, secrets, entries, doneSoFar + n)
                                    : Future.succeededFuture(doneSoFar + n);
                        });
    }
}
