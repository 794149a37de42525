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
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Delivery;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountPreferences;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.CaseReads;
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
    private final CannedReplies replies;
    private final CaseMoveAction move;

    /**
     * The intake script in use: which questions are sensitive, for answers stored before the mark.
     */
    private final ActiveScript script;

    CaseView(
            AccountStore accounts,
            TeamKeys teamKeys,
            Outbox outbox,
            CaseEntries entries,
            CannedReplies replies,
            CaseMoveAction move,
            ActiveScript script) {
        this.script = script;
        this.replies = replies;
        this.move = move;
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
        Future<List<CannedReplies.Offer>> canned = replies.offers(c.language(), s.language());
        Future<Boolean> hide = AccountPreferences.hidesSensitive(accounts.db(), s.accountId());
        entries.read(c.id(), Set.of(), s.teamKeys(), s.username(), read -> "case_view")
                .compose(
                        read ->
                                Future.all(staffFuture, deliveries, window, hide, canned)
                                        .map(
                                                all ->
                                                        new Loaded(
                                                                read,
                                                                all.resultAt(0),
                                                                all.resultAt(1),
                                                                all.resultAt(3),
                                                                all.resultAt(4))))
                .compose(loaded -> seen(s, c, loaded.entries()).map(loaded))
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
                                                    loaded)));
                        })
                .onFailure(ctx::fail);
    }

    private record Loaded(
            List<CaseEntries.Opened> entries,
            List<Account> staff,
            Map<Integer, Delivery> deliveries,
            boolean hideSensitive,
            List<CannedReplies.Offer> canned) {}

    /** Notes how far this account has now read the case (the queue's "unread" marks). */
    private Future<Void> seen(InboxSession s, CaseSummary c, List<CaseEntries.Opened> read) {
        int newest = read.stream().mapToInt(CaseEntries.Opened::seq).max().orElse(0);
        return newest == 0
                ? Future.succeededFuture()
                : CaseReads.seen(accounts.db(), s.accountId(), c.id(), newest);
    }

    /**
     * The page: a header with the case's facts and a toolbar, then the conversation with the reply
     * box right under it, and a side panel with the intake answers and the export. Each part is one
     * method, so a panel can be added without reading the others.
     */
    private String render(
            RoutingContext ctx, InboxSession s, CaseSummary c, String conversation, Loaded loaded) {
        String l = s.language();
        boolean canWork = mayWork(s, c);
        StringBuilder b = new StringBuilder();
        b.append("<p class=\"back\"><a href=\"/inbox\">← ")
                .append(Text.t(l, "case.back"))
                .append("</a></p>");
        b.append(message(ctx, l));
        if (c.flagged()) {
            b.append(Html.error(Text.t(l, "mark.duress")));
        }
        b.append(header(l, c));
        b.append(toolbar(s, c, loaded.staff()));
        b.append("<p id=\"live-status\" class=\"sr-only\" role=\"status\" data-text=\"")
                .append(Html.esc(Text.t(l, "live")))
                .append("\" data-gone=\"")
                .append(Html.esc(Text.t(l, "case.gone")))
                .append("\" data-taken=\"")
                .append(Html.esc(Text.t(l, "case.taken")))
                .append("\" data-saved=\"")
                .append(Html.esc(Text.t(l, "case.saved")))
                .append("\"></p>");
        b.append("<div class=\"case-grid\"><div class=\"case-main\">");
        b.append(conversation);
        if (canWork) {
            b.append(replyBox(s, c, loaded.canned())).append(noteBox(s, c));
        }
        b.append("</div><aside class=\"case-side\" aria-label=\"")
                .append(Html.esc(Text.t(l, "case.side")))
                .append("\">");
        b.append(answersPanel(s, loaded.entries(), loaded.hideSensitive()));
        if (mayWork(s, c)) {
            b.append(move.form(s, c));
        }
        b.append(CaseExport.form(s, c));
        if (CaseDeleteAction.allowed(s)) {
            b.append(CaseDeleteAction.form(s, c));
        }
        b.append("</aside></div>");
        return b.toString();
    }

    private static boolean mayWork(InboxSession s, CaseSummary c) {
        boolean holder = c.assignedTo() != null && c.assignedTo() == s.accountId();
        return holder || s.isAdmin();
    }

    /** The result of the last action ({@code ?m=}), as a notice or an error. */
    private static String message(RoutingContext ctx, String l) {
        String m = ctx.request().getParam("m");
        if (m == null || !m.matches("[a-z_.]+")) {
            return "";
        }
        return m.equals("case.claimed_by_other")
                        || m.equals("case.not_yours")
                        || m.equals("case.reply.none")
                        || m.equals("case.empty_text")
                        || m.equals("case.reply.duress_held")
                        || m.equals("case.move.refused")
                ? Html.error(Text.t(l, m))
                : Html.notice(Text.t(l, m));
    }

    /** The reference and the case's facts on one or two lines. */
    private static String header(String l, CaseSummary c) {
        return "<div class=\"case-head\"><h1>"
                + Text.t(l, "case")
                + " "
                + Html.esc(c.reference())
                + "</h1><dl class=\"meta\"><dt>"
                + Text.t(l, "col.triage")
                + "</dt><dd>"
                + Labels.triage(l, c)
                + "</dd><dt>"
                + Text.t(l, "col.group")
                + "</dt><dd>"
                + Html.esc(Labels.group(l, c.workingGroup()))
                + "</dd><dt>"
                + Text.t(l, "col.channel")
                + "</dt><dd>"
                + Html.esc(c.channel())
                + "</dd><dt>"
                + Text.t(l, "col.language")
                + "</dt><dd>"
                + Html.esc(c.language())
                + "</dd><dt>"
                + Text.t(l, "col.status")
                + "</dt><dd id=\"case-status\">"
                + Labels.status(l, c)
                + "</dd><dt>"
                + Text.t(l, "col.assigned")
                + "</dt><dd id=\"case-assignee\">"
                + Html.esc(c.assignee())
                + "</dd><dt>"
                + Text.t(l, "col.labels")
                + "</dt><dd>"
                + Html.esc(String.join(", ", c.labels()))
                + "</dd></dl></div>";
    }

    /**
     * Claim or release, then status, assignee, labels and referral in one row. Status, assignee and
     * labels save as soon as they change (inbox.js, {@code data-autosave}); their buttons are for a
     * browser without script.
     */
    private String toolbar(InboxSession s, CaseSummary c, List<Account> staff) {
        String l = s.language();
        boolean canWork = mayWork(s, c);
        StringBuilder b =
                new StringBuilder("<div class=\"toolbar\" role=\"group\" aria-label=\"")
                        .append(Html.esc(Text.t(l, "case.toolbar")))
                        .append("\">");
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
        if (canWork) {
            b.append(statusForm(s, c)).append(labelsForm(s, c));
        }
        if (s.isAdmin() && !"closed".equals(c.status())) {
            b.append(assigneeForm(s, c, staff));
        }
        if (canWork) {
            b.append(referralForm(s, c));
        }
        return b.append("</div>").toString();
    }

    private static String statusForm(InboxSession s, CaseSummary c) {
        String l = s.language();
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
        if (!STATUSES.contains(c.status())) {
            statuses.insert(0, "<option value=\"\" selected>—</option>");
        }
        return autosave(
                s,
                c,
                "status",
                "<label for=\"status\">"
                        + Text.t(l, "case.status")
                        + "</label><select id=\"status\" name=\"status\">"
                        + statuses
                        + "</select><button type=\"submit\" id=\"save-status\" class=\"secondary\">"
                        + Text.t(l, "case.status.save")
                        + "</button>");
    }

    private static String labelsForm(InboxSession s, CaseSummary c) {
        String l = s.language();
        return autosave(
                s,
                c,
                "labels",
                "<label for=\"labels\">"
                        + Text.t(l, "case.labels")
                        + "</label><input id=\"labels\" name=\"labels\" value=\""
                        + Html.value(String.join(", ", c.labels()))
                        + "\" size=\"16\" aria-describedby=\"labels-help\"><span class=\"help sr-only\" id=\"labels-help\">"
                        + Text.t(l, "case.labels.help")
                        + "</span><button type=\"submit\" id=\"save-labels\" class=\"secondary\">"
                        + Text.t(l, "case.labels.save")
                        + "</button>");
    }

    private static String assigneeForm(InboxSession s, CaseSummary c, List<Account> staff) {
        String l = s.language();
        StringBuilder options = new StringBuilder();
        if (c.assignedTo() == null) {
            options.append("<option value=\"\" selected>—</option>");
        }
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
        return autosave(
                s,
                c,
                "reassign",
                "<label for=\"assignee\">"
                        + Text.t(l, "case.assign")
                        + "</label><select id=\"assignee\" name=\"account\">"
                        + options
                        + "</select><button type=\"submit\" class=\"secondary\">"
                        + Text.t(l, "case.assign.save")
                        + "</button>");
    }

    /**
     * A referral is a record in the thread, not a setting: it is saved by its button or Enter,
     * never on change like the rest of the toolbar. A text field's change fires when it loses
     * focus, so saving then would seal a half-typed or mistyped organisation into the thread, for
     * good (an entry is appended, never edited), each time the coordinator tabs away; and a
     * referral tells the team the case was sent to an agency, which deserves a deliberate action.
     */
    private static String referralForm(InboxSession s, CaseSummary c) {
        String l = s.language();
        return form(
                s,
                c,
                "referral",
                "<label for=\"referral-text\">"
                        + Text.t(l, "case.refer.short")
                        + "</label><input id=\"referral-text\" name=\"text\" maxlength=\"300\""
                        + " size=\"16\" placeholder=\""
                        + Html.esc(Text.t(l, "case.refer.org"))
                        + "\"><button type=\"submit\" class=\"secondary\">"
                        + Text.t(l, "case.refer.save")
                        + "</button>");
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
                        .append("\" data-may-work=\"")
                        .append(mayWork(s, c) ? "yes" : "no")
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
                        "<li class=\"entry unreadable\"><p class=\"error\">"
                                + Text.t(l, stale ? "case.rekeyed" : "case.unreadable")
                                + "</p></li>");
                continue;
            }
            if (e.kind() == EntryKind.ANSWERS) {
                thread.add(intakeBubble(l, c, e));
                continue;
            }
            thread.add(bubble(l, e, deliveries));
        }
        b.append("<h2 id=\"conv-h\">")
                .append(Text.t(l, "case.conversation"))
                .append("</h2><ol class=\"thread\">");
        thread.forEach(b::append);
        return b.append("</ol></section>").toString();
    }

    /** The intake, told in the thread as the bot's turn; its answers are in the side panel. */
    private static String intakeBubble(String l, CaseSummary c, CaseEntries.Opened e) {
        return "<li class=\"entry bot\"><p class=\"by\">"
                + Text.t(l, "case.bot")
                + " · <time>"
                + Labels.when(e.at())
                + "</time></p><p class=\"text\">"
                + Html.esc(Text.t(l, "case.bot.done"))
                + " "
                + Labels.triage(l, c)
                + "</p></li>";
    }

    /** One message or note: the person's on one side, the team's on the other, notes marked. */
    private static String bubble(
            String l, CaseEntries.Opened e, Map<Integer, Delivery> deliveries) {
        String who =
                switch (e.kind()) {
                    case MESSAGE_IN -> Text.t(l, "case.from_person");
                    case MESSAGE_OUT -> Text.t(l, "case.to_person") + " " + Html.esc(e.author());
                    case NOTE -> Text.t(l, "case.note") + " " + Html.esc(e.author());
                    default -> Text.t(l, "case.referral") + " " + Html.esc(e.author());
                };
        String fate =
                e.kind() == EntryKind.MESSAGE_OUT
                        ? Labels.delivery(l, deliveries.get(e.seq()))
                        : "";
        return "<li class=\"entry "
                + e.kind().stored()
                + "\"><p class=\"by\">"
                + who
                + " · <time>"
                + Labels.when(e.at())
                + "</time></p><p class=\"text\">"
                + Html.esc(e.text())
                + "</p>"
                + fate
                + "</li>";
    }

    /**
     * The intake answers and suggested referrals, in a panel that is open beside the thread on a
     * wide screen and folded under it on a phone (inbox.js closes it there).
     */
    private String answersPanel(InboxSession s, List<CaseEntries.Opened> opened, boolean hide) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder("<details class=\"panel\" id=\"answers-panel\" open><summary>")
                        .append(Text.t(l, "case.answers"))
                        .append("</summary>");
        for (CaseEntries.Opened e : opened) {
            if (e.kind() != EntryKind.ANSWERS || e.content().isEmpty()) {
                continue;
            }
            JsonObject doc = e.content().get();
            b.append(answersList(l, doc, hide));
            JsonArray refs = doc.getJsonArray("referrals", new JsonArray());
            if (!refs.isEmpty()) {
                b.append("<h3>").append(Text.t(l, "case.referrals")).append("</h3><ul>");
                refs.forEach(
                        r -> b.append("<li>").append(Html.esc(String.valueOf(r))).append("</li>"));
                b.append("</ul>");
            }
        }
        return b.append("</details>").toString();
    }

    /**
     * The intake answers of an opened answers entry as a definition list, each under its short
     * label (cases from before labels show the question, which is also the label's tooltip).
     */
    private String answersList(String l, JsonObject doc, boolean hide) {
        StringBuilder b = new StringBuilder("<dl class=\"answers\">");
        int n = 0;
        for (Object o : doc.getJsonArray("answers", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            String question = a.getString("question");
            String label = a.getString("label", question);
            String answer = Html.esc(a.getString("answer"));
            n++;
            b.append("<dt title=\"")
                    .append(Html.esc(question))
                    .append("\" id=\"answer-")
                    .append(n)
                    .append("\">")
                    .append(Html.esc(label))
                    .append("</dt><dd>")
                    .append(hide && sensitive(a) ? hidden(l, "answer-" + n, answer) : answer)
                    .append("</dd>");
        }
        return b.append("</dl>").toString();
    }

    /**
     * Whether the intake marked the answer sensitive; answers stored before the mark existed ask
     * the script in use about their question.
     */
    private boolean sensitive(JsonObject answer) {
        Boolean marked = answer.getBoolean("sensitive");
        if (marked != null) {
            return marked;
        }
        String id = answer.getString("id");
        return id != null && script.sensitive(id);
    }

    /**
     * A sensitive answer, folded: nothing of it shows (or is read out) until the coordinator opens
     * it, by click, Enter or Space on its summary, which names the question it belongs to.
     */
    private static String hidden(String l, String labelId, String answer) {
        return "<details class=\"sensitive\"><summary aria-describedby=\""
                + labelId
                + "\">"
                + Text.t(l, "case.sensitive.show")
                + "</summary><p class=\"sensitive-text\">"
                + answer
                + "</p></details>";
    }

    /** The reply box, right under the thread: a canned reply, the text, Ctrl+Enter to send. */
    private static String replyBox(
            InboxSession s, CaseSummary c, List<CannedReplies.Offer> canned) {
        String l = s.language();
        return "<section class=\"work reply\" aria-labelledby=\"reply-h\"><h2 id=\"reply-h\">"
                + Text.t(l, "case.reply")
                + "</h2>"
                + form(
                        s,
                        c,
                        "reply",
                        cannedSelect(l, canned)
                                + "<label for=\"reply-text\" class=\"sr-only\">"
                                + Text.t(l, "case.reply")
                                + "</label><textarea id=\"reply-text\" name=\"text\""
                                + " rows=\"4\" maxlength=\""
                                + MAX_TEXT
                                + "\" aria-describedby=\"reply-help\" data-send=\"send-reply\"></textarea>"
                                + "<p class=\"help\" id=\"reply-help\">"
                                + Text.t(l, "case.reply.help")
                                + " "
                                + Text.t(l, "case.reply.keys")
                                + "</p>"
                                + (c.flagged()
                                        ? "<p><input type=\"checkbox\" id=\"duress-confirm\" name=\"duress_confirm\" value=\"yes\">"
                                                + "<label for=\"duress-confirm\">"
                                                + Text.t(l, "case.reply.duress_confirm")
                                                + "</label></p>"
                                        : "")
                                + "<button type=\"submit\" id=\"send-reply\">"
                                + Text.t(l, "case.reply.send")
                                + "</button>")
                + "</section>";
    }

    /**
     * The canned replies, each inserting its text in the case's language (inbox.js); one in English
     * for want of that language says so.
     */
    private static String cannedSelect(String l, List<CannedReplies.Offer> offers) {
        StringBuilder canned =
                new StringBuilder("<label for=\"canned\">")
                        .append(Text.t(l, "case.canned"))
                        .append(
                                "</label><select id=\"canned\" name=\"canned\"><option value=\"\">—</option>");
        for (CannedReplies.Offer o : offers) {
            canned.append("<option value=\"")
                    .append(o.id())
                    .append("\" data-text=\"")
                    .append(Html.esc(o.text()))
                    .append(o.inEnglish() ? "\" data-fallback=\"en" : "")
                    .append("\">")
                    .append(Html.esc(abbreviate(o.title())))
                    .append(o.inEnglish() ? " — " + Text.t(l, "case.canned.in_english") : "")
                    .append("</option>");
        }
        return canned.append("</select>").toString();
    }

    /** A private note, under the reply box: it is never sent to the person. */
    private static String noteBox(InboxSession s, CaseSummary c) {
        String l = s.language();
        return "<section class=\"work note-box\" aria-labelledby=\"note-h\"><h2 id=\"note-h\">"
                + Text.t(l, "case.note.add")
                + "</h2>"
                + form(
                        s,
                        c,
                        "note",
                        "<label for=\"note-text\" class=\"sr-only\">"
                                + Text.t(l, "case.note.add")
                                + "</label>"
                                + "<textarea id=\"note-text\" name=\"text\" rows=\"2\" maxlength=\""
                                + MAX_TEXT
                                + "\" data-send=\"save-note\"></textarea>"
                                + "<button type=\"submit\" id=\"save-note\" class=\"secondary\">"
                                + Text.t(l, "case.note.save")
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

    /** A toolbar form that inbox.js sends as soon as its field changes, staying on the page. */
    private static String autosave(InboxSession s, CaseSummary c, String action, String inner) {
        return "<form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/"
                + action
                + "\" class=\"tool\" data-autosave>"
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
        Future<Boolean> hide = AccountPreferences.hidesSensitive(accounts.db(), s.accountId());
        entries.read(
                        c.id(),
                        Set.of(EntryKind.ANSWERS),
                        s.agencyKeys(),
                        s.username(),
                        read ->
                                read.stream().anyMatch(e -> e.content().isPresent())
                                        ? "referral_answers_view"
                                        : "referral_status_view")
                .compose(read -> hide.map(read))
                .onSuccess(
                        read -> {
                            boolean hidden = hide.result();
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
                                            : "<h2>"
                                                    + Text.t(l, "case.answers")
                                                    + "</h2>"
                                                    + answersList(l, shared.get(), hidden);
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
