package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The canned replies coordinators pick on a case's reply box ({@code canned_replies}, {@code
 * canned_reply_texts}): a title and a text per language, in the order administrators give them.
 * They are the organisation's words, not personal data, so they are kept in clear; callers never
 * log them.
 */
public final class CannedReplyStore {
    /** The longest title, as the table checks it. */
    public static final int MAX_TITLE = 200;

    /** The longest text, as the table checks it (a reply's own limit). */
    public static final int MAX_TEXT = 4000;

    /** The settings key that says the script's {@code canned_*} messages were copied in once. */
    static final String SEEDED = "canned_replies_seeded";

    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");

    private CannedReplyStore() {}

    /** A canned reply's title and text in one language. */
    public record Version(String title, String text) {}

    /**
     * A canned reply.
     *
     * @param id its id
     * @param versions language code → its title and text there, in language order
     */
    public record CannedReply(long id, Map<String, Version> versions) {
        /** Makes an immutable reply. */
        public CannedReply {
            versions = Collections.unmodifiableMap(new LinkedHashMap<>(versions));
        }

        /** Its title and text in {@code language}, if it has them. */
        public Optional<Version> in(String language) {
            return Optional.ofNullable(versions.get(language));
        }
    }

    /** Every canned reply, in order. */
    public static Future<List<CannedReply>> list(Db db) {
        return db.query(
                        "SELECT r.id, t.language, t.title, t.text FROM canned_replies r"
                                + " LEFT JOIN canned_reply_texts t ON t.reply_id = r.id"
                                + " ORDER BY r.position, r.id, t.language")
                .execute()
                .map(
                        rows -> {
                            Map<Long, Map<String, Version>> byId = new LinkedHashMap<>();
                            for (Row r : rows) {
                                Map<String, Version> v =
                                        byId.computeIfAbsent(
                                                r.getLong(0), id -> new LinkedHashMap<>());
                                if (r.getString(1) != null) {
                                    v.put(
                                            r.getString(1),
                                            new Version(r.getString(2), r.getString(3)));
                                }
                            }
                            List<CannedReply> out = new ArrayList<>();
                            byId.forEach((id, v) -> out.add(new CannedReply(id, v)));
                            return out;
                        });
    }

    /** One canned reply, if it exists. */
    public static Future<Optional<CannedReply>> find(Db db, long id) {
        return db.preparedQuery(
                        "SELECT r.id, t.language, t.title, t.text FROM canned_replies r"
                                + " LEFT JOIN canned_reply_texts t ON t.reply_id = r.id"
                                + " WHERE r.id = $1 ORDER BY t.language")
                .execute(Tuple.of(id))
                .map(
                        rows -> {
                            if (rows.size() == 0) {
                                return Optional.empty();
                            }
                            Map<String, Version> v = new LinkedHashMap<>();
                            for (Row r : rows) {
                                if (r.getString(1) != null) {
                                    v.put(
                                            r.getString(1),
                                            new Version(r.getString(2), r.getString(3)));
                                }
                            }
                            return Optional.of(new CannedReply(id, v));
                        });
    }

    /**
     * Adds a canned reply after the others; returns its id.
     *
     * @param versions language code → title and text; at least one
     */
    public static Future<Long> add(Db db, Map<String, Version> versions) {
        Future<Void> checked = check(versions);
        if (checked.failed()) {
            return checked.map(0L);
        }
        return db.transaction(
                tx ->
                        tx.query(
                                        "INSERT INTO canned_replies (position)"
                                                + " SELECT coalesce(max(position), 0) + 1 FROM canned_replies"
                                                + " RETURNING id")
                                .execute()
                                .compose(
                                        rows -> {
                                            long id = rows.iterator().next().getLong(0);
                                            return insertTexts(tx, id, versions).map(id);
                                        }));
    }

    /**
     * Replaces a canned reply's titles and texts (a language left out is removed); false when it
     * does not exist.
     */
    public static Future<Boolean> replace(Db db, long id, Map<String, Version> versions) {
        Future<Void> checked = check(versions);
        if (checked.failed()) {
            return checked.map(false);
        }
        return db.transaction(
                tx ->
                        tx.preparedQuery(
                                        "UPDATE canned_replies SET updated_at = now() WHERE id = $1"
                                                + " RETURNING id")
                                .execute(Tuple.of(id))
                                .compose(
                                        found -> {
                                            if (found.size() == 0) {
                                                return Future.succeededFuture(false);
                                            }
                                            return tx.preparedQuery(
                                                            "DELETE FROM canned_reply_texts WHERE reply_id = $1")
                                                    .execute(Tuple.of(id))
                                                    .compose(v -> insertTexts(tx, id, versions))
                                                    .map(true);
                                        }));
    }

    /** Deletes a canned reply in every language; false when it did not exist. */
    public static Future<Boolean> delete(Db db, long id) {
        return db.preparedQuery("DELETE FROM canned_replies WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * Moves a canned reply one place up (earlier) or down; false when it does not exist or is
     * already first (last). The order is renumbered 1..n under a lock, so two administrators moving
     * at once cannot leave two replies in one place.
     */
    public static Future<Boolean> move(Db db, long id, boolean up) {
        return db.transaction(
                tx ->
                        tx.query("SELECT id FROM canned_replies ORDER BY position, id FOR UPDATE")
                                .execute()
                                .compose(
                                        rows -> {
                                            List<Long> order = new ArrayList<>();
                                            rows.forEach(r -> order.add(r.getLong(0)));
                                            int at = order.indexOf(id);
                                            int to = up ? at - 1 : at + 1;
                                            if (at < 0 || to < 0 || to >= order.size()) {
                                                return Future.succeededFuture(false);
                                            }
                                            order.set(at, order.get(to));
                                            order.set(to, id);
                                            return tx.preparedQuery(
                                                            "UPDATE canned_replies c SET position = o.n"
                                                                    + " FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n)"
                                                                    + " WHERE c.id = o.id")
                                                    .execute(
                                                            Tuple.tuple()
                                                                    .addArrayOfLong(
                                                                            order.toArray(
                                                                                    new Long[0])))
                                                    .map(true);
                                        }));
    }

    /**
     * Adds {@code replies}, in order, the first time it is called on a database and never again
     * (also when an administrator has since deleted them all); answers whether it added them. Two
     * gateways starting at once add them once.
     */
    public static Future<Boolean> seedOnce(Db db, List<Map<String, Version>> replies) {
        return db.transaction(
                tx ->
                        tx.preparedQuery(
                                        "INSERT INTO settings (key, value) VALUES ($1, 'yes')"
                                                + " ON CONFLICT (key) DO NOTHING RETURNING key")
                                .execute(Tuple.of(SEEDED))
                                .compose(
                                        rows -> {
                                            if (rows.size() == 0) {
                                                return Future.succeededFuture(false);
                                            }
                                            Future<Long> added = Future.succeededFuture(0L);
                                            for (Map<String, Version> r : replies) {
                                                if (!r.isEmpty()) {
                                                    added = added.compose(x -> add(tx, r));
                                                }
                                            }
                                            return added.map(true);
                                        }));
    }

    private static Future<Void> insertTexts(Db tx, long id, Map<String, Version> versions) {
        List<Tuple> batch = new ArrayList<>();
        versions.forEach((l, v) -> batch.add(Tuple.of(id, l, v.title(), v.text())));
        return tx.preparedQuery(
                        "INSERT INTO canned_reply_texts (reply_id, language, title, text)"
                                + " VALUES ($1, $2, $3, $4)")
                .executeBatch(batch)
                .mapEmpty();
    }

    private static Future<Void> check(Map<String, Version> versions) {
        if (versions.isEmpty()) {
            return Future.failedFuture(
                    new IllegalArgumentException("a canned reply needs at least one language"));
        }
        for (Map.Entry<String, Version> e : versions.entrySet()) {
            Version v = e.getValue();
            if (!LANGUAGE.matcher(e.getKey()).matches()
                    || v.title() == null
                    || v.title().isBlank()
                    || v.title().length() > MAX_TITLE
                    || v.text() == null
                    || v.text().isBlank()
                    || v.text().length() > MAX_TEXT) {
                // the language code only: titles and texts are never put in an error
                return Future.failedFuture(
                        new IllegalArgumentException(
                                "a canned reply's title or text is empty or too long in "
                                        + (LANGUAGE.matcher(e.getKey()).matches()
                                                ? e.getKey()
                                                : "an unknown language")));
            }
        }
        return Future.succeededFuture();
    }
}
