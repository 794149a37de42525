package org.haven.gateway.auth;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passphrase re-entry: administrative actions need the passphrase entered within {@link #FRESH}
 * ({@link SessionGuard#requireAdmin} sends a stale session to {@code /inbox/reauth}, which sends it
 * back to the page it came from once the passphrase is right), and an export asks for it each time
 * ({@link #check}). Every re-entry is counted like a login attempt ({@link LoginThrottle}: per
 * client and per account) and checked in the bounded passphrase pool ({@link PassphraseWork}).
 */
public final class Reauthentication {
    private static final Logger LOG = LoggerFactory.getLogger(Reauthentication.class);

    /** How long a passphrase entered (at login or here) lets administrative actions through. */
    public static final Duration FRESH = Duration.ofMinutes(5);

    /** Where a re-authenticated session may be sent back to: an inbox page, no other host. */
    private static final Pattern NEXT =
            Pattern.compile("/inbox(/[A-Za-z0-9/_.-]*)?(\\?[A-Za-z0-9=&_%.-]*)?");

    private final AccountStore accounts;
    private final SessionGuard guard;
    private final LoginLimits limits;
    private final KeyedHash auditKey;

    Reauthentication(
            AccountStore accounts, SessionGuard guard, LoginLimits limits, KeyedHash auditKey) {
        this.accounts = accounts;
        this.guard = guard;
        this.limits = limits;
        this.auditKey = auditKey;
    }

    /** What a re-entry came to. */
    public enum Kind {
        /** The passphrase was right: the session is fresh again. */
        PROVEN,
        /** The passphrase was wrong (counted). */
        WRONG,
        /**
         * Refused before any check: too many attempts (429) or the passphrase pool is full (503).
         */
        REFUSED
    }

    /** A re-entry's outcome; for {@link Kind#REFUSED}, the status to answer and when to retry. */
    public record Check(Kind kind, int status, Duration retryAfter) {
        /** Sets {@code Retry-After} on a refused answer. */
        public void headers(RoutingContext ctx) {
            if (kind == Kind.REFUSED) {
                ctx.response()
                        .putHeader(
                                "Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
            }
        }
    }

    void mount(Router router) {
        router.get("/inbox/reauth")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s ->
                                                form(
                                                        ctx,
                                                        s,
                                                        200,
                                                        next(ctx.request().getParam("next")),
                                                        null)));
        router.post("/inbox/reauth")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            String next =
                                                    next(ctx.request().getFormAttribute("next"));
                                            String pass =
                                                    ctx.request().getFormAttribute("passphrase");
                                            check(ctx, s, pass)
                                                    .onSuccess(
                                                            c -> {
                                                                switch (c.kind()) {
                                                                    case PROVEN ->
                                                                            ctx.redirect(next);
                                                                    case WRONG ->
                                                                            new AuditLog(
                                                                                            accounts
                                                                                                    .db(),
                                                                                            auditKey)
                                                                                    .record(
                                                                                            s
                                                                                                    .username(),
                                                                                            "reauth_failed",
                                                                                            null)
                                                                                    .onComplete(
                                                                                            ar ->
                                                                                                    form(
                                                                                                            ctx,
                                                                                                            s,
                                                                                                            403,
                                                                                                            next,
                                                                                                            Text
                                                                                                                    .t(
                                                                                                                            s
                                                                                                                                    .language(),
                                                                                                                            "reauth.wrong")));
                                                                    case REFUSED -> {
                                                                        c.headers(ctx);
                                                                        form(
                                                                                ctx,
                                                                                s,
                                                                                c.status(),
                                                                                next,
                                                                                Text.t(
                                                                                        s
                                                                                                .language(),
                                                                                        c.status()
                                                                                                        == 503
                                                                                                ? "login.busy"
                                                                                                : "login.throttled"));
                                                                    }
                                                                }
                                                            })
                                                    .onFailure(ctx::fail);
                                        }));
    }

    /**
     * Checks {@code passphrase} against {@code s}'s account, counted against the request's client
     * and the account; a right one makes the session fresh.
     */
    public Future<Check> check(RoutingContext ctx, InboxSession s, String passphrase) {
        if (passphrase == null || passphrase.isEmpty()) {
            return Future.succeededFuture(new Check(Kind.WRONG, 403, Duration.ZERO));
        }
        LoginLimits.Client client = limits.client(ctx, s.username());
        LoginThrottle.Attempt attempt = limits.begin(client, s.username());
        if (!attempt.admitted()) {
            LOG.info("event=reauth_throttled account={}", s.accountId());
            return Future.succeededFuture(new Check(Kind.REFUSED, 429, attempt.retryAfter()));
        }
        PassphraseWork work = limits.work();
        return accounts.findById(s.accountId())
                .compose(
                        found ->
                                work.run(
                                        client.key(),
                                        () ->
                                                found.isPresent()
                                                        && work.verify(
                                                                found.get().passphraseHash(),
                                                                passphrase)))
                .map(
                        ok -> {
                            if (ok) {
                                attempt.succeeded();
                                guard.sessions().reauthenticated(s);
                                LOG.info("event=reauthenticated account={}", s.accountId());
                                return new Check(Kind.PROVEN, 200, Duration.ZERO);
                            }
                            attempt.failed();
                            LOG.info("event=reauth_failed account={}", s.accountId());
                            return new Check(Kind.WRONG, 403, Duration.ZERO);
                        })
                .recover(
                        err -> {
                            if (err instanceof PassphraseWork.Busy busy) {
                                attempt.notChecked();
                                return Future.succeededFuture(
                                        new Check(
                                                Kind.REFUSED,
                                                busy.queueFull() ? 503 : 429,
                                                Duration.ofSeconds(
                                                        LoginLimits.BUSY_RETRY_SECONDS)));
                            }
                            return Future.failedFuture(err);
                        });
    }

    /**
     * Where to send a request back to after re-entry: {@code raw} if it is an inbox path, else the
     * inbox.
     */
    static String next(String raw) {
        return raw != null && NEXT.matcher(raw).matches() ? raw : "/inbox";
    }

    /**
     * The re-entry page to send a stale administrative request to, returning to the page it was
     * sent from.
     */
    static String pathFor(RoutingContext ctx) {
        String referer = ctx.request().getHeader("Referer");
        String back = "/inbox";
        if (referer != null) {
            try {
                URI u = URI.create(referer);
                back =
                        next(
                                u.getRawPath()
                                        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()));
            } catch (IllegalArgumentException e) {
                back = "/inbox";
            }
        }
        return "/inbox/reauth?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
    }

    private void form(RoutingContext ctx, InboxSession s, int status, String next, String error) {
        String l = s.language();
        String title = Text.t(l, "reauth.title");
        SessionGuard.html(
                ctx,
                status,
                Html.page(
                        l,
                        title,
                        s,
                        "<h1>"
                                + title
                                + "</h1>"
                                + Html.error(error)
                                + "<p>"
                                + Text.t(l, "reauth.intro")
                                + "</p>"
                                + "<form method=\"post\" action=\"/inbox/reauth\" class=\"stack\">"
                                + Html.csrf(s)
                                + "<input type=\"hidden\" name=\"next\" value=\""
                                + Html.esc(next)
                                + "\">"
                                + "<input type=\"text\" name=\"username\" autocomplete=\"username\" value=\""
                                + Html.esc(s.username())
                                + "\" hidden>"
                                + "<label for=\"reauth-pass\">"
                                + Text.t(l, "login.passphrase")
                                + "</label>"
                                + "<input id=\"reauth-pass\" name=\"passphrase\" type=\"password\" autocomplete=\"current-password\" required>"
                                + "<button type=\"submit\" id=\"reauth-go\">"
                                + Text.t(l, "reauth.go")
                                + "</button></form>"));
    }
}
