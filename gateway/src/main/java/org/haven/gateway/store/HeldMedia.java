package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Media a person sent during the intake, before there is a case to seal them into: each one
 * encrypted by the caller under the server keyring, gone with the conversation.
 */
public final class HeldMedia {
    private HeldMedia() {}

    /** Keeps one encrypted file for the conversation. */
    public static Future<Void> hold(Db tx, UUID conversationId, byte[] body) {
        return tx.preparedQuery("INSERT INTO held_media (conversation_id, body) VALUES ($1, $2)")
                .execute(Tuple.of(conversationId, Buffer.buffer(body)))
                .mapEmpty();
    }

    /** Removes and returns the conversation's held files, in the order they came. */
    public static Future<List<byte[]>> takeAll(Db tx, UUID conversationId) {
        return tx.preparedQuery(
                        "DELETE FROM held_media WHERE conversation_id = $1 RETURNING id, body")
                .execute(Tuple.of(conversationId))
                .map(
                        rows -> {
                            List<Row> sorted = new ArrayList<>();
                            rows.forEach(sorted::add);
                            sorted.sort((a, b) -> Long.compare(a.getLong("id"), b.getLong("id")));
                            List<byte[]> out = new ArrayList<>();
                            for (Row r : sorted) {
                                out.add(r.getBuffer("body").getBytes());
                            }
                            return out;
                        });
    }
}
