package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/**
 * When a person last wrote on a channel that only allows free-form replies for a while after that
 * (WhatsApp: 24 hours), and when the template announcing a held reply was last sent. Times only,
 * gone with the conversation. The database's clock decides, so every gateway agrees.
 */
public final class ReplyWindows {
    private ReplyWindows() {}

    /**
     * A conversation's window.
     *
     * @param open whether a free-form reply may be sent now
     * @param lastInbound when the person last wrote
     * @param closesAt when the window closes (or closed)
     * @param templatePending whether the template went out since the person last wrote (a held
     *     reply waits for their answer)
     */
    public record Window(
            boolean open,
            OffsetDateTime lastInbound,
            OffsetDateTime closesAt,
            boolean templatePending) {}

    /** Records that the person wrote just now. */
    public static Future<Void> touch(Db db, UUID conversationId) {
        return db.preparedQuery(
                        "INSERT INTO reply_windows (conversation_id, last_inbound_at) VALUES ($1, now())"
                                + " ON CONFLICT (conversation_id) DO UPDATE SET last_inbound_at = now()")
                .execute(Tuple.of(conversationId))
                .mapEmpty();
    }

    /** The conversation's window, empty when the person never wrote on such a channel. */
    public static Future<Optional<Window>> find(Db db, UUID conversationId, Duration length) {
        return db.preparedQuery(
                        "SELECT last_inbound_at > now() - make_interval(secs => $2) AS open,"
                                + " last_inbound_at, last_inbound_at + make_interval(secs => $2) AS closes_at,"
                                + " coalesce(template_sent_at >= last_inbound_at, false) AS template_pending"
                                + " FROM reply_windows WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId, (double) length.toSeconds()))
                .map(
                        rows -> {
                            if (rows.size() == 0) {
                                return Optional.empty();
                            }
                            Row r = rows.iterator().next();
                            return Optional.of(
                                    new Window(
                                            r.getBoolean("open"),
                                            r.getOffsetDateTime("last_inbound_at"),
                                            r.getOffsetDateTime("closes_at"),
                                            r.getBoolean("template_pending")));
                        });
    }

    /** The window of a case's conversation, empty when there is none. */
    public static Future<Optional<Window>> findForCase(Db db, UUID caseId, Duration length) {
        return db.preparedQuery("SELECT conversation_id FROM cases WHERE id = $1")
                .execute(Tuple.of(caseId))
                .compose(
                        rows -> {
                            UUID conversation =
                                    rows.size() == 0
                                            ? null
                                            : rows.iterator().next().getUUID("conversation_id");
                            return conversation == null
                                    ? Future.succeededFuture(Optional.<Window>empty())
                                    : find(db, conversation, length);
                        });
    }

    /**
     * Claims the sending of the template for the person's current silence: true once per silence
     * (not since they last wrote), on whichever gateway asks first.
     */
    public static Future<Boolean> claimTemplate(Db db, UUID conversationId) {
        return db.preparedQuery(
                        "UPDATE reply_windows SET template_sent_at = now() WHERE conversation_id = $1"
                                + " AND (template_sent_at IS NULL OR template_sent_at < last_inbound_at)")
                .execute(Tuple.of(conversationId))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Gives the claim back when the template could not be sent, so the next try sends it. */
    public static Future<Void> releaseTemplate(Db db, UUID conversationId) {
        return db.preparedQuery(
                        "UPDATE reply_windows SET template_sent_at = NULL WHERE conversation_id = $1")
                .execute(Tuple.of(conversationId))
                .mapEmpty();
    }
}
