package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Conversations: encrypted dialogue state, found again by the keyed hash of the contact address.
 */
public final class ConversationStore {

    /** A conversation row; {@code state} is ciphertext under the server keyring. */
    public record StoredConversation(UUID id, byte[] state, UUID caseId) {}

    /** Finds and locks the conversation of a contact for one dialogue step. */
    public Future<Optional<StoredConversation>> lockByContact(
            Db tx, String channel, byte[] contactHash) {
        return tx.preparedQuery(
                        "SELECT id, state, case_id FROM conversations WHERE channel = $1 AND contact_hash = $2 FOR UPDATE")
                .execute(Tuple.of(channel, Buffer.buffer(contactHash)))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<StoredConversation>empty()
                                        : Optional.of(row(rs.iterator().next())));
    }

    /** Inserts a new conversation; false when one for this contact appeared meanwhile. */
    public Future<Boolean> insert(
            Db tx, UUID id, String channel, byte[] contactHash, byte[] state) {
        return tx.preparedQuery(
                        "INSERT INTO conversations (id, channel, contact_hash, state) VALUES ($1,$2,$3,$4)"
                                + " ON CONFLICT (channel, contact_hash) DO NOTHING")
                .execute(Tuple.of(id, channel, Buffer.buffer(contactHash), Buffer.buffer(state)))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Stores the new state (and the case the intake became, once it has). */
    public Future<Void> update(Db tx, UUID id, byte[] state, UUID caseId) {
        return update(tx, id, state, caseId, null);
    }

    /**
     * Stores the new state, the case the intake became (once it has) and, in the same statement,
     * whether delivery is stopped.
     *
     * @param stopped true: opted out now; false: delivery allowed again; null: unchanged
     */
    public Future<Void> update(Db tx, UUID id, byte[] state, UUID caseId, Boolean stopped) {
        return tx.preparedQuery(
                        "UPDATE conversations SET state = $2, case_id = coalesce($3, case_id), updated_at = now(),"
                                + " stopped_at = CASE WHEN $4::boolean IS NULL THEN stopped_at WHEN $4 THEN now() ELSE NULL END WHERE id = $1")
                .execute(Tuple.of(id, Buffer.buffer(state), caseId, stopped))
                .mapEmpty();
    }

    /**
     * A handed-off conversation that still holds an address from before version 16 (server-keyring
     * ciphertext).
     */
    public record LegacyAddress(UUID conversationId, UUID caseId, String channel, byte[] address) {}

    /**
     * Handed-off conversations that still hold an address (from before version 16), a batch at a
     * time, locked.
     */
    public Future<List<LegacyAddress>> legacyAddresses(Db tx, int limit) {
        return tx.preparedQuery(
                        "SELECT id, case_id, channel, address FROM conversations WHERE address IS NOT NULL"
                                + " AND case_id IS NOT NULL LIMIT $1 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(limit))
                .map(
                        rs -> {
                            List<LegacyAddress> out = new ArrayList<>();
                            rs.forEach(
                                    r ->
                                            out.add(
                                                    new LegacyAddress(
                                                            r.getUUID(0),
                                                            r.getUUID(1),
                                                            r.getString(2),
                                                            r.getBuffer(3).getBytes())));
                            return out;
                        });
    }

    /** Forgets a conversation's stored address (it was sealed into its case). */
    public Future<Void> clearAddress(Db tx, UUID id) {
        return tx.preparedQuery("UPDATE conversations SET address = NULL WHERE id = $1")
                .execute(Tuple.of(id))
                .mapEmpty();
    }

    /** Marks a conversation opted out (nothing more is sent) or opted in again. */
    public Future<Void> setStopped(Db tx, UUID id, boolean stopped) {
        return tx.preparedQuery(
                        "UPDATE conversations SET stopped_at = CASE WHEN $2 THEN now() ELSE NULL END WHERE id = $1")
                .execute(Tuple.of(id, stopped))
                .mapEmpty();
    }

    /**
     * A conversation found by its resume phrase, locked: its state and the box its phrase opens.
     */
    public record PhraseHolder(UUID id, byte[] state, UUID caseId, byte[] box) {}

    /**
     * Gives a conversation a (new) resume phrase: what finds it, and the box that holds its state
     * key.
     */
    public Future<Void> setPhrase(Db tx, UUID id, byte[] lookup, byte[] box) {
        return tx.preparedQuery(
                        "UPDATE conversations SET phrase_lookup = $2, phrase_box = $3 WHERE id = $1")
                .execute(Tuple.of(id, Buffer.buffer(lookup), Buffer.buffer(box)))
                .mapEmpty();
    }

    /** Finds and locks the conversation of a resume phrase. */
    public Future<Optional<PhraseHolder>> lockByPhrase(Db tx, byte[] lookup) {
        return tx.preparedQuery(
                        "SELECT id, state, case_id, phrase_box FROM conversations WHERE phrase_lookup = $1 FOR UPDATE")
                .execute(Tuple.of(Buffer.buffer(lookup)))
                .map(
                        rs -> {
                            if (rs.size() == 0) {
                                return Optional.<PhraseHolder>empty();
                            }
                            Row r = rs.iterator().next();
                            return Optional.of(
                                    new PhraseHolder(
                                            r.getUUID("id"),
                                            r.getBuffer("state").getBytes(),
                                            r.getUUID("case_id"),
                                            r.getBuffer("phrase_box").getBytes()));
                        });
    }

    /**
     * Moves a conversation to another contact (its resume phrase was written there): found by that
     * contact from now on, its state under that contact's key, delivery allowed again.
     */
    public Future<Void> move(
            Db tx, UUID id, String channel, byte[] contactHash, byte[] state, byte[] box) {
        return tx.preparedQuery(
                        "UPDATE conversations SET channel = $2, contact_hash = $3, state = $4, phrase_box = $5,"
                                + " stopped_at = NULL, updated_at = now() WHERE id = $1")
                .execute(
                        Tuple.of(
                                id,
                                channel,
                                Buffer.buffer(contactHash),
                                Buffer.buffer(state),
                                Buffer.buffer(box)))
                .mapEmpty();
    }

    /**
     * Locks the conversation {@code id} for the rest of {@code tx}; true if it exists and the
     * person has not opted out (a reply may go to it).
     */
    public Future<Boolean> lockIfOpen(Db tx, UUID id) {
        return tx.preparedQuery("SELECT stopped_at FROM conversations WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(id))
                .map(rs -> rs.size() > 0 && rs.iterator().next().getOffsetDateTime(0) == null);
    }

    /** Forgets a conversation (the person asked to delete, or restarted). */
    public Future<Void> delete(Db tx, UUID id) {
        return tx.preparedQuery("DELETE FROM conversations WHERE id = $1")
                .execute(Tuple.of(id))
                .mapEmpty();
    }

    private static StoredConversation row(Row r) {
        return new StoredConversation(
                r.getUUID("id"), r.getBuffer("state").getBytes(), r.getUUID("case_id"));
    }
}
