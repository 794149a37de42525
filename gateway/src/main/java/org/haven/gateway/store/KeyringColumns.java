package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Every column that holds a server-keyring ciphertext ({@code HVNW}), with the associated data each
 * value is bound to: what a rotation of the server keyring must write anew under the new key before
 * the old one may go. A column added under the keyring belongs here.
 */
public enum KeyringColumns {
    /**
     * Conversation state written before per-conversation keys (newer states are not keyring
     * ciphertexts).
     */
    CONVERSATION_STATE(
            "conversations",
            "id::text",
            "state",
            "haven/conversation/%s",
            "substring(state from 1 for 4) = '\\x48564e57'::bytea"),
    /**
     * A handed-off conversation's address from before version 16, until it is sealed into its case
     * at start.
     */
    CONVERSATION_ADDRESS(
            "conversations", "id::text", "address", "haven/address/%s", "address IS NOT NULL"),
    /** A queued message's text, until it is finished. */
    OUTBOX_BODY("outbox", "id::text", "body", "haven/outbox/%s", "body IS NOT NULL"),
    /** A queued message's address, bound to its conversation, until it is finished. */
    OUTBOX_ADDRESS(
            "outbox",
            "conversation_id::text",
            "address",
            "haven/address/%s",
            "address IS NOT NULL"),
    /** An account's second-factor secret. */
    TOTP_SECRET("accounts", "id::text", "totp_secret", "haven/totp/%s", "totp_secret IS NOT NULL"),
    /** The canary that tells a gateway it was given the cluster's server keys (ServerKeysCheck). */
    SERVER_KEYS_CANARY(
            "server_keys_check", "id::text", "canary", "haven/server-keys-canary/%s", "true");

    /**
     * One stored value: its row (ctid, stable within the transaction that locked it), binding and
     * bytes.
     */
    public record Value(String ctid, byte[] associatedData, byte[] ciphertext) {}

    private final String table;
    private final String bindingColumn;
    private final String column;
    private final String binding;
    private final String present;

    KeyringColumns(
            String table, String bindingColumn, String column, String binding, String present) {
        this.table = table;
        this.bindingColumn = bindingColumn;
        this.column = column;
        this.binding = binding;
        this.present = present;
    }

    /** Where the column is, for messages: {@code outbox.body}. */
    public String label() {
        return table + "." + column;
    }

    /** Every value of the column, locked for the caller's transaction. */
    public Future<List<Value>> lockAll(Db tx) {
        return tx.query(
                        "SELECT ctid::text, "
                                + bindingColumn
                                + ", "
                                + column
                                + " FROM "
                                + table
                                + " WHERE "
                                + present
                                + " FOR UPDATE")
                .execute()
                .map(
                        rs -> {
                            List<Value> out = new ArrayList<>();
                            for (Row r : rs) {
                                out.add(
                                        new Value(
                                                r.getString(0),
                                                String.format(binding, r.getString(1))
                                                        .getBytes(StandardCharsets.UTF_8),
                                                r.getBuffer(2).getBytes()));
                            }
                            return out;
                        });
    }

    /**
     * Writes values back, each to the row it was read from (in the transaction that locked them).
     */
    public Future<Void> write(Db tx, List<Value> values) {
        if (values.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> batch = new ArrayList<>(values.size());
        values.forEach(v -> batch.add(Tuple.of(Buffer.buffer(v.ciphertext()), v.ctid())));
        return tx.preparedQuery("UPDATE " + table + " SET " + column + " = $1 WHERE ctid = $2::tid")
                .executeBatch(batch)
                .mapEmpty();
    }
}
