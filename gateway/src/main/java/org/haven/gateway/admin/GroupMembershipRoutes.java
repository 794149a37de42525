package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Team page's working-group membership of existing coordinators (administrators only): a form
 * to add a coordinator to another group (which grants the group's key, {@link GroupMembership#add})
 * and, per group, a button to remove them from it, with a confirmation saying what happens (the
 * group's key rotates, {@link GroupMembership#remove}). A coordinator keeps at least one group.
 */
final class GroupMembershipRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMembershipRoutes.class);

    private final TeamRoutes team;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final SessionGuard guard;
    private final ActiveScript script;
    private final GroupMembership membership;

    GroupMembershipRoutes(
            TeamRoutes team,
            Vertx vertx,
            AccountStore accounts,
            TeamKeys teamKeys,
            SessionGuard guard,
            KeyedHash auditKey,
            ActiveScript script) {
        this.team = team;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.guard = guard;
        this.script = script;
        this.membership = new GroupMembership(vertx, accounts.db(), teamKeys, auditKey);
    }

    void mount(Router router) {
        router.post("/inbox/team/accounts/:id/groups")
                .handler(ctx -> guard.requireAdmin(ctx, s -> change(ctx, s, true)));
        router.post("/inbox/team/accounts/:id/groups/remove")
                .handler(ctx -> guard.requireAdmin(ctx, s -> change(ctx, s, false)));
    }

    /**
     * The working-groups cell of a coordinator's row: each group with its removal button (when it
     * has more than one), marked when the coordinator holds no administrator-signed membership of
     * the group's current key ({@code signed}: {@code "<account id>/<group id>"}; a row written
     * into the database, or a grant from before V35), then a form adding it to one of the other
     * groups of the script.
     */
    static String cell(Account a, InboxSession s, List<String> workingGroups, Set<String> signed) {
        String l = s.language();
        String user = Html.esc(a.username());
        StringBuilder b = new StringBuilder();
        List<String> held = a.groups().stream().sorted().toList();
        for (String g : held) {
            String group = Html.esc(g);
            b.append("<div>").append(group).append(' ');
            if (!signed.contains(a.id() + "/" + g)) {
                b.append("<strong class=\"error\" id=\"unsigned-group-")
                        .append(user)
                        .append('-')
                        .append(group)
                        .append("\">")
                        .append(Text.t(l, "tm.group.unsigned"))
                        .append("</strong> ");
            }
            if (held.size() > 1) {
                b.append("<form method=\"post\" class=\"inline\" action=\"/inbox/team/accounts/")
                        .append(a.id())
                        .append("/groups/remove\" data-confirm=\"")
                        .append(
                                Html.esc(
                                        Text.t(l, "confirm.group_remove", a.username())
                                                .replace("{1}", g)))
                        .append("\">")
                        .append(Html.csrf(s))
                        .append("<input type=\"hidden\" name=\"group\" value=\"")
                        .append(group)
                        .append("\"><button type=\"submit\" class=\"secondary\" id=\"remove-group-")
                        .append(user)
                        .append('-')
                        .append(group)
                        .append("\">")
                        .append(Html.esc(Text.t(l, "tm.group.remove_from", g)))
                        .append("</button></form>");
            }
            b.append("</div>");
        }
        List<String> others = workingGroups.stream().filter(g -> !held.contains(g)).toList();
        if (others.isEmpty()) {
            return b.toString();
        }
        b.append(
                        "<div><form method=\"post\" class=\"inline group-add\" action=\"/inbox/team/accounts/")
                .append(a.id())
                .append("/groups\">")
                .append(Html.csrf(s))
                .append("<label class=\"sr-only\" for=\"add-group-")
                .append(user)
                .append("\">")
                .append(Html.esc(Text.t(l, "tm.group.add_to", a.username())))
                .append("</label><select name=\"group\" id=\"add-group-")
                .append(user)
                .append("\">");
        for (String g : others) {
            b.append("<option value=\"")
                    .append(Html.esc(g))
                    .append("\">")
                    .append(Html.esc(g))
                    .append("</option>");
        }
        return b.append("</select> <button type=\"submit\" class=\"secondary\" id=\"add-group-to-")
                .append(user)
                .append("\">")
                .append(Text.t(l, "tm.group.add"))
                .append("</button></form></div>")
                .toString();
    }

    private void change(RoutingContext ctx, InboxSession s, boolean add) {
        String l = s.language();
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            team.page(ctx, s, Text.t(l, "tm.msg.no_account"), null);
            return;
        }
        String group = ctx.request().getFormAttribute("group");
        if (group == null || !script.workingGroups().contains(group)) {
            team.page(ctx, s, Text.t(l, "tm.msg.no_group"), null);
            return;
        }
        Optional<RecipientPrivateKey> key = s.teamKey(teamKeys.currentKeyId());
        if (key.isEmpty()) {
            team.page(ctx, s, Text.t(l, "tm.msg.no_team_key"), null);
            return;
        }
        accounts.findById(id)
                .compose(
                        found -> {
                            if (found.isEmpty() || !"coordinator".equals(found.get().role())) {
                                return Future.succeededFuture(
                                        "!" + Text.t(l, "tm.msg.not_coordinator"));
                            }
                            String username = found.get().username();
                            return add
                                    ? added(s, id, username, group, key.get())
                                    : removed(s, id, username, group, key.get());
                        })
                .onSuccess(
                        notice -> {
                            if (notice.startsWith("!")) {
                                team.page(ctx, s, notice.substring(1), null);
                            } else {
                                team.page(ctx, s, null, notice);
                            }
                        })
                .onFailure(
                        err -> {
                            if (!team.keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /** What the page says after an addition: a notice, or an error marked by a leading "!". */
    private Future<String> added(
            InboxSession s, long id, String username, String group, RecipientPrivateKey key) {
        return membership
                .add(s.username(), id, group, key, s.signer())
                .map(
                        outcome -> {
                            if (outcome == GroupMembership.Outcome.DONE) {
                                // its sessions opened the grants it held at login: it logs in again
                                guard.sessions().endAllOf(id);
                                LOG.info(
                                        "event=group_member_added account={} group={} by={}",
                                        id,
                                        group,
                                        s.accountId());
                            }
                            return message(s, outcome, "tm.msg.group_added", username, group);
                        });
    }

    private Future<String> removed(
            InboxSession s, long id, String username, String group, RecipientPrivateKey key) {
        return membership
                .remove(s.username(), id, group, key, s.signer())
                .map(
                        r -> {
                            if (r.outcome() == GroupMembership.Outcome.DONE) {
                                guard.sessions().endAllOf(id);
                                r.holders().forEach(guard.sessions()::endAllOf);
                                LOG.info(
                                        "event=group_member_removed account={} group={} by={}",
                                        id,
                                        group,
                                        s.accountId());
                            }
                            return message(s, r.outcome(), "tm.msg.group_removed", username, group);
                        });
    }

    private static String message(
            InboxSession s,
            GroupMembership.Outcome outcome,
            String done,
            String username,
            String group) {
        String l = s.language();
        String key =
                switch (outcome) {
                    case DONE -> done;
                    case UNCHANGED ->
                            done.equals("tm.msg.group_added")
                                    ? "tm.msg.group_already"
                                    : "tm.msg.group_not_member";
                    case LAST_GROUP -> "tm.msg.group_last";
                    case NO_SUCH_COORDINATOR -> "tm.msg.not_coordinator";
                };
        String text = Text.t(l, key).replace("{username}", username).replace("{group}", group);
        return outcome == GroupMembership.Outcome.DONE ? text : "!" + text;
    }
}
