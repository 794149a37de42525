package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.CaseQuery;
import org.haven.gateway.store.CaseReads;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * The queues at {@code /inbox}: new, mine, waiting and closed, urgent first, filtered by working
 * group, label, channel, date and text. Text search opens the cases with the user's key in memory;
 * nothing is indexed in clear. Agency users see their own referrals' status only.
 */
public final class QueueRoutes {
    /** What a text search looks in: what people said and wrote, never the contact entry. */
    private static final Set<EntryKind> SEARCHED =
            Set.of(
                    EntryKind.ANSWERS,
                    EntryKind.MESSAGE_IN,
                    EntryKind.MESSAGE_OUT,
                    EntryKind.NOTE,
                    EntryKind.REFERRAL);

    private final CaseStore cases;
    private final CaseEntries entries;
    private final SessionGuard guard;
    private final ActiveScript script;
    private final List<String> channels;

    /**
     * @param script the intake script in use, whose working groups a queue is filtered by
     * @param channels the names of the channels this gateway runs, in the order registered
     */
    public QueueRoutes(
            CaseStore cases,
            TeamKeys teamKeys,
            SessionGuard guard,
            KeyedHash auditKey,
            ActiveScript script,
            List<String> channels) {
        this.entries = new CaseEntries(cases, teamKeys, auditKey);
        this.cases = cases;
        this.guard = guard;
        this.script = script;
        this.channels = List.copyOf(channels);
    }

    public void mount(Router router) {
        router.get("/inbox")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            if (s.isAgency()) {
                                                agencyList(ctx, s);
                                            } else {
                                                queue(ctx, s);
                                            }
                                        }));
    }

    private void queue(RoutingContext ctx, InboxSession s) {
        String l = s.language();
        String queue = param(ctx, "queue");
        if (queue == null || !Labels.QUEUES.contains(queue)) {
            queue = "new";
        }
        String group = oneOf(param(ctx, "group"), script.workingGroups());
        String channel = oneOf(param(ctx, "channel"), channels);
        String label = param(ctx, "label");
        LocalDate from = date(param(ctx, "from"));
        LocalDate to = date(param(ctx, "to"));
        String text = param(ctx, "q");
        Set<String> visible = s.isAdmin() ? null : s.groups();
        CaseQuery q =
                new CaseQuery(queue, s.accountId(), visible, null, group, label, channel, from, to);
        String currentQueue = queue;
        cases.list(q)
                .compose(
                        list ->
                                text == null
                                        ? Future.succeededFuture(list)
                                        : matching(list, text, s))
                .compose(
                        list ->
                                Future.all(
                                                cases.labelsInUse(),
                                                cases.countNew(visible),
                                                cases.awaitingReply(ids(list)),
                                                CaseReads.unread(
                                                        cases.db(), s.accountId(), ids(list)))
                                        .map(
                                                all ->
                                                        render(
                                                                s,
                                                                currentQueue,
                                                                new Listed(
                                                                        list,
                                                                        all.resultAt(1),
                                                                        all.resultAt(2),
                                                                        all.resultAt(3)),
                                                                all.resultAt(0),
                                                                ctx)))
                .onSuccess(html -> SessionGuard.html(ctx, 200, html))
                .onFailure(ctx::fail);
    }

    private static List<UUID> ids(List<CaseSummary> list) {
        return list.stream().map(CaseSummary::id).toList();
    }

    /** Keeps the cases whose decrypted entries contain {@code text} (case-insensitive). */
    private Future<List<CaseSummary>> matching(
            List<CaseSummary> list, String text, InboxSession s) {
        String needle = text.toLowerCase(Locale.ROOT);
        List<Future<CaseSummary>> checks = new ArrayList<>();
        for (CaseSummary c : list) {
            if (c.reference().equalsIgnoreCase(text)) {
                checks.add(Future.succeededFuture(c));
                continue;
            }
            checks.add(
                    entries.read(c.id(), SEARCHED, s.teamKeys(), null, null)
                            .map(read -> contains(read, needle) ? c : null));
        }
        return Future.all(checks)
                .map(
                        cf -> {
                            List<CaseSummary> out = new ArrayList<>();
                            for (int i = 0; i < cf.size(); i++) {
                                CaseSummary c = cf.resultAt(i);
                                if (c != null) {
                                    out.add(c);
                                }
                            }
                            return out;
                        });
    }

    private static boolean contains(List<CaseEntries.Opened> read, String needle) {
        // an entry this session's key cannot open does not match
        return read.stream()
                .flatMap(e -> e.content().stream())
                .anyMatch(doc -> doc.encode().toLowerCase(Locale.ROOT).contains(needle));
    }

    /**
     * A queue view's cases, how many new cases there are in the person's groups (the page title
     * counts them, inbox.js notifies of urgent ones) and which listed cases wait for a reply, and
     * which this account has not read to the end.
     */
    private record Listed(
            List<CaseSummary> cases,
            CaseStore.NewCases fresh,
            Set<UUID> awaiting,
            Map<UUID, CaseReads.Unread> unread) {}

    private String render(
            InboxSession s, String queue, Listed listed, List<String> labels, RoutingContext ctx) {
        String l = s.language();
        String table = table(l, listed);
        if ("queue".equals(param(ctx, "partial"))) {
            return table;
        }
        StringBuilder b =
                new StringBuilder("<h1>").append(Text.t(l, "queue.title")).append("</h1>");
        String notice = param(ctx, "m");
        if (notice != null) {
            b.append(Html.notice(Text.t(l, notice)));
        }
        b.append("<nav class=\"tabs\" aria-label=\"")
                .append(Text.t(l, "queue.title"))
                .append("\"><ul>");
        for (String q : Labels.QUEUES) {
            b.append("<li><a href=\"/inbox?queue=")
                    .append(q)
                    .append("\"")
                    .append(q.equals(queue) ? " aria-current=\"page\"" : "")
                    .append(">")
                    .append(Text.t(l, "queue." + q))
                    .append("</a></li>");
        }
        b.append("</ul></nav>");
        b.append(
                        "<form method=\"get\" action=\"/inbox\" class=\"filters\"><input type=\"hidden\" name=\"queue\" value=\"")
                .append(queue)
                .append("\">")
                .append(
                        select(
                                l,
                                "group",
                                "filter.group",
                                script.workingGroups(),
                                param(ctx, "group")))
                .append(select(l, "channel", "filter.channel", channels, param(ctx, "channel")))
                .append(select(l, "label", "filter.label", labels, param(ctx, "label")))
                .append(input("from", Text.t(l, "filter.from"), "date", param(ctx, "from")))
                .append(input("to", Text.t(l, "filter.to"), "date", param(ctx, "to")))
                .append(input("q", Text.t(l, "filter.text"), "search", param(ctx, "q")))
                .append("<button type=\"submit\">")
                .append(Text.t(l, "filter"))
                .append("</button></form>");
        b.append("<p id=\"live-status\" class=\"sr-only\" role=\"status\" data-text=\"")
                .append(Html.esc(Text.t(l, "live")))
                .append("\"></p>");
        b.append(
                        "<p><button type=\"button\" class=\"secondary\" id=\"notify-urgent\" hidden data-on=\"")
                .append(Html.esc(Text.t(l, "queue.notify.on")))
                .append("\">")
                .append(Text.t(l, "queue.notify"))
                .append("</button></p>");
        b.append(table);
        long count = listed.fresh().count();
        return Html.page(
                l,
                (count > 0 ? "(" + count + ") " : "") + Text.t(l, "queue." + queue),
                s,
                b.toString());
    }

    private static String table(String l, Listed listed) {
        List<CaseSummary> list = listed.cases();
        StringBuilder b =
                new StringBuilder("<div data-live=\"queue\" id=\"queue\" data-new=\"")
                        .append(listed.fresh().count())
                        .append("\" data-urgent=\"")
                        .append(listed.fresh().urgent())
                        .append("\" data-notify=\"")
                        .append(Html.esc(Text.t(l, "queue.notify.text")))
                        .append("\">");
        if (list.isEmpty()) {
            b.append("<p class=\"empty\">").append(Text.t(l, "queue.empty")).append("</p>");
        } else {
            b.append("<table class=\"queue\"><caption class=\"sr-only\">")
                    .append(Text.t(l, "queue.caption"))
                    .append("</caption><thead><tr>");
            for (String col :
                    List.of(
                            "col.case",
                            "col.triage",
                            "col.group",
                            "col.channel",
                            "col.language",
                            "col.status",
                            "col.assigned",
                            "col.labels",
                            "col.received")) {
                b.append("<th scope=\"col\">").append(Text.t(l, col)).append("</th>");
            }
            b.append("</tr></thead><tbody>");
            for (CaseSummary c : list) {
                b.append("<tr")
                        .append(c.urgent() ? " class=\"urgent\"" : "")
                        // inbox.js: c claims a row chosen with j/k, as the case page's Claim would
                        .append("queued".equals(c.status()) ? " data-claimable" : "")
                        .append("><td><a href=\"/inbox/cases/")
                        .append(c.id())
                        .append("\">")
                        .append(Html.esc(c.reference()))
                        .append("</a>")
                        .append(unreadMark(l, listed.unread().get(c.id())))
                        .append(
                                listed.awaiting().contains(c.id())
                                        ? " <span class=\"mark awaiting\">"
                                                + Text.t(l, "queue.awaiting")
                                                + "</span>"
                                        : "")
                        .append("</td>")
                        .append(cell(l, "col.triage", Labels.triage(l, c)))
                        .append(cell(l, "col.group", Html.esc(Labels.group(l, c.workingGroup()))))
                        .append(cell(l, "col.channel", Html.esc(c.channel())))
                        .append(cell(l, "col.language", Html.esc(c.language())))
                        .append(cell(l, "col.status", Labels.status(l, c)))
                        .append(cell(l, "col.assigned", Html.esc(c.assignee())))
                        .append(cell(l, "col.labels", Html.esc(String.join(", ", c.labels()))))
                        .append(cell(l, "col.received", Labels.when(c.createdAt())))
                        .append("</tr>");
            }
            b.append("</tbody></table>");
        }
        return b.append("</div>").toString();
    }

    /**
     * "Unread" for a case this account never opened, "New message" for one with an entry since it
     * last did; words, not only a colour or a dot, so a screen reader says them with the reference.
     */
    private static String unreadMark(String l, CaseReads.Unread unread) {
        if (unread == null) {
            return "";
        }
        return unread == CaseReads.Unread.NEVER_OPENED
                ? " <span class=\"mark unread\">" + Text.t(l, "queue.unread") + "</span>"
                : " <span class=\"mark unread new-message\">"
                        + Text.t(l, "queue.new_message")
                        + "</span>";
    }

    /**
     * One cell, named by its column for the narrow layout, where each row is a card and the names
     * stand before the values (inbox.css); an empty cell is left out of the card.
     */
    private static String cell(String l, String column, String html) {
        return "<td data-label=\""
                + Html.esc(Text.t(l, column))
                + "\""
                + (html.isEmpty() ? " class=\"empty\"" : "")
                + ">"
                + html
                + "</td>";
    }

    private void agencyList(RoutingContext ctx, InboxSession s) {
        String l = s.language();
        CaseQuery q =
                new CaseQuery(
                        "all",
                        s.accountId(),
                        null,
                        s.agencyId() == null ? -1L : s.agencyId(),
                        null,
                        null,
                        null,
                        null,
                        null);
        Future.all(cases.list(withQueue(q, "open")), cases.list(withQueue(q, "closed")))
                .onSuccess(
                        cf -> {
                            List<CaseSummary> all =
                                    new ArrayList<>(cf.<List<CaseSummary>>resultAt(0));
                            all.addAll(cf.<List<CaseSummary>>resultAt(1));
                            StringBuilder b =
                                    new StringBuilder("<h1>")
                                            .append(Text.t(l, "referrals.mine"))
                                            .append("</h1>");
                            if (all.isEmpty()) {
                                b.append("<p>").append(Text.t(l, "queue.empty")).append("</p>");
                            } else {
                                b.append("<table class=\"queue\"><thead><tr><th scope=\"col\">")
                                        .append(Text.t(l, "col.case"))
                                        .append("</th><th scope=\"col\">")
                                        .append(Text.t(l, "col.status"))
                                        .append("</th><th scope=\"col\">")
                                        .append(Text.t(l, "col.received"))
                                        .append("</th></tr></thead><tbody>");
                                for (CaseSummary c : all) {
                                    b.append("<tr><td><a href=\"/inbox/cases/")
                                            .append(c.id())
                                            .append("\">")
                                            .append(Html.esc(c.reference()))
                                            .append("</a></td><td>")
                                            .append(
                                                    Html.esc(
                                                            Text.t(
                                                                    l,
                                                                    "agency.status."
                                                                            + c.agencyStatus())))
                                            .append("</td><td>")
                                            .append(Labels.when(c.createdAt()))
                                            .append("</td></tr>");
                                }
                                b.append("</tbody></table>");
                            }
                            SessionGuard.html(
                                    ctx,
                                    200,
                                    Html.page(l, Text.t(l, "referrals.mine"), s, b.toString()));
                        })
                .onFailure(ctx::fail);
    }

    private static CaseQuery withQueue(CaseQuery q, String queue) {
        return new CaseQuery(
                queue,
                q.viewerId(),
                q.visibleGroups(),
                q.agencyId(),
                q.group(),
                q.label(),
                q.channel(),
                q.from(),
                q.to());
    }

    private static String select(
            String l, String name, String labelKey, List<String> values, String current) {
        StringBuilder b =
                new StringBuilder("<label for=\"f-")
                        .append(name)
                        .append("\">")
                        .append(Text.t(l, labelKey))
                        .append("</label><select id=\"f-")
                        .append(name)
                        .append("\" name=\"")
                        .append(name)
                        .append("\"><option value=\"\">")
                        .append(Text.t(l, "filter.any"))
                        .append("</option>");
        for (String v : values) {
            b.append("<option")
                    .append(v.equals(current) ? " selected" : "")
                    .append(">")
                    .append(Html.esc(v))
                    .append("</option>");
        }
        return b.append("</select>").toString();
    }

    private static String input(String name, String label, String type, String value) {
        return "<label for=\"f-"
                + name
                + "\">"
                + Html.esc(label)
                + "</label><input id=\"f-"
                + name
                + "\" name=\""
                + name
                + "\" type=\""
                + type
                + "\" value=\""
                + Html.value(value)
                + "\">";
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static String oneOf(String v, List<String> allowed) {
        return v != null && allowed.contains(v) ? v : null;
    }

    private static LocalDate date(String v) {
        if (v == null) {
            return null;
        }
        try {
            return LocalDate.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
