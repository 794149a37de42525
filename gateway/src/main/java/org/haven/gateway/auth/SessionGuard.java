package org.haven.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.function.Consumer;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * Finds the inbox session of a request from its cookie and guards routes: no session sends a page
 * request to the login form; a state-changing request must carry the session's CSRF token; a
 * session opened with a one-time passphrase may only choose its own (or log out), then a session
 * that has not enrolled its second factor may only enrol.
 */
public final class SessionGuard {
    /** The session cookie: HttpOnly, SameSite=Strict, Secure behind TLS, scoped to the inbox. */
    public static final String COOKIE = "haven_inbox";

    private final SessionRegistry sessions;
    private final boolean secureCookies;

    public SessionGuard(SessionRegistry sessions, boolean secureCookies) {
        this.sessions = sessions;
        this.secureCookies = secureCookies;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /**
     * The header the inbox page sets on the requests it makes by itself (refreshing after a live
     * update): they do not extend the session's idle timeout.
     */
    public static final String BACKGROUND = "X-Haven-Background";

    /**
     * The request's live session, if any; touched unless the page made the request by itself
     * ({@link #BACKGROUND}).
     */
    public Optional<InboxSession> current(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        String id = c == null ? null : c.getValue();
        return ctx.request().getHeader(BACKGROUND) != null ? sessions.peek(id) : sessions.find(id);
    }

    /** The first-login steps a session goes through, in order, before it reaches the inbox. */
    private enum Step {
        /** Choose one's own passphrase in place of a one-time one ({@code /inbox/passphrase}). */
        PASSPHRASE,
        /** Enrol the second factor ({@code /inbox/totp}). */
        SECOND_FACTOR,
        /** Done: the inbox. */
        INBOX
    }

    /** Runs {@code then} for a fully logged-in session (own passphrase, second factor done). */
    public void require(RoutingContext ctx, Consumer<InboxSession> then) {
        guard(ctx, Step.INBOX, then);
    }

    /**
     * Runs {@code then} for a logged-in administrator; anyone else is refused. An administrative
     * action (any method but GET) also needs the passphrase entered within {@link
     * Reauthentication#FRESH}: a stale session is sent to re-enter it, and from there back to the
     * page it came from.
     */
    public void requireAdmin(RoutingContext ctx, Consumer<InboxSession> then) {
        require(
                ctx,
                s -> {
                    if (!s.isAdmin()) {
                        html(
                                ctx,
                                403,
                                Html.page(
                                        s.language(),
                                        Text.t(s.language(), "refused"),
                                        s,
                                        "<h1>"
                                                + Text.t(s.language(), "refused")
                                                + "</h1>"
                                                + Html.error(
                                                        Text.t(s.language(), "refused.role"))));
                        return;
                    }
                    if (ctx.request().method() != HttpMethod.GET && !sessions.fresh(s)) {
                        ctx.response()
                                .setStatusCode(303)
                                .putHeader("Location", Reauthentication.pathFor(ctx))
                                .end();
                        return;
                    }
                    then.accept(s);
                });
    }

    /**
     * Runs {@code then} for a session that may still be enrolling its second factor (its passphrase
     * its own).
     */
    public void requireEnrolling(RoutingContext ctx, Consumer<InboxSession> then) {
        guard(ctx, Step.SECOND_FACTOR, then);
    }

    /** Runs {@code then} for any session, even one still to replace its one-time passphrase. */
    public void requireAny(RoutingContext ctx, Consumer<InboxSession> then) {
        guard(ctx, Step.PASSPHRASE, then);
    }

    /**
     * Runs {@code then} for a fully logged-in session, as {@link #require}, without extending its
     * idle timeout.
     */
    public void requireQuietly(RoutingContext ctx, Consumer<InboxSession> then) {
        guard(ctx, Step.INBOX, false, then);
    }

    private void guard(RoutingContext ctx, Step allowed, Consumer<InboxSession> then) {
        guard(ctx, allowed, true, then);
    }

    private void guard(
            RoutingContext ctx, Step allowed, boolean touch, Consumer<InboxSession> then) {
        Cookie c = ctx.request().getCookie(COOKIE);
        Optional<InboxSession> found =
                touch ? current(ctx) : sessions.peek(c == null ? null : c.getValue());
        if (found.isEmpty()) {
            ended(ctx, c == null ? null : c.getValue());
            return;
        }
        InboxSession s = found.get();
        if (!s.passphraseChosen() && allowed != Step.PASSPHRASE) {
            ctx.redirect("/inbox/passphrase");
            return;
        }
        if (!s.secondFactorDone() && allowed == Step.INBOX) {
            ctx.redirect("/inbox/totp");
            return;
        }
        if (ctx.request().method() != HttpMethod.GET && !csrfMatches(ctx, s)) {
            page(
                    ctx,
                    403,
                    s.language(),
                    Text.t(s.language(), "refused"),
                    "<h1>"
                            + Text.t(s.language(), "refused")
                            + "</h1>"
                            + Html.error(Text.t(s.language(), "refused.csrf")));
            return;
        }
        then.accept(s);
    }

    /**
     * No live session: a page request goes to the login form, anything else gets a page saying the
     * session ended. A session ended by a team key rotation is told so, in its person's language
     * ({@link AuthRoutes#ENDED_TEAM_KEY} on the login form).
     */
    private void ended(RoutingContext ctx, String id) {
        Optional<SessionRegistry.Ended> rotated = sessions.endedByRotation(id);
        String l =
                rotated.map(SessionRegistry.Ended::language)
                        .orElse(
                                Text.preferred(
                                        ctx.request().getParam("lang"),
                                        ctx.request().getHeader("Accept-Language")));
        if (ctx.request().method() == HttpMethod.GET) {
            ctx.redirect(
                    rotated.isPresent()
                            ? "/inbox/login?lang=" + l + "&ended=" + AuthRoutes.ENDED_TEAM_KEY
                            : "/inbox/login");
            return;
        }
        page(
                ctx,
                401,
                l,
                Text.t(l, "login"),
                Html.error(Text.t(l, rotated.isPresent() ? "login.ended.team_key" : "login.ended"))
                        + "<p><a href=\"/inbox/login?lang="
                        + l
                        + "\">"
                        + Text.t(l, "login")
                        + "</a></p>");
    }

    private static boolean csrfMatches(RoutingContext ctx, InboxSession s) {
        String token = ctx.request().getFormAttribute("csrf");
        if (token == null) {
            token = ctx.request().getHeader("X-CSRF-Token");
        }
        return token != null
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.UTF_8),
                        s.csrfToken().getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the session cookie. */
    public void setCookie(RoutingContext ctx, InboxSession s) {
        ctx.response()
                .addCookie(
                        Cookie.cookie(COOKIE, s.id())
                                .setPath("/inbox")
                                .setHttpOnly(true)
                                .setSameSite(CookieSameSite.STRICT)
                                .setSecure(secureCookies));
    }

    /** Removes the session cookie. */
    public void clearCookie(RoutingContext ctx) {
        ctx.response()
                .addCookie(
                        Cookie.cookie(COOKIE, "")
                                .setPath("/inbox")
                                .setMaxAge(0)
                                .setHttpOnly(true)
                                .setSameSite(CookieSameSite.STRICT)
                                .setSecure(secureCookies));
    }

    /** Ends a page with an HTML body in the inbox frame. */
    public static void page(
            RoutingContext ctx, int status, String language, String title, String body) {
        html(ctx, status, Html.page(language, title, null, body));
    }

    /** Ends with a complete HTML document. */
    public static void html(RoutingContext ctx, int status, String document) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .end(document);
    }
}
