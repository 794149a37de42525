package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

/** Wrong resume phrases, by the keyed hash of who wrote them, kept for a day. */
public final class PhraseAttemptStore {

    /** Wrong phrases from {@code clientKey} in the last hour. */
    public Future<Integer> lastHour(Db tx, byte[] clientKey) {
        return tx.preparedQuery(
                        "SELECT count(*) FROM phrase_attempts WHERE client_key = $1 AND tried_at > now() - interval '1 hour'")
                .execute(Tuple.of(Buffer.buffer(clientKey)))
                .map(rs -> rs.iterator().next().getInteger(0));
    }

    /** Counts a wrong phrase, and forgets those older than a day. */
    public Future<Void> failed(Db tx, byte[] clientKey) {
        return tx.preparedQuery("INSERT INTO phrase_attempts (client_key) VALUES ($1)")
                .execute(Tuple.of(Buffer.buffer(clientKey)))
                .compose(
                        v ->
                                tx.preparedQuery(
                                                "DELETE FROM phrase_attempts WHERE tried_at < now() - interval '1 day'")
                                        .execute())
                .mapEmpty();
    }
}
