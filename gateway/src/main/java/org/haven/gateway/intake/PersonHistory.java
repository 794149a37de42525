package org.haven.gateway.intake;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.haven.crypto.DataKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.HistoryStore;

/**
 * The person's own copy of a conversation since hand-off, for channels whose device keeps none (the
 * web chat page keeps nothing across a reload). Each item is encrypted under the conversation's
 * history key, a random key kept only inside the conversation's encrypted state ({@link
 * StateCipher}), so it opens only with the person's contact address (a resume token).
 */
final class PersonHistory {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final HistoryStore store = new HistoryStore();

    /** A fresh history key. */
    static byte[] newKey() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return key;
    }

    Future<Void> append(Db tx, UUID conversationId, byte[] key, List<HistoryItem> items) {
        if (items.isEmpty()) {
            return Future.succeededFuture();
        }
        List<byte[]> bodies = new ArrayList<>();
        DataKey k = dataKey(key);
        try {
            for (HistoryItem i : items) {
                JsonObject doc =
                        new JsonObject()
                                .put("f", i.from())
                                .put("t", i.text())
                                .put("lang", i.language())
                                .put("rtl", i.rtl());
                bodies.add(
                        k.encrypt(
                                doc.encode().getBytes(StandardCharsets.UTF_8),
                                aad(conversationId)));
            }
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(new IllegalStateException("history encryption failed", e));
        } finally {
            k.destroy();
        }
        return store.append(tx, conversationId, bodies);
    }

    Future<List<HistoryItem>> read(Db tx, UUID conversationId, byte[] key) {
        return store.list(tx, conversationId)
                .map(
                        bodies -> {
                            List<HistoryItem> items = new ArrayList<>();
                            DataKey k = dataKey(key);
                            try {
                                for (byte[] body : bodies) {
                                    JsonObject doc =
                                            new JsonObject(
                                                    new String(
                                                            k.decrypt(body, aad(conversationId)),
                                                            StandardCharsets.UTF_8));
                                    items.add(
                                            new HistoryItem(
                                                    doc.getString("f"),
                                                    doc.getString("t"),
                                                    doc.getString("lang"),
                                                    doc.getBoolean("rtl", false)));
                                }
                            } catch (GeneralSecurityException e) {
                                throw new IllegalStateException("history decryption failed", e);
                            } finally {
                                k.destroy();
                            }
                            return items;
                        });
    }

    Future<Void> clear(Db tx, UUID conversationId) {
        return store.clear(tx, conversationId);
    }

    private static DataKey dataKey(byte[] key) {
        try {
            return DataKey.fromBytes(key, SecretKeyAccess.INSECURE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("history key unusable", e);
        }
    }

    private static byte[] aad(UUID conversationId) {
        return ("haven/history/" + conversationId).getBytes(StandardCharsets.UTF_8);
    }
}
