package org.haven.gateway.inbox;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.haven.gateway.admin.AccountCeremony;
import org.haven.gateway.admin.AuditRoutes;
import org.haven.gateway.admin.CannedReplyRoutes;
import org.haven.gateway.admin.IntakeRoutes;
import org.haven.gateway.admin.IntakeScripts;
import org.haven.gateway.admin.TeamRoutes;
import org.haven.gateway.auth.AuthRoutes;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.auth.SessionRegistry;
import org.haven.gateway.dashboard.DashboardRoutes;
import org.haven.gateway.http.SecurityHeaders;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.store.DashboardStats;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator web inbox under {@code /inbox}: the shared handlers (security headers, no
 * caching, form bodies, same-origin check) and its parts: login, queues, cases, team, audit log,
 * live updates.
 */
public final class Inbox {
    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
    private final Vertx vertx;
    private final SessionRegistry sessions;
    private final SessionGuard guard;
    private final AuthRoutes auth;
    private final QueueRoutes queues;
    private final CaseRoutes cases;
    private final TeamRoutes team;
    private final AuditRoutes audit;
    private final LiveUpdates live;
    private final DashboardRoutes dashboard;
    private final IntakeRoutes intake;
    private final CannedReplyRoutes canned;

    public Inbox(
            Vertx vertx,
            AccountStore accounts,
            CaseStore caseStore,
            TeamKeys teamKeys,
            ServerSecrets secrets,
            Outbox outbox,
            LiveUpdates live,
            IntakeScripts scripts,
            Clock clock,
            Duration idleTimeout,
            Duration absoluteTimeout,
            boolean secureCookies,
            int retentionDays,
            ActiveScript script,
            List<String> channels) {
        this.vertx = vertx;
        this.sessions = new SessionRegistry(clock, idleTimeout, absoluteTimeout);
        this.guard = new SessionGuard(sessions, secureCookies);
        this.live = live;
        this.auth = new AuthRoutes(vertx, accounts, teamKeys, secrets, guard, clock, secureCookies);
        this.queues =
                new QueueRoutes(caseStore, teamKeys, guard, secrets.auditKey(), script, channels);
        this.cases =
                new CaseRoutes(
                        vertx,
                        caseStore,
                        accounts,
                        teamKeys,
                        outbox,
                        live,
                        guard,
                        secrets.auditKey(),
                        auth.reauthentication(),
                        script);
        this.team =
                new TeamRoutes(vertx, accounts, teamKeys, guard, secrets.auditKey(), script)
                        .retentionDefault(retentionDays);
        this.intake = new IntakeRoutes(scripts, accounts.db(), guard, secrets.auditKey());
        this.canned = new CannedReplyRoutes(accounts.db(), guard, secrets.auditKey(), script);
        this.dashboard = new DashboardRoutes(new DashboardStats(accounts.db()), guard);
        this.audit = new AuditRoutes(accounts.db(), guard, secrets.auditKey());
    }

    /** Mounts the inbox and starts the session sweeper. */
    public void mount(Router router) {
        sweeper = vertx.setPeriodic(30_000, id -> sessions.sweep());
        router.route("/inbox*")
                .handler(
                        ctx -> {
                            SecurityHeaders.publicPage(ctx.response());
                            ctx.response().putHeader("Cache-Control", "no-store");
                            // never compressed: inbox pages hold a CSRF token next to text an
                            // attacker can get
                            // reflected (a search), which compression would leak through response
                            // sizes (BREACH)
                            ctx.response()
                                    .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
                            ctx.next();
                        });
        router.post("/inbox*").handler(BodyHandler.create(false).setBodyLimit(2 * 1024 * 1024));
        router.post("/inbox*").handler(Inbox::sameOrigin);
        router.get("/inbox/inbox.css")
                .handler(ctx -> asset(ctx, "inbox.css", "text/css; charset=utf-8"));
        router.get("/inbox/inbox.js")
                .handler(ctx -> asset(ctx, "inbox.js", "text/javascript; charset=utf-8"));
        auth.mount(router);
        live.mount(router, guard);
        team.mount(router);
        intake.mount(router);
        canned.mount(router);
        dashboard.mount(router);
        audit.mount(router);
        queues.mount(router);
        cases.mount(router);
    }

    private long sweeper = -1;

    /**
     * Ends here the sessions of an account removed on another gateway or at the command line
     * ({@link org.haven.gateway.admin.AccountCeremony#REMOVALS_CHANNEL}), or whose passphrase was
     * changed there ({@link org.haven.gateway.auth.PassphraseChange#SESSIONS_CHANNEL}).
     */
    public void follow(ClusterNotifications cluster) {
        cluster.listen(
                AccountCeremony.REMOVALS_CHANNEL,
                body -> {
                    if (body.getValue("account") instanceof Number account) {
                        int ended = sessions.endAllOf(account.longValue());
                        LOG.info(
                                "event=sessions_ended_after_removal account={} count={}",
                                account.longValue(),
                                ended);
                    }
                });
        auth.follow(cluster);
    }

    /** Ends every session, wiping the keys they hold. */
    public void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        sessions.endAll();
    }

    private void asset(RoutingContext ctx, String file, String type) {
        vertx.fileSystem()
                .readFile("webroot/inbox/" + file)
                .onSuccess(b -> ctx.response().putHeader("Content-Type", type).end(b))
                .onFailure(e -> ctx.fail(404));
    }

    /**
     * A form posted from another site's page is refused (SameSite cookies aside, belt and braces).
     */
    private static void sameOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        String host = ctx.request().getHeader("Host");
        if (origin != null
                && !"null".equals(origin)
                && host != null
                && !(origin.equals("http://" + host) || origin.equals("https://" + host))) {
            String l =
                    Text.preferred(
                            ctx.request().getParam("lang"),
                            ctx.request().getHeader("Accept-Language"));
            SessionGuard.html(
                    ctx,
                    403,
                    Html.page(
                            l,
                            Text.t(l, "refused"),
                            null,
                            "<h1>"
                                    + Text.t(l, "refused")
                                    + "</h1>"
                                    + Html.error(Text.t(l, "refused.other_site"))));
            return;
        }
        ctx.next();
    }
}
