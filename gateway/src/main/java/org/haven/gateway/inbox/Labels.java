package org.haven.gateway.inbox;

import java.time.OffsetDateTime;
import java.util.List;
import org.haven.gateway.outbox.Delivery;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.haven.gateway.web.Times;

/** Small display helpers shared by the inbox pages. */
final class Labels {
    static final List<String> QUEUES = List.of("new", "mine", "waiting", "closed");

    private Labels() {}

    /** A time as every page shows it: in full, to the second, in UTC ({@link Times}). */
    static String when(OffsetDateTime t) {
        return Times.full(t);
    }

    static String triage(String language, String triage) {
        return Text.t(language, "triage." + triage);
    }

    static String status(String language, String status) {
        return Text.t(language, "status." + status);
    }

    /** A case's working group as shown: its id, or that every group's coordinators may take it. */
    static String group(String language, String group) {
        return group == null ? Text.t(language, "group.any") : group;
    }

    /**
     * A case's triage as HTML, with a mark when the person asked for a person, and first, one
     * nobody can miss when the duress word was used.
     */
    static String triage(String language, CaseSummary c) {
        String text = Html.esc(triage(language, c.triage()));
        if (c.askedForPerson()) {
            text +=
                    " <span class=\"mark asked\">"
                            + Text.t(language, "mark.asked_for_person")
                            + "</span>";
        }
        return c.flagged()
                ? "<strong class=\"mark duress\">"
                        + Text.t(language, "mark.duress")
                        + "</strong> "
                        + text
                : text;
    }

    /** A case's status as HTML, with a mark when the person's message reopened it. */
    static String status(String language, CaseSummary c) {
        String text = Html.esc(status(language, c.status()));
        return c.reopened()
                ? text
                        + " <span class=\"mark reopened\">"
                        + Text.t(language, "status.reopened")
                        + "</span>"
                : text;
    }

    /**
     * What became of a coordinator's reply, in words: waiting for the person to come back (and
     * until when), shown or sent, or plainly not delivered; empty when unknown (the person deleted
     * their conversation, or the reply is older than this record).
     */
    static String delivery(String language, Delivery d) {
        if (d == null) {
            return "";
        }
        String date = when(d.expiresAt());
        String key;
        String cls = "";
        switch (d.status()) {
            case "pending" ->
                    key =
                            !d.waitingForPerson()
                                    ? "delivery.sending"
                                    : "whatsapp".equals(d.channel())
                                            ? "delivery.waiting_whatsapp"
                                            : "delivery.waiting";
            case "sent" ->
                    key =
                            "webchat".equals(d.channel())
                                    ? "delivery.shown"
                                    : "delivered".equals(d.deliveryStatus())
                                                    || "read".equals(d.deliveryStatus())
                                            ? "delivery.delivered"
                                            : "delivery.sent";
            case "expired" -> {
                key = "delivery.expired";
                cls = " failed";
            }
            default -> {
                key = "delivery.failed";
                cls = " failed";
            }
        }
        return "<p class=\"delivery"
                + cls
                + "\">"
                + Html.esc(Text.t(language, key).replace("{date}", date))
                + "</p>";
    }
}
