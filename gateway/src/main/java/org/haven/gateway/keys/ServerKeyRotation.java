package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.KeyringColumns;

/**
 * Moves every server-keyring ciphertext in the database under the keyring's primary key, so that
 * the older keys can be retired: after that, what was encrypted under them (the live values and
 * every leftover copy in PostgreSQL's files, old row versions and WAL) can no longer be opened by
 * anyone, with or without a copy of the disk.
 */
public final class ServerKeyRotation {

    /**
     * How many values of each column were written anew, and how many are still under another key.
     */
    public record Result(Map<String, Integer> rewritten, int underOtherKeys) {
        public int total() {
            return rewritten.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private ServerKeyRotation() {}

    /**
     * Re-encrypts, in one transaction, every value of {@link KeyringColumns} that is not under
     * {@code keyring}'s primary key, and counts what is still under another key after it (a value
     * no key of the keyring opens is left as it is: it was unreadable already).
     */
    public static Future<Result> reencrypt(Db db, ServerKeyring keyring) {
        return db.transaction(
                tx -> {
                    Map<String, Integer> rewritten = new LinkedHashMap<>();
                    Future<Void> chain = Future.succeededFuture();
                    for (KeyringColumns column : KeyringColumns.values()) {
                        chain =
                                chain.compose(
                                        v ->
                                                column.lockAll(tx)
                                                        .compose(
                                                                values -> {
                                                                    List<KeyringColumns.Value>
                                                                            moved =
                                                                                    new ArrayList<>();
                                                                    for (KeyringColumns.Value
                                                                            value : values) {
                                                                        try {
                                                                            if (ServerKeyring
                                                                                            .keyIdOf(
                                                                                                    value
                                                                                                            .ciphertext())
                                                                                    == keyring
                                                                                            .primaryKeyId()) {
                                                                                continue;
                                                                            }
                                                                            byte[] plain =
                                                                                    keyring.decrypt(
                                                                                            value
                                                                                                    .ciphertext(),
                                                                                            value
                                                                                                    .associatedData());
                                                                            moved.add(
                                                                                    new KeyringColumns
                                                                                            .Value(
                                                                                            value
                                                                                                    .ctid(),
                                                                                            value
                                                                                                    .associatedData(),
                                                                                            keyring
                                                                                                    .encrypt(
                                                                                                            plain,
                                                                                                            value
                                                                                                                    .associatedData())));
                                                                            Arrays.fill(
                                                                                    plain,
                                                                                    (byte) 0);
                                                                        } catch (
                                                                                GeneralSecurityException
                                                                                        unreadable) {
                                                                            // under no key of this
                                                                            // keyring: left as it
                                                                            // is, and counted below
                                                                        }
                                                                    }
                                                                    rewritten.put(
                                                                            column.label(),
                                                                            moved.size());
                                                                    return column.write(tx, moved);
                                                                }));
                    }
                    return chain.compose(v -> underOtherKeys(tx, keyring))
                            .map(left -> new Result(rewritten, left));
                });
    }

    /**
     * How many values in the database are under a key other than {@code keyring}'s primary (none
     * may be, to retire).
     */
    public static Future<Integer> underOtherKeys(Db client, ServerKeyring keyring) {
        Future<Integer> count = Future.succeededFuture(0);
        for (KeyringColumns column : KeyringColumns.values()) {
            count =
                    count.compose(
                            n ->
                                    column.lockAll(client)
                                            .map(
                                                    values -> {
                                                        int other = 0;
                                                        for (KeyringColumns.Value value : values) {
                                                            try {
                                                                other +=
                                                                        ServerKeyring.keyIdOf(
                                                                                                value
                                                                                                        .ciphertext())
                                                                                        == keyring
                                                                                                .primaryKeyId()
                                                                                ? 0
                                                                                : 1;
                                                            } catch (
                                                                    GeneralSecurityException
                                                                            notWorking) {
                                                                other++;
                                                            }
                                                        }
                                                        return n + other;
                                                    }));
        }
        return count;
    }
}
