package org.haven.gateway.intake;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.haven.bot.ConversationState;
import org.haven.bot.Reply;
import org.haven.bot.Turn;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.store.Db;

/**
 * The person's own copy of a handed-off conversation, on channels that show it to them again (the
 * web page after a reload): what a step adds to it, a coordinator's reply shown on their page, and
 * the page reading it back. It is stored by {@link PersonHistory}, under a key that only the
 * conversation's encrypted state holds. The duress word wipes it, and nothing is added or shown
 * while the conversation is under duress.
 */
final class PersonCopy {
    private final Db db;
    private final ConversationStore conversations;
    private final StateCipher states;
    private final PersonHistory history = new PersonHistory();

    PersonCopy(Db db, ConversationStore conversations, StateCipher states) {
        this.db = db;
        this.conversations = conversations;
        this.states = states;
    }

    /**
     * After a step, in its transaction: what the person wrote after the hand-off and the bot's
     * replies from the hand-off on; or, when the duress word was said now, nothing left at all.
     */
    Future<Void> afterStep(
            Db tx,
            UUID id,
            byte[] historyKey,
            ConversationState before,
            String text,
            Turn turn,
            List<Reply> replies,
            boolean duress) {
        if (historyKey == null) {
            return Future.succeededFuture();
        }
        if (duress) {
            return history.clear(tx, id);
        }
        if (!turn.state().handedOff() || turn.state().underDuress()) {
            return Future.succeededFuture();
        }
        List<HistoryItem> items = new ArrayList<>();
        if (before.handedOff()) {
            items.add(new HistoryItem("person", text, null, false));
        }
        replies.forEach(r -> items.add(new HistoryItem("bot", r.text(), r.language(), r.rtl())));
        return history.append(tx, id, historyKey, items);
    }

    /**
     * Adds a coordinator's reply, about to be shown on the person's page; false, adding nothing,
     * when the contact no longer holds that conversation (it moved to where the person wrote their
     * resume phrase, or is gone).
     */
    Future<Boolean> remember(
            String channel, String address, byte[] hash, UUID conversationId, HistoryItem item) {
        return db.transaction(
                tx ->
                        conversations
                                .lockByContact(tx, channel, hash)
                                .compose(
                                        found -> {
                                            if (found.isEmpty()
                                                    || !found.get().id().equals(conversationId)) {
                                                return Future.succeededFuture(false);
                                            }
                                            byte[] key = keyOf(channel, address, found.get());
                                            return key == null
                                                    ? Future.succeededFuture(true)
                                                    : history.append(
                                                                    tx,
                                                                    conversationId,
                                                                    key,
                                                                    List.of(item))
                                                            .map(true);
                                        }));
    }

    /** The copy, oldest first; empty when there is none (or under duress). */
    Future<List<HistoryItem>> read(String channel, String address, byte[] hash) {
        return db.transaction(
                tx ->
                        conversations
                                .lockByContact(tx, channel, hash)
                                .compose(
                                        found -> {
                                            if (found.isEmpty()) {
                                                return Future.succeededFuture(
                                                        List.<HistoryItem>of());
                                            }
                                            byte[] key = keyOf(channel, address, found.get());
                                            return key == null
                                                    ? Future.succeededFuture(List.<HistoryItem>of())
                                                    : history.read(tx, found.get().id(), key);
                                        }));
    }

    /** The copy's key, or null when there is no copy or the conversation is under duress. */
    private byte[] keyOf(
            String channel, String address, ConversationStore.StoredConversation found) {
        StateCipher.Stored s = states.decrypt(found.id(), channel, address, found.state());
        return s.historyKey() == null || s.state().underDuress() ? null : s.historyKey();
    }
}
