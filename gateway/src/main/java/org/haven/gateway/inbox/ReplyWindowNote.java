package org.haven.gateway.inbox;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.UUID;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ReplyWindows;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * The line on a WhatsApp case's page that says how a reply will go: as written, while the 24-hour
 * window since the person's last message is open; or announced by the approved template and
 * delivered when the person writes again, once it has closed. Other channels get nothing.
 */
final class ReplyWindowNote {
    static final Duration WINDOW = Duration.ofHours(24);

    private ReplyWindowNote() {}

    /** The note for a case, or an empty string. */
    static Future<String> of(Db db, String language, String channel, UUID caseId) {
        if (!"whatsapp".equals(channel)) {
            return Future.succeededFuture("");
        }
        return ReplyWindows.findForCase(db, caseId, WINDOW)
                .map(
                        found -> {
                            boolean open = found.isPresent() && found.get().open();
                            String text =
                                    open
                                            ? Text.t(language, "case.window.open")
                                                    .replace(
                                                            "{date}",
                                                            Labels.when(found.get().closesAt()))
                                            : Text.t(language, "case.window.closed");
                            return "<p class=\"window "
                                    + (open ? "open" : "closed")
                                    + "\" id=\"reply-window\">"
                                    + Html.esc(text)
                                    + "</p>";
                        })
                .otherwise("");
    }
}
