package org.haven.gateway.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /inbox/passphrase}: every account changes its own passphrase here (current passphrase,
 * then the new one twice), and a session opened with a one-time passphrase is sent here first and
 * can do nothing else until it has chosen its own ({@link SessionGuard}). A wrong current
 * passphrase counts as a failed login, for the client and the account ({@link LoginThrottle}) and
 * is audited as {@code passphrase_change_failed}. A change ends the account's other sessions, here
 * and on the other gateways.
 */
final class PassphraseRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(PassphraseRoutes.class);

    private final AccountStore accounts;
    private final KeyedHash auditKey;
    private final SessionGuard guard;
    private final LoginLimits limits;
    private final PassphraseChange change;
    private volatile ClusterNotifications cluster;

    PassphraseRoutes(
            Vertx vertx,
            AccountStore accounts,
            SessionGuard guard,
            LoginLimits limits,
            KeyedHash auditKey) {
        this.auditKey = auditKey;
        this.accounts = accounts;
        this.guard = guard;
        this.limits = limits;
        this.change = new PassphraseChange(vertx, accounts, auditKey);
    }

    void mount(Router router) {
        router.get("/inbox/passphrase")
                .handler(
                        ctx ->
                                guard.requireAny(
                                        ctx,
                                        s -> {
                                            String done = ctx.request().getParam("m");
                                            form(
                                                    ctx,
                                                    s,
                                                    200,
                                                    null,
                                                    "changed".equals(done)
                                                            ? Text.t(
                                                                    s.language(),
                                                                    "passphrase.changed")
                                                            : null);
                                        }));
        router.post("/inbox/passphrase").handler(ctx -> guard.requireAny(ctx, s -> submit(ctx, s)));
    }

    /**
     * Ends here the sessions of an account whose passphrase was changed on another gateway or at
     * the command line.
     */
    void follow(ClusterNotifications cluster, SessionRegistry sessions) {
        this.cluster = cluster;
        cluster.listen(
                PassphraseChange.SESSIONS_CHANNEL,
                body -> {
                    if (body.getValue("account") instanceof Number account) {
                        int ended = sessions.endAllOf(account.longValue());
                        LOG.info(
                                "event=sessions_ended_after_passphrase_change account={} count={}",
                                account.longValue(),
                                ended);
                    }
                });
    }

    private void submit(RoutingContext ctx, InboxSession s) {
        String l = s.language();
        String current = ctx.request().getFormAttribute("current");
        String next = ctx.request().getFormAttribute("passphrase");
        String confirm = ctx.request().getFormAttribute("confirm");
        if (next == null || next.length() < AccountRules.MIN_PASSPHRASE) {
            form(ctx, s, 400, Text.t(l, "passphrase.short"), null);
            return;
        }
        if (!next.equals(confirm)) {
            form(ctx, s, 400, Text.t(l, "passphrase.differ"), null);
            return;
        }
        LoginLimits.Client client = limits.client(ctx, s.username());
        LoginThrottle.Attempt attempt = limits.begin(client, s.username());
        if (!attempt.admitted()) {
            ctx.response()
                    .putHeader("Retry-After", Long.toString(attempt.retryAfter().toSeconds()));
            form(ctx, s, 429, Text.t(l, "login.throttled"), null);
            return;
        }
        change.change(client.key(), s.accountId(), current == null ? "" : current, next, "")
                .onSuccess(
                        outcome -> {
                            if (outcome != PassphraseChange.Outcome.WRONG_CURRENT) {
                                attempt.succeeded();
                            }
                            switch (outcome) {
                                case WRONG_CURRENT -> {
                                    attempt.failed();
                                    LOG.info(
                                            "event=passphrase_change_failed account={}",
                                            s.accountId());
                                    new AuditLog(accounts.db(), auditKey)
                                            .record(s.username(), "passphrase_change_failed", null)
                                            .onComplete(
                                                    ar ->
                                                            form(
                                                                    ctx,
                                                                    s,
                                                                    400,
                                                                    Text.t(l, "passphrase.wrong"),
                                                                    null));
                                }
                                case SAME_AS_CURRENT ->
                                        form(ctx, s, 400, Text.t(l, "passphrase.same"), null);
                                case CHANGED_MEANWHILE, NO_SUCH_ACCOUNT -> {
                                    guard.sessions().end(s.id());
                                    guard.clearCookie(ctx);
                                    SessionGuard.page(
                                            ctx,
                                            409,
                                            l,
                                            Text.t(l, "login"),
                                            Html.error(Text.t(l, "passphrase.meanwhile"))
                                                    + "<p><a href=\"/inbox/login\">"
                                                    + Text.t(l, "login")
                                                    + "</a></p>");
                                }
                                case CHANGED -> changed(ctx, s);
                            }
                        })
                .onFailure(
                        err -> {
                            if (err instanceof PassphraseWork.Busy busy) {
                                attempt.notChecked();
                                ctx.response()
                                        .putHeader(
                                                "Retry-After",
                                                Integer.toString(LoginLimits.BUSY_RETRY_SECONDS));
                                form(
                                        ctx,
                                        s,
                                        busy.queueFull() ? 503 : 429,
                                        Text.t(l, "login.busy"),
                                        null);
                            } else {
                                ctx.fail(err);
                            }
                        });
    }

    private void changed(RoutingContext ctx, InboxSession s) {
        boolean first = !s.passphraseChosen();
        guard.sessions().passphraseChosen(s);
        int ended = guard.sessions().endAllOfExcept(s.accountId(), s.id());
        LOG.info(
                "event=passphrase_changed account={} first={} sessions_ended={}",
                s.accountId(),
                first,
                ended);
        ClusterNotifications c = cluster;
        if (c != null) {
            c.notify(
                    PassphraseChange.SESSIONS_CHANNEL,
                    new JsonObject().put("account", s.accountId()));
        }
        if (!s.secondFactorDone()) {
            ctx.redirect("/inbox/totp");
        } else {
            ctx.redirect(first ? "/inbox" : "/inbox/passphrase?m=changed");
        }
    }

    private void form(RoutingContext ctx, InboxSession s, int status, String error, String notice) {
        String l = s.language();
        boolean first = !s.passphraseChosen();
        String title = Text.t(l, first ? "passphrase.choose" : "passphrase.change");
        StringBuilder b =
                new StringBuilder("<h1>")
                        .append(title)
                        .append("</h1>")
                        .append(Html.error(error))
                        .append(Html.notice(notice))
                        .append("<p>")
                        .append(
                                Text.t(
                                        l,
                                        first
                                                ? "passphrase.choose.intro"
                                                : "passphrase.change.intro"))
                        .append("</p>")
                        .append(
                                "<form method=\"post\" action=\"/inbox/passphrase\" class=\"stack\">")
                        .append(Html.csrf(s))
                        .append(
                                "<input type=\"text\" name=\"username\" autocomplete=\"username\" value=\"")
                        .append(Html.esc(s.username()))
                        .append("\" hidden>")
                        .append("<label for=\"current\">")
                        .append(Text.t(l, first ? "passphrase.given" : "passphrase.current"))
                        .append("</label>")
                        .append(
                                "<input id=\"current\" name=\"current\" type=\"password\" autocomplete=\"current-password\" required>")
                        .append("<label for=\"passphrase\">")
                        .append(Text.t(l, "passphrase.new"))
                        .append("</label>")
                        .append(
                                "<input id=\"passphrase\" name=\"passphrase\" type=\"password\" autocomplete=\"new-password\" minlength=\"")
                        .append(AccountRules.MIN_PASSPHRASE)
                        .append("\" required>")
                        .append("<label for=\"confirm\">")
                        .append(Text.t(l, "passphrase.again"))
                        .append("</label>")
                        .append(
                                "<input id=\"confirm\" name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required>")
                        .append("<button type=\"submit\" id=\"save-passphrase\">")
                        .append(Text.t(l, "passphrase.save"))
                        .append("</button></form>");
        if (first) {
            // the header's menu is hidden until the first-login steps are done: a way out all the
            // same
            b.append("<form method=\"post\" action=\"/inbox/logout\">")
                    .append(Html.csrf(s))
                    .append("<button type=\"submit\" class=\"secondary\">")
                    .append(Text.t(l, "logout"))
                    .append("</button></form>");
        } else {
            b.append("<p><a href=\"/inbox\">")
                    .append(Text.t(l, "totp.continue"))
                    .append("</a></p>");
        }
        SessionGuard.html(ctx, status, Html.page(l, title, s, b.toString()));
    }
}
