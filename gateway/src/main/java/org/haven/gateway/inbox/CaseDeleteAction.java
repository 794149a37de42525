package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.RetentionStore;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deleting a case from the inbox (issue 19), for administrators: the case page's form, which asks
 * first (inbox.js, {@code data-confirm}) saying what will go, and its handler. The case is deleted
 * the way the retention purge deletes one ({@link RetentionStore#deleteCases}: its entries,
 * attachments and keys, and its conversation's state unless another case uses it), in one
 * transaction with the audit record; then the other open pages are told, and a case page open on it
 * says the case is gone.
 */
final class CaseDeleteAction {
    private static final Logger LOG = LoggerFactory.getLogger(CaseDeleteAction.class);

    private final Db db;
    private final CaseEvents events;
    private final KeyedHash auditKey;

    CaseDeleteAction(Db db, CaseEvents events, KeyedHash auditKey) {
        this.db = db;
        this.events = events;
        this.auditKey = auditKey;
    }

    /** Whether the session may delete cases: administrators only. */
    static boolean allowed(InboxSession s) {
        return s.isAdmin();
    }

    /** The form: one button, with the confirmation's words. */
    static String form(InboxSession s, CaseSummary c) {
        String l = s.language();
        return "<section class=\"danger-zone\" aria-labelledby=\"delete-h\"><h2 id=\"delete-h\">"
                + Text.t(l, "case.delete")
                + "</h2><form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/delete\" data-confirm=\""
                + Html.esc(Text.t(l, "case.delete.confirm").replace("{ref}", c.reference()))
                + "\">"
                + Html.csrf(s)
                + "<p class=\"help\" id=\"delete-help\">"
                + Text.t(l, "case.delete.help")
                + "</p><button type=\"submit\" id=\"delete-case\" class=\"danger\""
                + " aria-describedby=\"delete-help\">"
                + Text.t(l, "case.delete")
                + "</button></form></section>";
    }

    void delete(RoutingContext ctx, InboxSession s, CaseSummary c) {
        if (!allowed(s)) {
            CaseRoutes.refuse(ctx, s);
            return;
        }
        db.transaction(
                        tx ->
                                RetentionStore.lockCase(tx, c.id())
                                        .compose(
                                                due -> {
                                                    if (due.cases().isEmpty()) {
                                                        return Future.succeededFuture(false);
                                                    }
                                                    return RetentionStore.deleteCases(tx, due)
                                                            .compose(
                                                                    n ->
                                                                            new AuditLog(
                                                                                            tx,
                                                                                            auditKey)
                                                                                    .record(
                                                                                            s
                                                                                                    .username(),
                                                                                            "case_deleted",
                                                                                            c.id()))
                                                            .map(true);
                                                }))
                .onSuccess(
                        deleted -> {
                            if (deleted) {
                                LOG.info(
                                        "event=case_deleted case={} account={}",
                                        c.id(),
                                        s.accountId());
                                events.publish("case_deleted", c.id());
                            }
                            CaseRoutes.go(ctx, "/inbox?m=case.deleted");
                        })
                .onFailure(ctx::fail);
    }
}
