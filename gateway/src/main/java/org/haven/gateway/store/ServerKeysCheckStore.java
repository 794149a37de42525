package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * The one row that recognises the cluster's server keys: a fingerprint of the hash secret and a
 * keyring canary.
 */
public final class ServerKeysCheckStore {

    /** What the first gateway recorded. */
    public record Recorded(byte[] fingerprint, byte[] canary) {}

    private ServerKeysCheckStore() {}

    /**
     * Records {@code fingerprint} and {@code canary} unless a record exists already (two first
     * gateways starting at once: one of them wins), and completes with what is recorded then.
     */
    public static Future<Recorded> recordIfAbsent(
            Database database, byte[] fingerprint, byte[] canary) {
        SqlClient client = database.pool();
        return client.preparedQuery(
                        "INSERT INTO server_keys_check (id, fingerprint, canary) VALUES (1, $1, $2)"
                                + " ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(Buffer.buffer(fingerprint), Buffer.buffer(canary)))
                .compose(
                        rs ->
                                client.query(
                                                "SELECT fingerprint, canary FROM server_keys_check WHERE id = 1")
                                        .execute())
                .map(
                        rs -> {
                            Row r = rs.iterator().next();
                            return new Recorded(
                                    r.getBuffer(0).getBytes(), r.getBuffer(1).getBytes());
                        });
    }
}
