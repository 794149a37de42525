package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The person's own encrypted copy of a conversation since hand-off ({@code person_history}). */
public final class HistoryStore {
    /** The most a conversation keeps: older items go as new ones come. */
    public static final int KEPT = 200;

    /** Adds encrypted items in order, and drops what is beyond {@link #KEPT}. */
    public Future<Void> append(Db tx, UUID conversationId, List<byte[]> bodies) {
        if (bodies.isEmpty()) {
            return Future.succeededFuture();
        }
        Buffer[] rows = bodies.stream().map(Buffer::buffer).toArray(Buffer[]::new);
        return tx.preparedQuery(
                        "INSERT INTO person_history (conversation_id, body)"
                                + " SELECT $1, b FROM unnest($2::bytea[]) WITH ORDINALITY AS r(b, n) ORDER BY n")
                .execute(Tuple.of(conversationId, (Object) rows))
                .compose(
                        v ->
                                tx.preparedQuery(
                                                "DELETE FROM person_history WHERE conversation_id = $1 AND seq <"
                                                        + " (SELECT min(seq) FROM (SELECT seq FROM person_history WHERE conversation_id = $1"
                                                        + " ORDER BY seq DESC LIMIT "
                                                        + KEPT
                                                        + ") newest)")
                                        .execute(Tuple.of(conversationId)))
                .mapEmpty();
    }

    /** The encrypted items of a conversation, oldest first. */
    public Future<List<byte[]>> list(Db tx, UUID conversationId) {
        return tx.preparedQuery(
                        "SELECT body FROM person_history WHERE conversation_id = $1 ORDER BY seq")
                .execute(Tuple.of(conversationId))
                .map(
                        rows -> {
                            List<byte[]> out = new ArrayList<>();
                            for (Row r : rows) {
                                out.add(r.getBuffer(0).getBytes());
                            }
                            return out;
                        });
    }

    /** Forgets a conversation's history (the duress word: nothing of it may show again). */
    public Future<Void> clear(Db tx, UUID conversationId) {
        return tx.preparedQuery("DELETE FROM person_history WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .mapEmpty();
    }
}
