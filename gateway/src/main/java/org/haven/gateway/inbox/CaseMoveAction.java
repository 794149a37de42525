package org.haven.gateway.inbox;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.admin.AccountCeremony;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.cases.CaseMove;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.Db;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * Moving a case to another working group (issue 20): the case page's one form and its handler. The
 * entries are re-sealed to the new group's key with the mover's own keys ({@link CaseMove}), so
 * only someone who can open the case can move it; the old group loses access; the move is audited.
 */
final class CaseMoveAction {
    private static final List<String> GROUPS = AccountCeremony.GROUPS;

    private final CaseMove move;
    private final CaseEvents events;

    CaseMoveAction(Db db, TeamKeys teamKeys, CaseEvents events, KeyedHash auditKey) {
        this.move = new CaseMove(db, teamKeys, auditKey);
        this.events = events;
    }

    /** The form: the groups other than the case's own. */
    static String form(InboxSession s, CaseSummary c) {
        String l = s.language();
        StringBuilder options = new StringBuilder();
        for (String g : GROUPS) {
            if (!g.equals(c.workingGroup())) {
                options.append("<option value=\"").append(g).append("\">");
                options.append(g).append("</option>");
            }
        }
        return "<form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/move\" class=\"stack\">"
                + Html.csrf(s)
                + "<label for=\"move-group\">"
                + Text.t(l, "case.move")
                + "</label><select id=\"move-group\" name=\"group\">"
                + options
                + "</select><button type=\"submit\" class=\"secondary\">"
                + Text.t(l, "case.move.save")
                + "</button></form>";
    }

    void move(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String to = ctx.request().getFormAttribute("group");
        if (to == null || !GROUPS.contains(to)) {
            CaseRoutes.back(ctx, c, null);
            return;
        }
        move.move(c.id(), to, s.teamKeys(), s.username())
                .onSuccess(
                        moved -> {
                            events.publish("case_changed", c.id());
                            if (moved && !s.isAdmin() && !s.groups().contains(to)) {
                                ctx.redirect("/inbox");
                            } else {
                                CaseRoutes.back(ctx, c, moved ? "case.moved" : null);
                            }
                        })
                .onFailure(
                        err -> {
                            if (err instanceof CaseMove.CannotOpen
                                    || err instanceof CaseMove.NoGroupKey) {
                                CaseRoutes.back(ctx, c, "case.move.refused");
                            } else {
                                ctx.fail(err);
                            }
                        });
    }
}
