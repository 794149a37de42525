package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.haven.bot.Reply;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.ConversationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work on one case: claim and release, reassign, reply through the person's channel, private
 * notes and referrals, labels and status. Each change is sealed or stored, audited, and told to the
 * other open inboxes; the caller has checked the session may make it.
 */
final class CaseActions {
    private static final Logger LOG = LoggerFactory.getLogger(CaseActions.class);

    private final ActiveScript script;
    private final CannedReplies replies;
    private final Vertx vertx;
    private final CaseStore cases;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final Outbox outbox;
    private final CaseEvents events;
    private final CaseEntries entries;
    private final KeyedHash auditKey;
    private final ConversationStore conversations = new ConversationStore();

    CaseActions(
            Vertx vertx,
            CaseStore cases,
            AccountStore accounts,
            TeamKeys teamKeys,
            Outbox outbox,
            CaseEvents events,
            CaseEntries entries,
            KeyedHash auditKey,
            ActiveScript script,
            CannedReplies replies) {
        this.script = script;
        this.replies = replies;
        this.vertx = vertx;
        this.cases = cases;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.outbox = outbox;
        this.events = events;
        this.entries = entries;
        this.auditKey = auditKey;
    }

    void claim(RoutingContext ctx, InboxSession s, CaseSummary c) {
        cases.claim(c.id(), s.accountId())
                .onSuccess(
                        won -> {
                            if (won) {
                                LOG.info(
                                        "event=case_claimed case={} account={}",
                                        c.id(),
                                        s.accountId());
                                new AuditLog(accounts.db(), auditKey)
                                        .record(s.username(), "claim", c.id());
                                events.publish("case_changed", c.id());
                                CaseRoutes.back(ctx, c, "case.claimed");
                            } else {
                                CaseRoutes.back(ctx, c, "case.claimed_by_other");
                            }
                        })
                .onFailure(ctx::fail);
    }

    void release(RoutingContext ctx, InboxSession s, CaseSummary c) {
        cases.release(c.id(), s.isAdmin() ? null : s.accountId())
                .onSuccess(
                        done -> {
                            new AuditLog(accounts.db(), auditKey)
                                    .record(s.username(), "release", c.id());
                            events.publish("case_changed", c.id());
                            CaseRoutes.go(ctx, "/inbox");
                        })
                .onFailure(ctx::fail);
    }

    /** Hands the case to another coordinator of its group (administrators). */
    void reassign(RoutingContext ctx, InboxSession s, CaseSummary c) {
        if (!s.isAdmin()) {
            CaseRoutes.refuse(ctx, s);
            return;
        }
        long target;
        try {
            target = Long.parseLong(trimmed(ctx.request().getFormAttribute("account")));
        } catch (NumberFormatException e) {
            CaseRoutes.back(ctx, c, null);
            return;
        }
        accounts.findById(target)
                .compose(
                        found -> {
                            boolean fits =
                                    found.isPresent()
                                            && ("admin".equals(found.get().role())
                                                    || ("coordinator".equals(found.get().role())
                                                            && c.inGroups(found.get().groups())));
                            if (!fits) {
                                return Future.succeededFuture(Optional.<String>empty());
                            }
                            return cases.reassign(c.id(), target)
                                    .compose(
                                            done ->
                                                    new AuditLog(accounts.db(), auditKey)
                                                            .record(
                                                                    s.username(),
                                                                    "reassign:" + target,
                                                                    c.id())
                                                            .map(done));
                        })
                .onSuccess(
                        status -> {
                            events.publish("case_changed", c.id());
                            // the status after (a new case given to someone is claimed): the page
                            // that stays shows it without a reload
                            status.ifPresent(st -> ctx.response().putHeader(CaseRoutes.STATUS, st));
                            CaseRoutes.back(ctx, c, status.isPresent() ? "case.assigned" : null);
                        })
                .onFailure(ctx::fail);
    }

    void reply(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String typed = trimmed(ctx.request().getFormAttribute("text"));
        if (!typed.isEmpty()) {
            send(ctx, s, c, typed);
            return;
        }
        // an empty box with a canned reply chosen (a browser without script): that reply is sent
        replies.text(trimmed(ctx.request().getFormAttribute("canned")), c.language())
                .onSuccess(canned -> send(ctx, s, c, canned.orElse("")))
                .onFailure(ctx::fail);
    }

    private void send(RoutingContext ctx, InboxSession s, CaseSummary c, String text) {
        if (text.isEmpty() || text.length() > CaseView.MAX_TEXT) {
            CaseRoutes.back(ctx, c, "case.empty_text");
            return;
        }
        if (c.conversationId() == null) {
            CaseRoutes.back(ctx, c, "case.reply.none");
            return;
        }
        if (c.flagged() && !"yes".equals(ctx.request().getFormAttribute("duress_confirm"))) {
            // someone else may hold the phone: a reply goes out only when the coordinator says so,
            // knowingly
            CaseRoutes.back(ctx, c, "case.reply.duress_held");
            return;
        }
        String message = text;
        boolean rtl = script.rtl(c.language());
        // where to send it: the case's sealed contact entry, opened with this session's key (a web
        // chat needs none)
        boolean addressed = outbox.addresses(c.channel());
        Future<Optional<String>> address =
                addressed
                        ? entries.contactAddress(c.id(), s.teamKeys())
                        : Future.succeededFuture(Optional.empty());
        address.compose(
                        to -> {
                            if (addressed && to.isEmpty()) {
                                return Future.succeededFuture(false);
                            }
                            return teamKeys.sealing(
                                    () ->
                                            accounts.db()
                                                    .transaction(
                                                            tx ->
                                                                    conversations
                                                                            .lockIfOpen(
                                                                                    tx,
                                                                                    c
                                                                                            .conversationId())
                                                                            .compose(
                                                                                    open -> {
                                                                                        if (!open) {
                                                                                            return Future
                                                                                                    .succeededFuture(
                                                                                                            false);
                                                                                        }
                                                                                        return entries.append(
                                                                                                        tx,
                                                                                                        c
                                                                                                                .id(),
                                                                                                        EntryKind
                                                                                                                .MESSAGE_OUT,
                                                                                                        new JsonObject()
                                                                                                                .put(
                                                                                                                        "text",
                                                                                                                        message),
                                                                                                        s
                                                                                                                .username())
                                                                                                .compose(
                                                                                                        seq ->
                                                                                                                outbox
                                                                                                                        .enqueueReply(
                                                                                                                                tx,
                                                                                                                                c
                                                                                                                                        .conversationId(),
                                                                                                                                c
                                                                                                                                        .channel(),
                                                                                                                                to
                                                                                                                                        .orElse(
                                                                                                                                                null),
                                                                                                                                new Reply(
                                                                                                                                        message,
                                                                                                                                        List
                                                                                                                                                .of(),
                                                                                                                                        c
                                                                                                                                                .language(),
                                                                                                                                        rtl),
                                                                                                                                c
                                                                                                                                        .id(),
                                                                                                                                seq))
                                                                                                .compose(
                                                                                                        v ->
                                                                                                                cases
                                                                                                                        .replied(
                                                                                                                                tx,
                                                                                                                                c
                                                                                                                                        .id()))
                                                                                                .map(
                                                                                                        true);
                                                                                    })));
                        })
                .onSuccess(
                        sent -> {
                            if (!sent) {
                                CaseRoutes.back(ctx, c, "case.reply.none");
                                return;
                            }
                            LOG.info(
                                    "event=reply_queued case={} account={} channel={}",
                                    c.id(),
                                    s.accountId(),
                                    c.channel());
                            outbox.wake();
                            events.publish("case_changed", c.id());
                            CaseRoutes.back(ctx, c, "case.reply.sent");
                        })
                .onFailure(ctx::fail);
    }

    void note(RoutingContext ctx, InboxSession s, CaseSummary c, String kind) {
        String text = trimmed(ctx.request().getFormAttribute("text"));
        if (text.isEmpty() || text.length() > CaseView.MAX_TEXT) {
            CaseRoutes.back(ctx, c, "case.empty_text");
            return;
        }
        teamKeys.sealing(
                        () ->
                                accounts.db()
                                        .transaction(
                                                tx ->
                                                        entries.append(
                                                                tx,
                                                                c.id(),
                                                                EntryKind.of(kind),
                                                                new JsonObject().put("text", text),
                                                                s.username())))
                .onSuccess(
                        v -> {
                            events.publish("case_changed", c.id());
                            CaseRoutes.back(ctx, c, null);
                        })
                .onFailure(ctx::fail);
    }

    void labels(RoutingContext ctx, InboxSession s, CaseSummary c) {
        List<String> labels = new ArrayList<>();
        for (String raw : trimmed(ctx.request().getFormAttribute("labels")).split(",")) {
            String label =
                    raw.strip()
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N}-]+", "-")
                            .replaceAll("^-+|-+$", "");
            if (!label.isEmpty()
                    && label.length() <= 40
                    && !labels.contains(label)
                    && labels.size() < 10) {
                labels.add(label);
            }
        }
        cases.setLabels(c.id(), labels)
                .compose(
                        v ->
                                new AuditLog(accounts.db(), auditKey)
                                        .record(s.username(), "labels", c.id()))
                .onSuccess(
                        v -> {
                            events.publish("case_changed", c.id());
                            CaseRoutes.back(ctx, c, null);
                        })
                .onFailure(ctx::fail);
    }

    void status(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String status = trimmed(ctx.request().getFormAttribute("status"));
        if (!CaseView.STATUSES.contains(status)) {
            CaseRoutes.back(ctx, c, null);
            return;
        }
        cases.setStatus(c.id(), status)
                .compose(
                        v ->
                                new AuditLog(accounts.db(), auditKey)
                                        .record(s.username(), "status_" + status, c.id()))
                .onSuccess(
                        v -> {
                            LOG.info(
                                    "event=case_status case={} status={} account={}",
                                    c.id(),
                                    status,
                                    s.accountId());
                            events.publish("case_changed", c.id());
                            if ("closed".equals(status)) {
                                CaseRoutes.go(ctx, "/inbox?m=status.closed");
                            } else {
                                CaseRoutes.back(ctx, c, null);
                            }
                        })
                .onFailure(ctx::fail);
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }
}
