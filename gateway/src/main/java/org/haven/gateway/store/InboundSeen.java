package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

/**
 * The inbound messages already taken, by the keyed hash of their channel, sender and provider
 * message id: a provider's retry of a message Haven committed is recognised and not answered twice.
 * The retention purge removes old keys.
 */
public final class InboundSeen {
    private InboundSeen() {}

    /**
     * Records {@code messageKey} in {@code tx}; true the first time, false for a message seen
     * before.
     */
    public static Future<Boolean> firstSeen(Db tx, byte[] messageKey) {
        return tx.preparedQuery(
                        "INSERT INTO inbound_seen (message_key) VALUES ($1) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(Buffer.buffer(messageKey)))
                .map(rs -> rs.rowCount() == 1);
    }
}
