package org.haven.gateway.inbox;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.Reauthentication;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One case at {@code /inbox/cases/<id>}: who may see it and work on it, checked before anything is
 * loaded, then its page ({@link CaseView}), the work on it ({@link CaseActions}) and an OpenPGP
 * export for a lawyer ({@link CaseExport}). Every view and change is written to the audit log.
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
    private final CaseView view;
    private final CaseActions actions;
    private final CaseMoveAction moveAction;
    private final Attachments attachments;
    private final CaseDeleteAction deletion;

    public CaseRoutes(
            Vertx vertx,
            CaseStore cases,
            AccountStore accounts,
            TeamKeys teamKeys,
            Outbox outbox,
            CaseEvents events,
            SessionGuard guard,
            KeyedHash auditKey,
            Reauthentication reauthentication,
            ActiveScript script) {
        CannedReplies replies = new CannedReplies(accounts.db());
        this.auditKey = auditKey;
        this.vertx = vertx;
        this.cases = cases;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.outbox = outbox;
        this.events = events;
        this.guard = guard;
        this.entries = new CaseEntries(cases, teamKeys, auditKey);
        this.export =
                new CaseExport(
                        vertx, entries, accounts, teamKeys, guard, auditKey, reauthentication);
        this.moveAction = new CaseMoveAction(accounts.db(), teamKeys, events, auditKey, script);
        this.deletion = new CaseDeleteAction(accounts.db(), events, auditKey);
        this.view = new CaseView(accounts, teamKeys, outbox, entries, replies, moveAction, script);
        this.attachments = new Attachments(entries);
        this.actions =
                new CaseActions(
                        vertx, cases, accounts, teamKeys, outbox, events, entries, auditKey, script,
                        replies);
    }

    public void mount(Router router) {
        router.get("/inbox/cases/:id")
                .handler(ctx -> withCase(ctx, false, (s, c) -> view.show(ctx, s, c)));
        router.post("/inbox/cases/:id/claim")
                .handler(ctx -> withCase(ctx, false, (s, c) -> actions.claim(ctx, s, c)));
        router.post("/inbox/cases/:id/release")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.release(ctx, s, c)));
        router.post("/inbox/cases/:id/reply")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.reply(ctx, s, c)));
        router.post("/inbox/cases/:id/note")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.note(ctx, s, c, "note")));
        router.post("/inbox/cases/:id/referral")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.note(ctx, s, c, "referral")));
        router.post("/inbox/cases/:id/labels")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.labels(ctx, s, c)));
        router.post("/inbox/cases/:id/status")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.status(ctx, s, c)));
        router.post("/inbox/cases/:id/move")
                .handler(ctx -> withCase(ctx, true, (s, c) -> moveAction.move(ctx, s, c)));
        router.post("/inbox/cases/:id/reassign")
                .handler(ctx -> withCase(ctx, true, (s, c) -> actions.reassign(ctx, s, c)));
        router.post("/inbox/cases/:id/delete")
                .handler(
                        ctx ->
                                guard.requireAdmin(
                                        ctx,
                                        admin ->
                                                withCase(
                                                        ctx,
                                                        false,
                                                        (s, c) -> deletion.delete(ctx, s, c))));
        router.get("/inbox/cases/:id/attachments/:seq")
                .handler(ctx -> withCase(ctx, false, (s, c) -> attachments.serve(ctx, s, c)));
        export.mount(router, (ctx, then) -> withCase(ctx, false, then));
    }

    /**
     * Loads the case and checks the user may see it (and, for {@code mustHold}, work on it: its
     * holder or an administrator). Agencies see only their own referrals' status.
     */
    private void withCase(
            RoutingContext ctx, boolean mustHold, BiConsumer<InboxSession, CaseSummary> then) {
        guard.require(
                ctx,
                s -> {
                    UUID id;
                    try {
                        id = UUID.fromString(ctx.pathParam("id"));
                    } catch (IllegalArgumentException e) {
                        notFound(ctx, s);
                        return;
                    }
                    cases.find(id)
                            .onSuccess(
                                    found -> {
                                        if (found.isEmpty()) {
                                            notFound(ctx, s);
                                            return;
                                        }
                                        CaseSummary c = found.get();
                                        boolean visible =
                                                s.isAdmin()
                                                        || (s.isAgency()
                                                                ? c.agencyMayKnow()
                                                                        && c.agencyId()
                                                                                .equals(
                                                                                        s
                                                                                                .agencyId())
                                                                : c.inGroups(s.groups()));
                                        if (!visible) {
                                            LOG.info(
                                                    "event=case_access_refused case={} account={}",
                                                    c.id(),
                                                    s.accountId());
                                            new AuditLog(accounts.db(), auditKey)
                                                    .record(
                                                            s.username(),
                                                            "case_access_refused",
                                                            c.id());
                                            refuse(ctx, s);
                                            return;
                                        }
                                        boolean isGet = ctx.request().method() == HttpMethod.GET;
                                        if (s.isAgency() && !isGet) {
                                            refuse(ctx, s);
                                            return;
                                        }
                                        if (mustHold
                                                && !s.isAdmin()
                                                && (c.assignedTo() == null
                                                        || c.assignedTo() != s.accountId())) {
                                            back(ctx, c, "case.not_yours");
                                            return;
                                        }
                                        then.accept(s, c);
                                    })
                            .onFailure(ctx::fail);
                });
    }

    static void back(RoutingContext ctx, CaseSummary c, String message) {
        go(ctx, "/inbox/cases/" + c.id() + (message == null ? "" : "?m=" + message));
    }

    /**
     * Where the browser goes after a change: a redirect, or, for the case page's toolbar that saves
     * in the background ({@code X-Haven-Autosave}), 204 with the place in {@code X-Haven-Location},
     * so the page can stay, or go there when the change leads away (a closed case) or failed.
     */
    static void go(RoutingContext ctx, String location) {
        if (ctx.request().getHeader(AUTOSAVE) != null) {
            ctx.response().setStatusCode(204).putHeader("X-Haven-Location", location).end();
        } else {
            ctx.redirect(location);
        }
    }

    /** The header of a toolbar change sent by inbox.js. */
    static final String AUTOSAVE = "X-Haven-Autosave";

    /**
     * The header of an answer to a toolbar change that may change the case's status as well (a new
     * case assigned becomes claimed): the status after, for the page to show.
     */
    static final String STATUS = "X-Haven-Status";

    static void notFound(RoutingContext ctx, InboxSession s) {
        SessionGuard.html(
                ctx,
                404,
                Html.page(
                        s.language(),
                        Text.t(s.language(), "notfound"),
                        s,
                        "<h1>" + Text.t(s.language(), "notfound") + "</h1>"));
    }

    static void refuse(RoutingContext ctx, InboxSession s) {
        SessionGuard.html(
                ctx,
                403,
                Html.page(
                        s.language(),
                        Text.t(s.language(), "refused"),
                        s,
                        "<h1>"
                                + Text.t(s.language(), "refused")
                                + "</h1>"
                                + Html.error(Text.t(s.language(), "refused.role"))));
    }
}
