package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Delivery;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page of one case for a coordinator: its answers and whole conversation, opened with the
 * session's key, with the work forms; for an agency worker, their referral's status and the answers
 * shared with the agency. Each view is audited as it is opened.
 */
final class CaseView {
    private static final Logger LOG = LoggerFactory.getLogger(CaseView.class);

    /** The longest reply or note a coordinator may write, in characters. */
    static final int MAX_TEXT = 4000;

    /** The statuses a coordinator may set. */
    static final List<String> STATUSES = List.of("claimed", "waiting", "closed");

    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final Outbox outbox;
    private final CaseEntries entries;

    CaseView(AccountStore accounts, TeamKeys teamKeys, Outbox outbox, CaseEntries entries) {
        this.teamKeys = teamKeys;
        this.accounts = accounts;
        this.outbox = outbox;
        this.entries = entries;
    }

    void show(RoutingContext ctx, InboxSession s, CaseSummary c) {
        if (s.isAgency()) {
            agencyView(ctx, s, c);
            return;
        }
        Future<List<Account>> staffFuture =
                s.isAdmin() ? accounts.list() : Future.succeededFuture(List.of());
        Future<Map<Integer, Delivery>> deliveries = outbox.deliveries(c.id());
        Future<String> window =
                ReplyWindowNote.of(accounts.db(), s.language(), c.channel(), c.id());
        entries.read(c.id(), Set.of(), s.teamKeys(), s.username(), read -> "case_view")
                .compose(
                        read ->
                                staffFuture.compose(
                                        staff ->
                                                deliveries.compose(
                                                        d ->
                                                                window.map(
                                                                        w ->
                                                                                new Loaded(
                                                                                        read, staff,
                                                                                        d)))))
                .onSuccess(
                        loaded -> {
                            LOG.info("event=case_viewed case={} account={}", c.id(), s.accountId());
                            String conversation =
                                    conversation(s, c, loaded.entries(), loaded.deliveries());
                            if ("conversation".equals(ctx.request().getParam("partial"))) {
                                SessionGuard.html(ctx, 200, conversation);
                                return;
                            }
                            SessionGuard.html(
                                    ctx,
                                    200,
                                    Html.page(
                                            s.language(),
                                            Text.t(s.language(), "case") + " " + c.reference(),
                                            s,
                                            render(
                                                    ctx,
                                                    s,
                                                    c,
                                                    window.result() + conversation,
                                                    loaded.staff())));
                        })
                .onFailure(ctx::fail);
    }

    private record Loaded(
            List<CaseEntries.Opened> entries,
            List<Account> staff,
            Map<Integer, Delivery> deliveries) {}

    private String render(
            RoutingContext ctx,
            InboxSession s,
            CaseSummary c,
            String conversation,
            List<Account> staff) {
        String l = s.language();
        boolean holder = c.assignedTo() != null && c.assignedTo() == s.accountId();
        boolean canWork = holder || s.isAdmin();
        StringBuilder b = new StringBuilder();
        b.append("<p><a href=\"/inbox\">← ").append(Text.t(l, "case.back")).append("</a></p>");
        String m = ctx.request().getParam("m");
        if (m != null && m.matches("[a-z_.]+")) {
            b.append(
                    m.equals("case.claimed_by_other")
                                    || m.equals("case.not_yours")
                                    || m.equals("case.reply.none")
                                    || m.equals("case.empty_text")
                                    || m.equals("case.reply.duress_held")
                            ? Html.error(Text.t(l, m))
                            : Html.notice(Text.t(l, m)));
        }
        if (c.flagged()) {
            b.append(Html.error(Text.t(l, "mark.duress")));
        }
        b.append("<h1>")
                .append(Text.t(l, "case"))
                .append(" ")
                .append(Html.esc(c.reference()))
                .append("</h1>")
                .append("<dl class=\"meta\"><dt>")
                .append(Text.t(l, "col.triage"))
                .append("</dt><dd>")
                .append(Labels.triage(l, c))
                .append("</dd><dt>")
                .append(Text.t(l, "col.group"))
                .append("</dt><dd>")
                .append(Html.esc(Labels.group(l, c.workingGroup())))
                .append("</dd><dt>")
                .append(Text.t(l, "col.channel"))
                .append("</dt><dd>")
                .append(Html.esc(c.channel()))
                .append("</dd><dt>")
                .append(Text.t(l, "col.language"))
                .append("</dt><dd>")
                .append(Html.esc(c.language()))
                .append("</dd><dt>")
                .append(Text.t(l, "col.status"))
                .append("</dt><dd id=\"case-status\">")
                .append(Labels.status(l, c))
                .append("</dd><dt>")
                .append(Text.t(l, "col.assigned"))
                .append("</dt><dd>")
                .append(Html.esc(c.assignee()))
                .append("</dd><dt>")
                .append(Text.t(l, "col.labels"))
                .append("</dt><dd>")
                .append(Html.esc(String.join(", ", c.labels())))
                .append("</dd></dl>");
        b.append("<div class=\"actions\">");
        if ("queued".equals(c.status())) {
            b.append(
                    form(
                            s,
                            c,
                            "claim",
                            "<button type=\"submit\" id=\"claim\">"
                                    + Text.t(l, "case.claim")
                                    + "</button>"));
        } else if (canWork && !"closed".equals(c.status())) {
            b.append(
                    form(
                            s,
                            c,
                            "release",
                            "<button type=\"submit\" class=\"secondary\">"
                                    + Text.t(l, "case.release")
                                    + "</button>"));
        }
        if (s.isAdmin() && !"closed".equals(c.status())) {
            StringBuilder options = new StringBuilder();
            for (Account a : staff) {
                boolean fits =
                        "admin".equals(a.role())
                                || ("coordinator".equals(a.role()) && c.inGroups(a.groups()));
                if (fits) {
                    options.append("<option value=\"")
                            .append(a.id())
                            .append("\"")
                            .append(
                                    c.assignedTo() != null && c.assignedTo() == a.id()
                                            ? " selected"
                                            : "")
                            .append(">")
                            .append(Html.esc(a.username()))
                            .append("</option>");
                }
            }
            b.append(
                    form(
                            s,
                            c,
                            "reassign",
                            "<label for=\"assignee\">"
                                    + Text.t(l, "case.assign")
                                    + "</label><select id=\"assignee\""
                                    + " name=\"account\">"
                                    + options
                                    + "</select><button type=\"submit\" class=\"secondary\">"
                                    + Text.t(l, "case.assign.save")
                                    + "</button>"));
        }
        b.append("</div>");
        b.append("<p id=\"live-status\" class=\"sr-only\" role=\"status\" data-text=\"")
                .append(Html.esc(Text.t(l, "live")))
                .append("\"></p>");
        b.append(conversation);
        if (canWork) {
            b.append(workForms(s, c));
        }
        b.append(CaseExport.form(s, c));
        return b.toString();
    }

    private String conversation(
            InboxSession s,
            CaseSummary c,
            List<CaseEntries.Opened> opened,
            Map<Integer, Delivery> deliveries) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder("<section data-live=\"conversation\" data-case=\"")
                        .append(c.id())
                        .append("\" id=\"conversation\" aria-labelledby=\"conv-h\">");
        List<String> thread = new ArrayList<>();
        for (CaseEntries.Opened e : opened) {
            if (e.kind() == EntryKind.CONTACT) {
                continue; // where to reach the person: used to send a reply, not shown
            }
            if (e.kind() == EntryKind.ATTACHMENT && e.content().isPresent()) {
                thread.add(Attachments.item(l, c, e)); // a voice note, photo or document
                continue;
            }
            if (e.content().isEmpty()) {
                // a session from before a team key rotation (on this gateway or another) holds only
                // the old key
                boolean stale = s.teamKey(teamKeys.currentKeyId()).isEmpty();
                thread.add(
                        "<p class=\"error\">"
                                + Text.t(l, stale ? "case.rekeyed" : "case.unreadable")
                                + "</p>");
                continue;
            }
            JsonObject doc = e.content().get();
            if (e.kind() == EntryKind.ANSWERS) {
                b.append(answersList(l, doc));
                JsonArray refs = doc.getJsonArray("referrals", new JsonArray());
                if (!refs.isEmpty()) {
                    b.append("<h2>").append(Text.t(l, "case.referrals")).append("</h2><ul>");
                    refs.forEach(
                            r ->
                                    b.append("<li>")
                                            .append(Html.esc(String.valueOf(r)))
                                            .append("</li>"));
                    b.append("</ul>");
                }
                continue;
            }
            String who =
                    switch (e.kind()) {
                        case MESSAGE_IN -> Text.t(l, "case.from_person");
                        case MESSAGE_OUT ->
                                Text.t(l, "case.to_person") + " " + Html.esc(e.author());
                        case NOTE -> Text.t(l, "case.note") + " " + Html.esc(e.author());
                        default -> Text.t(l, "case.referral") + " " + Html.esc(e.author());
                    };
            String fate =
                    e.kind() == EntryKind.MESSAGE_OUT
                            ? Labels.delivery(l, deliveries.get(e.seq()))
                            : "";
            thread.add(
                    "<li class=\"entry "
                            + e.kind().stored()
                            + "\"><p class=\"by\">"
                            + who
                            + " · <time>"
                            + Labels.when(e.at())
                            + "</time></p><p class=\"text\">"
                            + Html.esc(e.text())
                            + "</p>"
                            + fate
                            + "</li>");
        }
        b.append("<h2 id=\"conv-h\">")
                .append(Text.t(l, "case.conversation"))
                .append("</h2><ol class=\"thread\">");
        thread.forEach(b::append);
        return b.append("</ol></section>").toString();
    }

    /** The intake answers of an opened answers entry, as a heading and a definition list. */
    private static String answersList(String l, JsonObject doc) {
        StringBuilder b =
                new StringBuilder("<h2>")
                        .append(Text.t(l, "case.answers"))
                        .append("</h2><dl class=\"answers\">");
        for (Object o : doc.getJsonArray("answers", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            b.append("<dt>")
                    .append(Html.esc(a.getString("question")))
                    .append("</dt><dd>")
                    .append(Html.esc(a.getString("answer")))
                    .append("</dd>");
        }
        return b.append("</dl>").toString();
    }

    private String workForms(InboxSession s, CaseSummary c) {
        String l = s.language();
        StringBuilder canned =
                new StringBuilder("<label for=\"canned\">")
                        .append(Text.t(l, "case.canned"))
                        .append(
                                "</label><select id=\"canned\" name=\"canned\"><option value=\"\">—</option>");
        CannedReplies.ALL.forEach(
                (id, texts) ->
                        canned.append("<option value=\"")
                                .append(id)
                                .append("\" data-text=\"")
                                .append(Html.esc(CannedReplies.text(id, c.language())))
                                .append("\">")
                                .append(Html.esc(abbreviate(CannedReplies.text(id, l))))
                                .append("</option>"));
        canned.append("</select>");
        StringBuilder statuses = new StringBuilder();
        for (String st : STATUSES) {
            statuses.append("<option value=\"")
                    .append(st)
                    .append("\"")
                    .append(st.equals(c.status()) ? " selected" : "")
                    .append(">")
                    .append(Html.esc(Labels.status(l, st)))
                    .append("</option>");
        }
        return "<section class=\"work\"><h2 id=\"reply-h\">"
                + Text.t(l, "case.reply")
                + "</h2>"
                + form(
                        s,
                        c,
                        "reply",
                        "<p class=\"help\" id=\"reply-help\">"
                                + Text.t(l, "case.reply.help")
                                + "</p>"
                                + canned
                                + "<label for=\"reply-text\">"
                                + Text.t(l, "case.reply")
                                + "</label><textarea id=\"reply-text\" name=\"text\""
                                + " rows=\"4\" maxlength=\""
                                + MAX_TEXT
                                + "\" aria-describedby=\"reply-help\"></textarea>"
                                + (c.flagged()
                                        ? "<p><input type=\"checkbox\" id=\"duress-confirm\" name=\"duress_confirm\" value=\"yes\">"
                                                + "<label for=\"duress-confirm\">"
                                                + Text.t(l, "case.reply.duress_confirm")
                                                + "</label></p>"
                                        : "")
                                + "<button type=\"submit\" id=\"send-reply\">"
                                + Text.t(l, "case.reply.send")
                                + "</button>")
                + "<h2>"
                + Text.t(l, "case.note.add")
                + "</h2>"
                + form(
                        s,
                        c,
                        "note",
                        "<label for=\"note-text\">"
                                + Text.t(l, "case.note.add")
                                + "</label>"
                                + "<textarea id=\"note-text\" name=\"text\" rows=\"3\" maxlength=\""
                                + MAX_TEXT
                                + "\"></textarea>"
                                + "<button type=\"submit\" id=\"save-note\">"
                                + Text.t(l, "case.note.save")
                                + "</button>")
                + "<h2>"
                + Text.t(l, "case.labels")
                + "</h2>"
                + form(
                        s,
                        c,
                        "labels",
                        "<label for=\"labels\">"
                                + Text.t(l, "case.labels")
                                + "</label>"
                                + "<input id=\"labels\" name=\"labels\" value=\""
                                + Html.value(String.join(", ", c.labels()))
                                + "\" aria-describedby=\"labels-help\"><p class=\"help\" id=\"labels-help\">"
                                + Text.t(l, "case.labels.help")
                                + "</p><button type=\"submit\">"
                                + Text.t(l, "case.labels.save")
                                + "</button>")
                + "<h2>"
                + Text.t(l, "case.status")
                + "</h2>"
                + form(
                        s,
                        c,
                        "status",
                        "<label for=\"status\">"
                                + Text.t(l, "case.status")
                                + "</label><select id=\"status\""
                                + " name=\"status\">"
                                + statuses
                                + "</select><button type=\"submit\" id=\"save-status\">"
                                + Text.t(l, "case.status.save")
                                + "</button>")
                + "<h2>"
                + Text.t(l, "case.refer")
                + "</h2>"
                + form(
                        s,
                        c,
                        "referral",
                        "<label for=\"referral-text\">"
                                + Text.t(l, "case.refer.org")
                                + "</label>"
                                + "<input id=\"referral-text\" name=\"text\" maxlength=\"300\"><button type=\"submit\">"
                                + Text.t(l, "case.refer.save")
                                + "</button>")
                + "</section>";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }

    private static String form(InboxSession s, CaseSummary c, String action, String inner) {
        return "<form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/"
                + action
                + "\" class=\"stack\">"
                + Html.csrf(s)
                + inner
                + "</form>";
    }

    /**
     * An agency worker's view of their referral: its status, and the answers they submitted when
     * the client consented to share them with the agency (the answers entry is then sealed to the
     * agency key their session unlocked). Nothing else of the case is loaded.
     */
    private void agencyView(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String l = s.language();
        entries.read(
                        c.id(),
                        Set.of(EntryKind.ANSWERS),
                        s.agencyKeys(),
                        s.username(),
                        read ->
                                read.stream().anyMatch(e -> e.content().isPresent())
                                        ? "referral_answers_view"
                                        : "referral_status_view")
                .onSuccess(
                        read -> {
                            Optional<JsonObject> shared =
                                    read.stream()
                                            .map(CaseEntries.Opened::content)
                                            .flatMap(Optional::stream)
                                            .findFirst();
                            String answers =
                                    shared.isEmpty()
                                            ? "<p id=\"referral-answers-none\">"
                                                    + Text.t(l, "referral.answers.none")
                                                    + "</p>"
                                            : answersList(l, shared.get());
                            LOG.info(
                                    "event=referral_viewed case={} account={} answers={}",
                                    c.id(),
                                    s.accountId(),
                                    shared.isPresent());
                            SessionGuard.html(
                                    ctx,
                                    200,
                                    Html.page(
                                            l,
                                            Text.t(l, "case") + " " + c.reference(),
                                            s,
                                            "<p><a href=\"/inbox\">← "
                                                    + Text.t(l, "referrals.mine")
                                                    + "</a></p><h1>"
                                                    + Text.t(l, "case")
                                                    + " "
                                                    + Html.esc(c.reference())
                                                    + "</h1><dl class=\"meta\"><dt>"
                                                    + Text.t(l, "col.status")
                                                    + "</dt><dd>"
                                                    + Html.esc(
                                                            Text.t(
                                                                    l,
                                                                    "agency.status."
                                                                            + c.agencyStatus()))
                                                    + "</dd><dt>"
                                                    + Text.t(l, "col.received")
                                                    + "</dt><dd>"
                                                    + Labels.when(c.createdAt())
                                                    + "</dd></dl>"
                                                    + answers));
                        })
                .onFailure(ctx::fail);
    }
}
