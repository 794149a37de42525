package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * The intake scripts administrators uploaded: one is active, the newest; the older ones are kept.
 */
public final class IntakeScriptStore {
    private IntakeScriptStore() {}

    /** An uploaded script with its referral directory, as text, and who uploaded it. */
    public record Stored(String script, String directory, String uploadedBy) {}

    /** The active upload, if an administrator made one. */
    public static Future<Optional<Stored>> active(Db db) {
        return db.query(
                        "SELECT script, directory, uploaded_by FROM intake_scripts WHERE active ORDER BY id DESC LIMIT 1")
                .execute()
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.empty()
                                        : Optional.of(
                                                new Stored(
                                                        rs.iterator().next().getString(0),
                                                        rs.iterator().next().getString(1),
                                                        rs.iterator().next().getString(2))));
    }

    /**
     * Stores {@code upload} as the active script, in one transaction with the end of the one
     * before.
     */
    public static Future<Void> activate(Db db, Stored upload) {
        return db.transaction(
                tx ->
                        tx.query("UPDATE intake_scripts SET active = false WHERE active")
                                .execute()
                                .compose(
                                        v ->
                                                tx.preparedQuery(
                                                                "INSERT INTO intake_scripts (script, directory, uploaded_by) VALUES ($1, $2, $3)")
                                                        .execute(
                                                                Tuple.of(
                                                                        upload.script(),
                                                                        upload.directory(),
                                                                        upload.uploadedBy())))
                                .mapEmpty());
    }
}
