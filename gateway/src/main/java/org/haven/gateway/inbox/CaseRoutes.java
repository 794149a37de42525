package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.haven.bot.Reply;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Delivery;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.ConversationStore;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One case at {@code /inbox/cases/<id>}: its answers and whole conversation opened with the
 * session's key, and the work on it: claim and release, reply through the person's channel,
 * private notes, labels, status, a referral to a partner, and an OpenPGP export for a lawyer
 * ({@link CaseExport}).
 * Every view and change is written to the audit log.
 */
public final class CaseRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CaseRoutes.class);
    private static final int MAX_TEXT = 4000;
    private static final List<String> STATUSES = List.of("claimed", "waiting", "closed");

    private final Vertx vertx;
    private final CaseStore cases;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final Outbox outbox;
    private final CaseEvents events;
    private final SessionGuard guard;
    private final CaseEntries entries;
    private final KeyedHash auditKey;
    private final CaseExport export;
    private final ConversationStore conversations = new ConversationStore();
    private ActiveScript script;
    private CannedReplies replies;

    public CaseRoutes(Vertx vertx, CaseStore cases, AccountStore accounts, TeamKeys teamKeys, Outbox outbox, CaseEvents events,
                      SessionGuard guard, KeyedHash auditKey, org.haven.gateway.auth.Reauthentication reauthentication) {
        this.auditKey = auditKey;
        this.vertx = vertx;
        this.cases = cases;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.outbox = outbox;
        this.events = events;
        this.guard = guard;
        this.entries = new CaseEntries(cases, teamKeys, auditKey);
        this.export = new CaseExport(vertx, entries, accounts, teamKeys, guard, auditKey, reauthentication);
    }

    /** The intake script's words: the canned replies a coordinator may send, and which languages read right to left. */
    CaseRoutes speaking(ActiveScript script) {
        this.script = script;
        this.replies = new CannedReplies(script);
        return this;
    }

    public void mount(Router router) {
        router.get("/inbox/cases/:id").handler(ctx -> withCase(ctx, false, (s, c) -> show(ctx, s, c)));
        router.post("/inbox/cases/:id/claim").handler(ctx -> withCase(ctx, false, (s, c) -> claim(ctx, s, c)));
        router.post("/inbox/cases/:id/release").handler(ctx -> withCase(ctx, true, (s, c) -> release(ctx, s, c)));
        router.post("/inbox/cases/:id/reply").handler(ctx -> withCase(ctx, true, (s, c) -> reply(ctx, s, c)));
        router.post("/inbox/cases/:id/note").handler(ctx -> withCase(ctx, true, (s, c) -> note(ctx, s, c, "note")));
        router.post("/inbox/cases/:id/referral").handler(ctx -> withCase(ctx, true, (s, c) -> note(ctx, s, c, "referral")));
        router.post("/inbox/cases/:id/labels").handler(ctx -> withCase(ctx, true, (s, c) -> labels(ctx, s, c)));
        router.post("/inbox/cases/:id/status").handler(ctx -> withCase(ctx, true, (s, c) -> status(ctx, s, c)));
        router.post("/inbox/cases/:id/reassign").handler(ctx -> withCase(ctx, true, (s, c) -> reassign(ctx, s, c)));
        export.mount(router, (ctx, then) -> withCase(ctx, false, then));
    }

    /**
     * Loads the case and checks the user may see it (and, for {@code mustHold}, work on it:
     * its holder or an administrator). Agencies see only their own referrals' status.
     */
    private void withCase(RoutingContext ctx, boolean mustHold, BiConsumer<InboxSession, CaseSummary> then) {
        guard.require(ctx, s -> {
            UUID id;
            try {
                id = UUID.fromString(ctx.pathParam("id"));
            } catch (IllegalArgumentException e) {
                notFound(ctx, s);
                return;
            }
            cases.find(id).onSuccess(found -> {
                if (found.isEmpty()) {
                    notFound(ctx, s);
                    return;
                }
                CaseSummary c = found.get();
                boolean visible = s.isAdmin()
                        || (s.isAgency() ? c.agencyMayKnow() && c.agencyId().equals(s.agencyId())
                        : c.inGroups(s.groups()));
                if (!visible) {
                    LOG.info("event=case_access_refused case={} account={}", c.id(), s.accountId());
                    new AuditLog(accounts.db(), auditKey).record(s.username(), "case_access_refused", c.id());
                    refuse(ctx, s);
                    return;
                }
                boolean isGet = ctx.request().method() == io.vertx.core.http.HttpMethod.GET;
                if (s.isAgency() && !isGet) {
                    refuse(ctx, s);
                    return;
                }
                if (mustHold && !s.isAdmin() && (c.assignedTo() == null || c.assignedTo() != s.accountId())) {
                    back(ctx, c, "case.not_yours");
                    return;
                }
                then.accept(s, c);
            }).onFailure(ctx::fail);
        });
    }

    // --- view ------------------------------------------------------------------------------

    private void show(RoutingContext ctx, InboxSession s, CaseSummary c) {
        if (s.isAgency()) {
            agencyView(ctx, s, c);
            return;
        }
        Future<List<org.haven.gateway.store.Account>> staffFuture = s.isAdmin() ? accounts.list() : Future.succeededFuture(List.of());
        Future<Map<Integer, Delivery>> deliveries = outbox.deliveries(c.id());
        entries.read(c.id(), Set.of(), s.teamKeys(), s.username(), read -> "case_view")
                .compose(read -> staffFuture.compose(staff -> deliveries.map(d -> new Loaded(read, staff, d)))).onSuccess(loaded -> {
            LOG.info("event=case_viewed case={} account={}", c.id(), s.accountId());
            String conversation = conversation(s, c, loaded.entries(), loaded.deliveries());
            if ("conversation".equals(ctx.request().getParam("partial"))) {
                SessionGuard.html(ctx, 200, conversation);
                return;
            }
            SessionGuard.html(ctx, 200, Html.page(s.language(), Text.t(s.language(), "case") + " " + c.reference(), s,
                    render(ctx, s, c, conversation, loaded.staff())));
        }).onFailure(ctx::fail);
    }

    private record Loaded(List<CaseEntries.Opened> entries, List<org.haven.gateway.store.Account> staff,
                          Map<Integer, Delivery> deliveries) {
    }

    private String render(RoutingContext ctx, InboxSession s, CaseSummary c, String conversation,
                          List<org.haven.gateway.store.Account> staff) {
        String l = s.language();
        boolean holder = c.assignedTo() != null && c.assignedTo() == s.accountId();
        boolean canWork = holder || s.isAdmin();
        StringBuilder b = new StringBuilder();
        b.append("<p><a href=\"/inbox\">← ").append(Text.t(l, "case.back")).append("</a></p>");
        String m = ctx.request().getParam("m");
        if (m != null && m.matches("[a-z_.]+")) {
            b.append(m.equals("case.claimed_by_other") || m.equals("case.not_yours") || m.equals("case.reply.none")
                    || m.equals("case.empty_text") || m.equals("case.reply.duress_held") ? Html.error(Text.t(l, m))
                    : Html.notice(Text.t(l, m)));
        }
        if (c.flagged()) {
            b.append(Html.error(Text.t(l, "mark.duress")));
        }
        b.append("<h1>").append(Text.t(l, "case")).append(" ").append(Html.esc(c.reference())).append("</h1>")
                .append("<dl class=\"meta\"><dt>").append(Text.t(l, "col.triage")).append("</dt><dd>")
                .append(Labels.triage(l, c)).append("</dd><dt>").append(Text.t(l, "col.group"))
                .append("</dt><dd>").append(Html.esc(Labels.group(l, c.workingGroup()))).append("</dd><dt>").append(Text.t(l, "col.channel"))
                .append("</dt><dd>").append(Html.esc(c.channel())).append("</dd><dt>").append(Text.t(l, "col.language"))
                .append("</dt><dd>").append(Html.esc(c.language())).append("</dd><dt>").append(Text.t(l, "col.status"))
                .append("</dt><dd id=\"case-status\">").append(Labels.status(l, c)).append("</dd><dt>")
                .append(Text.t(l, "col.assigned")).append("</dt><dd>").append(Html.esc(c.assignee())).append("</dd><dt>")
                .append(Text.t(l, "col.labels")).append("</dt><dd>").append(Html.esc(String.join(", ", c.labels())))
                .append("</dd></dl>");
        b.append("<div class=\"actions\">");
        if ("queued".equals(c.status())) {
            b.append(form(s, c, "claim", "<button type=\"submit\" id=\"claim\">" + Text.t(l, "case.claim") + "</button>"));
        } else if (canWork && !"closed".equals(c.status())) {
            b.append(form(s, c, "release", "<button type=\"submit\" class=\"secondary\">" + Text.t(l, "case.release")
                    + "</button>"));
        }
        if (s.isAdmin() && !"closed".equals(c.status())) {
            StringBuilder options = new StringBuilder();
            for (org.haven.gateway.store.Account a : staff) {
                boolean fits = "admin".equals(a.role()) || ("coordinator".equals(a.role()) && c.inGroups(a.groups()));
                if (fits) {
                    options.append("<option value=\"").append(a.id()).append("\"")
                            .append(c.assignedTo() != null && c.assignedTo() == a.id() ? " selected" : "").append(">")
                            .append(Html.esc(a.username())).append("</option>");
                }
            }
            b.append(form(s, c, "reassign", "<label for=\"assignee\">" + Text.t(l, "case.assign") + "</label><select id=\"assignee\""
                    + " name=\"account\">" + options + "</select><button type=\"submit\" class=\"secondary\">"
                    + Text.t(l, "case.assign.save") + "</button>"));
        }
        b.append("</div>");
        b.append("<p id=\"live-status\" class=\"sr-only\" role=\"status\" data-text=\"").append(Html.esc(Text.t(l, "live")))
                .append("\"></p>");
        b.append(conversation);
        if (canWork) {
            b.append(workForms(s, c));
        }
        b.append(CaseExport.form(s, c));
        return b.toString();
    }

    private String conversation(InboxSession s, CaseSummary c, List<CaseEntries.Opened> opened, Map<Integer, Delivery> deliveries) {
        String l = s.language();
        StringBuilder b = new StringBuilder("<section data-live=\"conversation\" data-case=\"").append(c.id())
                .append("\" id=\"conversation\" aria-labelledby=\"conv-h\">");
        List<String> thread = new ArrayList<>();
        for (CaseEntries.Opened e : opened) {
            if (e.kind() == EntryKind.CONTACT) {
                continue; // where to reach the person: used to send a reply, not shown
            }
            if (e.content().isEmpty()) {
                // a session from before a team key rotation (on this gateway or another) holds only the old key
                boolean stale = s.teamKey(teamKeys.currentKeyId()).isEmpty();
                thread.add("<p class=\"error\">" + Text.t(l, stale ? "case.rekeyed" : "case.unreadable") + "</p>");
                continue;
            }
            JsonObject doc = e.content().get();
            if (e.kind() == EntryKind.ANSWERS) {
                b.append(answersList(l, doc));
                JsonArray refs = doc.getJsonArray("referrals", new JsonArray());
                if (!refs.isEmpty()) {
                    b.append("<h2>").append(Text.t(l, "case.referrals")).append("</h2><ul>");
                    refs.forEach(r -> b.append("<li>").append(Html.esc(String.valueOf(r))).append("</li>"));
                    b.append("</ul>");
                }
                continue;
            }
            String who = switch (e.kind()) {
                case MESSAGE_IN -> Text.t(l, "case.from_person");
                case MESSAGE_OUT -> Text.t(l, "case.to_person") + " " + Html.esc(e.author());
                case NOTE -> Text.t(l, "case.note") + " " + Html.esc(e.author());
                default -> Text.t(l, "case.referral") + " " + Html.esc(e.author());
            };
            String fate = e.kind() == EntryKind.MESSAGE_OUT ? Labels.delivery(l, deliveries.get(e.seq())) : "";
            thread.add("<li class=\"entry " + e.kind().stored() + "\"><p class=\"by\">" + who + " · <time>"
                    + Labels.when(e.at()) + "</time></p><p class=\"text\">" + Html.esc(e.text()) + "</p>" + fate + "</li>");
        }
        b.append("<h2 id=\"conv-h\">").append(Text.t(l, "case.conversation")).append("</h2><ol class=\"thread\">");
        thread.forEach(b::append);
        return b.append("</ol></section>").toString();
    }

    /** The intake answers of an opened answers entry, as a heading and a definition list. */
    private static String answersList(String l, JsonObject doc) {
        StringBuilder b = new StringBuilder("<h2>").append(Text.t(l, "case.answers")).append("</h2><dl class=\"answers\">");
        for (Object o : doc.getJsonArray("answers", new JsonArray())) {
            JsonObject a = (JsonObject) o;
            b.append("<dt>").append(Html.esc(a.getString("question"))).append("</dt><dd>")
                    .append(Html.esc(a.getString("answer"))).append("</dd>");
        }
        return b.append("</dl>").toString();
    }

    private String workForms(InboxSession s, CaseSummary c) {
        String l = s.language();
        StringBuilder canned = new StringBuilder("<label for=\"canned\">").append(Text.t(l, "case.canned"))
                .append("</label><select id=\"canned\" name=\"canned\"><option value=\"\">—</option>");
        replies.ids().forEach(id -> canned.append("<option value=\"").append(id).append("\" data-text=\"")
                .append(Html.esc(replies.text(id, c.language()))).append("\">")
                .append(Html.esc(abbreviate(replies.text(id, l)))).append("</option>"));
        canned.append("</select>");
        StringBuilder statuses = new StringBuilder();
        for (String st : STATUSES) {
            statuses.append("<option value=\"").append(st).append("\"").append(st.equals(c.status()) ? " selected" : "")
                    .append(">").append(Html.esc(Labels.status(l, st))).append("</option>");
        }
        return "<section class=\"work\"><h2 id=\"reply-h\">" + Text.t(l, "case.reply") + "</h2>"
                + form(s, c, "reply", "<p class=\"help\" id=\"reply-help\">" + Text.t(l, "case.reply.help") + "</p>" + canned
                + "<label for=\"reply-text\">" + Text.t(l, "case.reply") + "</label><textarea id=\"reply-text\" name=\"text\""
                + " rows=\"4\" maxlength=\"" + MAX_TEXT + "\" aria-describedby=\"reply-help\"></textarea>"
                + (c.flagged() ? "<p><input type=\"checkbox\" id=\"duress-confirm\" name=\"duress_confirm\" value=\"yes\">"
                        + "<label for=\"duress-confirm\">" + Text.t(l, "case.reply.duress_confirm") + "</label></p>" : "")
                + "<button type=\"submit\" id=\"send-reply\">" + Text.t(l, "case.reply.send") + "</button>")
                + "<h2>" + Text.t(l, "case.note.add") + "</h2>"
                + form(s, c, "note", "<label for=\"note-text\">" + Text.t(l, "case.note.add") + "</label>"
                + "<textarea id=\"note-text\" name=\"text\" rows=\"3\" maxlength=\"" + MAX_TEXT + "\"></textarea>"
                + "<button type=\"submit\" id=\"save-note\">" + Text.t(l, "case.note.save") + "</button>")
                + "<h2>" + Text.t(l, "case.labels") + "</h2>"
                + form(s, c, "labels", "<label for=\"labels\">" + Text.t(l, "case.labels") + "</label>"
                + "<input id=\"labels\" name=\"labels\" value=\"" + Html.value(String.join(", ", c.labels()))
                + "\" aria-describedby=\"labels-help\"><p class=\"help\" id=\"labels-help\">" + Text.t(l, "case.labels.help")
                + "</p><button type=\"submit\">" + Text.t(l, "case.labels.save") + "</button>")
                + "<h2>" + Text.t(l, "case.status") + "</h2>"
                + form(s, c, "status", "<label for=\"status\">" + Text.t(l, "case.status") + "</label><select id=\"status\""
                + " name=\"status\">" + statuses + "</select><button type=\"submit\" id=\"save-status\">"
                + Text.t(l, "case.status.save") + "</button>")
                + "<h2>" + Text.t(l, "case.refer") + "</h2>"
                + form(s, c, "referral", "<label for=\"referral-text\">" + Text.t(l, "case.refer.org") + "</label>"
                + "<input id=\"referral-text\" name=\"text\" maxlength=\"300\"><button type=\"submit\">"
                + Text.t(l, "case.refer.save") + "</button>")
                + "</section>";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "…";
    }

    private static String form(InboxSession s, CaseSummary c, String action, String inner) {
        return "<form method=\"post\" action=\"/inbox/cases/" + c.id() + "/" + action + "\" class=\"stack\">" + Html.csrf(s)
                + inner + "</form>";
    }

    /**
     * An agency worker's view of their referral: its status, and the answers they submitted when
     * the client consented to share them with the agency (the answers entry is then sealed to the
     * agency key their session unlocked). Nothing else of the case is loaded.
     */
    private void agencyView(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String l = s.language();
        entries.read(c.id(), Set.of(EntryKind.ANSWERS), s.agencyKeys(), s.username(),
                read -> read.stream().anyMatch(e -> e.content().isPresent()) ? "referral_answers_view" : "referral_status_view")
                .onSuccess(read -> {
            Optional<JsonObject> shared = read.stream().map(CaseEntries.Opened::content).flatMap(Optional::stream).findFirst();
            String answers = shared.isEmpty() ? "<p id=\"referral-answers-none\">" + Text.t(l, "referral.answers.none") + "</p>"
                    : answersList(l, shared.get());
            LOG.info("event=referral_viewed case={} account={} answers={}", c.id(), s.accountId(), shared.isPresent());
            SessionGuard.html(ctx, 200, Html.page(l, Text.t(l, "case") + " " + c.reference(), s,
                    "<p><a href=\"/inbox\">← " + Text.t(l, "referrals.mine") + "</a></p><h1>" + Text.t(l, "case") + " "
                            + Html.esc(c.reference()) + "</h1><dl class=\"meta\"><dt>" + Text.t(l, "col.status") + "</dt><dd>"
                            + Html.esc(Text.t(l, "agency.status." + c.agencyStatus())) + "</dd><dt>" + Text.t(l, "col.received") + "</dt><dd>"
                            + Labels.when(c.createdAt()) + "</dd></dl>" + answers));
        }).onFailure(ctx::fail);
    }

    // --- changes ---------------------------------------------------------------------------

    private void claim(RoutingContext ctx, InboxSession s, CaseSummary c) {
        cases.claim(c.id(), s.accountId()).onSuccess(won -> {
            if (won) {
                LOG.info("event=case_claimed case={} account={}", c.id(), s.accountId());
                new AuditLog(accounts.db(), auditKey).record(s.username(), "claim", c.id());
                events.publish("case_changed", c.id());
                back(ctx, c, "case.claimed");
            } else {
                back(ctx, c, "case.claimed_by_other");
            }
        }).onFailure(ctx::fail);
    }

    private void release(RoutingContext ctx, InboxSession s, CaseSummary c) {
        cases.release(c.id(), s.isAdmin() ? null : s.accountId()).onSuccess(done -> {
            new AuditLog(accounts.db(), auditKey).record(s.username(), "release", c.id());
            events.publish("case_changed", c.id());
            ctx.redirect("/inbox");
        }).onFailure(ctx::fail);
    }

    /** Hands the case to another coordinator of its group (administrators). */
    private void reassign(RoutingContext ctx, InboxSession s, CaseSummary c) {
        if (!s.isAdmin()) {
            refuse(ctx, s);
            return;
        }
        long target;
        try {
            target = Long.parseLong(trimmed(ctx.request().getFormAttribute("account")));
        } catch (NumberFormatException e) {
            back(ctx, c, null);
            return;
        }
        accounts.findById(target).compose(found -> {
            boolean fits = found.isPresent() && ("admin".equals(found.get().role())
                    || ("coordinator".equals(found.get().role()) && c.inGroups(found.get().groups())));
            if (!fits) {
                return Future.succeededFuture(false);
            }
            return cases.reassign(c.id(), target).compose(done -> new AuditLog(accounts.db(), auditKey)
                    .record(s.username(), "reassign:" + target, c.id()).map(done));
        }).onSuccess(done -> {
            events.publish("case_changed", c.id());
            back(ctx, c, done ? "case.assigned" : null);
        }).onFailure(ctx::fail);
    }

    private void reply(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String text = trimmed(ctx.request().getFormAttribute("text"));
        if (text.isEmpty()) {
            String canned = replies.text(trimmed(ctx.request().getFormAttribute("canned")), c.language());
            text = canned == null ? "" : canned;
        }
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            back(ctx, c, "case.empty_text");
            return;
        }
        if (c.conversationId() == null) {
            back(ctx, c, "case.reply.none");
            return;
        }
        if (c.flagged() && !"yes".equals(ctx.request().getFormAttribute("duress_confirm"))) {
            // someone else may hold the phone: a reply goes out only when the coordinator says so, knowingly
            back(ctx, c, "case.reply.duress_held");
            return;
        }
        String message = text;
        boolean rtl = script.rtl(c.language());
        // where to send it: the case's sealed contact entry, opened with this session's key (a web chat needs none)
        boolean addressed = outbox.addresses(c.channel());
        Future<Optional<String>> address = addressed ? entries.contactAddress(c.id(), s.teamKeys())
                : Future.succeededFuture(Optional.empty());
        address.compose(to -> {
            if (addressed && to.isEmpty()) {
                return Future.succeededFuture(false);
            }
            return teamKeys.sealing(() -> accounts.db().transaction(tx -> conversations.lockIfOpen(tx, c.conversationId())
                    .compose(open -> {
                        if (!open) {
                            return Future.succeededFuture(false);
                        }
                        return entries.append(tx, c.id(), EntryKind.MESSAGE_OUT, new JsonObject().put("text", message), s.username())
                                .compose(seq -> outbox.enqueueReply(tx, c.conversationId(), c.channel(), to.orElse(null),
                                        new Reply(message, List.of(), c.language(), rtl), c.id(), seq))
                                .compose(v -> cases.replied(tx, c.id()))
                                .map(true);
                    })));
        }).onSuccess(sent -> {
            if (!sent) {
                back(ctx, c, "case.reply.none");
                return;
            }
            LOG.info("event=reply_queued case={} account={} channel={}", c.id(), s.accountId(), c.channel());
            outbox.wake();
            events.publish("case_changed", c.id());
            back(ctx, c, "case.reply.sent");
        }).onFailure(ctx::fail);
    }

    private void note(RoutingContext ctx, InboxSession s, CaseSummary c, String kind) {
        String text = trimmed(ctx.request().getFormAttribute("text"));
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            back(ctx, c, "case.empty_text");
            return;
        }
        teamKeys.sealing(() -> accounts.db().transaction(tx -> entries.append(tx, c.id(), EntryKind.of(kind),
                new JsonObject().put("text", text), s.username()))).onSuccess(v -> {
            events.publish("case_changed", c.id());
            back(ctx, c, null);
        }).onFailure(ctx::fail);
    }

    private void labels(RoutingContext ctx, InboxSession s, CaseSummary c) {
        List<String> labels = new ArrayList<>();
        for (String raw : trimmed(ctx.request().getFormAttribute("labels")).split(",")) {
            String label = raw.strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}-]+", "-").replaceAll("^-+|-+$", "");
            if (!label.isEmpty() && label.length() <= 40 && !labels.contains(label) && labels.size() < 10) {
                labels.add(label);
            }
        }
        cases.setLabels(c.id(), labels).compose(v -> new AuditLog(accounts.db(), auditKey).record(s.username(), "labels", c.id()))
                .onSuccess(v -> {
                    events.publish("case_changed", c.id());
                    back(ctx, c, null);
                }).onFailure(ctx::fail);
    }

    private void status(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String status = trimmed(ctx.request().getFormAttribute("status"));
        if (!STATUSES.contains(status)) {
            back(ctx, c, null);
            return;
        }
        cases.setStatus(c.id(), status).compose(v -> new AuditLog(accounts.db(), auditKey).record(s.username(), "status_" + status, c.id()))
                .onSuccess(v -> {
                    LOG.info("event=case_status case={} status={} account={}", c.id(), status, s.accountId());
                    events.publish("case_changed", c.id());
                    if ("closed".equals(status)) {
                        ctx.redirect("/inbox?m=status.closed");
                    } else {
                        back(ctx, c, null);
                    }
                }).onFailure(ctx::fail);
    }

    private static void back(RoutingContext ctx, CaseSummary c, String message) {
        ctx.redirect("/inbox/cases/" + c.id() + (message == null ? "" : "?m=" + message));
    }

    private static void notFound(RoutingContext ctx, InboxSession s) {
        SessionGuard.html(ctx, 404, Html.page(s.language(), Text.t(s.language(), "notfound"), s,
                "<h1>" + Text.t(s.language(), "notfound") + "</h1>"));
    }

    private static void refuse(RoutingContext ctx, InboxSession s) {
        SessionGuard.html(ctx, 403, Html.page(s.language(), Text.t(s.language(), "refused"), s,
                "<h1>" + Text.t(s.language(), "refused") + "</h1>" + Html.error(Text.t(s.language(), "refused.role"))));
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }

}
