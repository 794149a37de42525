package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.http.SecurityHeaders;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.store.SealedEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator inbox at {@code /inbox}: first-administrator setup, login, the queue of open
 * cases, and one case with its entries opened by the team key that the login unlocked.
 */
public final class InboxRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(InboxRoutes.class);
    private static final String COOKIE = "haven_inbox";
    private static final int MIN_PASSPHRASE = 12;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");
    /** Verified against when a username is unknown, so both cases cost the same. */
    private static final String DUMMY_HASH = PassphraseHash.hash("haven-dummy-passphrase".toCharArray());

    private final Vertx vertx;
    private final AccountStore accounts;
    private final CaseStore cases;
    private final TeamKeys teamKeys;
    private final SessionRegistry sessions;
    private final LoginThrottle throttle;
    private final boolean secureCookies;

    public InboxRoutes(Vertx vertx, AccountStore accounts, CaseStore cases, TeamKeys teamKeys, Clock clock,
                       Duration idleTimeout, boolean secureCookies) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.cases = cases;
        this.teamKeys = teamKeys;
        this.sessions = new SessionRegistry(clock, idleTimeout);
        this.throttle = new LoginThrottle(clock);
        this.secureCookies = secureCookies;
    }

    /** Mounts the inbox and starts the session sweeper. */
    public void mount(Router router) {
        vertx.setPeriodic(60_000, id -> sessions.sweep());
        router.route("/inbox*").handler(ctx -> {
            SecurityHeaders.publicPage(ctx.response());
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        router.post("/inbox*").handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
        router.post("/inbox*").handler(this::checkOrigin);
        router.get("/inbox/inbox.css").handler(ctx -> vertx.fileSystem().readFile("webroot/inbox/inbox.css")
                .onSuccess(b -> ctx.response().putHeader("Content-Type", "text/css; charset=utf-8").end(b))
                .onFailure(e -> ctx.fail(404)));
        router.get("/inbox/setup").handler(this::setupForm);
        router.post("/inbox/setup").handler(this::setup);
        router.get("/inbox/login").handler(ctx -> html(ctx, 200, loginPage(null)));
        router.post("/inbox/login").handler(this::login);
        router.post("/inbox/logout").handler(ctx -> withSession(ctx, true, s -> {
            sessions.end(s.id);
            LOG.info("event=logout account={}", s.accountId);
            clearCookie(ctx);
            ctx.redirect("/inbox/login");
        }));
        router.get("/inbox").handler(ctx -> withSession(ctx, false, s -> queue(ctx, s)));
        router.get("/inbox/cases/:id").handler(ctx -> withSession(ctx, false, s -> showCase(ctx, s)));
    }

    /** Ends every session, wiping the keys they hold. */
    public void close() {
        sessions.endAll();
    }

    private void checkOrigin(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        String host = ctx.request().getHeader("Host");
        if (origin != null && !"null".equals(origin) && host != null
                && !(origin.equals("http://" + host) || origin.equals("https://" + host))) {
            html(ctx, 403, Html.page("Refused", null, null, "<h1>Refused</h1><p>That request came from another site.</p>"));
            return;
        }
        ctx.next();
    }

    private void setupForm(RoutingContext ctx) {
        accounts.pendingSetup(accounts.pool()).onSuccess(p -> {
            if (p.isEmpty()) {
                ctx.redirect("/inbox/login");
            } else {
                html(ctx, 200, setupPage(null));
            }
        }).onFailure(ctx::fail);
    }

    private void setup(RoutingContext ctx) {
        String code = normaliseCode(ctx.request().getFormAttribute("code"));
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String pass = ctx.request().getFormAttribute("passphrase");
        String confirm = ctx.request().getFormAttribute("confirm");
        if (username.isEmpty() || username.length() > 64 || !username.matches("[A-Za-z0-9._-]+")) {
            html(ctx, 400, setupPage("Choose a username of letters, digits, dots, dashes or underscores."));
            return;
        }
        if (pass == null || pass.length() < MIN_PASSPHRASE) {
            html(ctx, 400, setupPage("The passphrase must be at least " + MIN_PASSPHRASE + " characters."));
            return;
        }
        if (!pass.equals(confirm)) {
            html(ctx, 400, setupPage("The two passphrases differ."));
            return;
        }
        accounts.pool().withTransaction(tx -> accounts.pendingSetup(tx).compose(pending -> {
            if (pending.isEmpty()) {
                return Future.succeededFuture(Optional.<String>of("Setup is already complete: log in."));
            }
            return vertx.<Optional<SetupKeys>>executeBlocking(() -> {
                try {
                    byte[] key = PassphraseBox.open(pending.get().sealedTeamKey(), code.toCharArray());
                    byte[] sealed = PassphraseBox.seal(key, pass.toCharArray());
                    java.util.Arrays.fill(key, (byte) 0);
                    return Optional.of(new SetupKeys(PassphraseHash.hash(pass.toCharArray()), sealed));
                } catch (GeneralSecurityException e) {
                    return Optional.empty();
                }
            }).compose(keys -> {
                if (keys.isEmpty()) {
                    return Future.succeededFuture(Optional.of("That setup code is not right."));
                }
                return accounts.completeSetup(tx, username, keys.get().hash(), pending.get().teamKeyId(), keys.get().sealed())
                        .compose(done -> new AuditLog(tx).record(username, "setup_admin", null).map(done))
                        .map(done -> done ? Optional.<String>empty() : Optional.of("Setup is already complete: log in."));
            });
        })).onSuccess(error -> {
            if (error.isPresent()) {
                html(ctx, 400, setupPage(error.get()));
            } else {
                teamKeys.forgetSetupCode();
                LOG.info("event=setup_complete");
                ctx.redirect("/inbox/login");
            }
        }).onFailure(ctx::fail);
    }

    private record SetupKeys(String hash, byte[] sealed) {
    }

    private void login(RoutingContext ctx) {
        String client = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
        if (!throttle.allowed(client)) {
            html(ctx, 429, loginPage("Too many failed attempts. Wait a few minutes and try again."));
            return;
        }
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String pass = ctx.request().getFormAttribute("passphrase");
        if (username.isEmpty() || pass == null || pass.isEmpty()) {
            html(ctx, 400, loginPage("Enter your username and passphrase."));
            return;
        }
        accounts.findByUsername(username).compose(found -> vertx.<Optional<Unlocked>>executeBlocking(() -> {
            String hash = found.map(Account::passphraseHash).orElse(DUMMY_HASH);
            boolean ok = PassphraseHash.verify(hash, pass.toCharArray());
            if (!ok || found.isEmpty() || found.get().sealedTeamKey() == null) {
                return Optional.empty();
            }
            try {
                byte[] raw = PassphraseBox.open(found.get().sealedTeamKey(), pass.toCharArray());
                RecipientPrivateKey key = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
                java.util.Arrays.fill(raw, (byte) 0);
                return Optional.of(new Unlocked(found.get(), key));
            } catch (GeneralSecurityException e) {
                return Optional.empty();
            }
        })).onSuccess(unlocked -> {
            if (unlocked.isEmpty()) {
                throttle.failed(client);
                LOG.info("event=login_failed");
                html(ctx, 401, loginPage("That username and passphrase do not match."));
                return;
            }
            throttle.succeeded(client);
            Account a = unlocked.get().account();
            InboxSession s = sessions.create(a.id(), a.username(), a.role(), unlocked.get().key());
            new AuditLog(accounts.pool()).record(a.username(), "login", null);
            LOG.info("event=login account={}", a.id());
            Cookie cookie = Cookie.cookie(COOKIE, s.id).setPath("/inbox").setHttpOnly(true)
                    .setSameSite(CookieSameSite.STRICT).setSecure(secureCookies);
            ctx.response().addCookie(cookie);
            ctx.redirect("/inbox");
        }).onFailure(ctx::fail);
    }

    private record Unlocked(Account account, RecipientPrivateKey key) {
    }

    private void withSession(RoutingContext ctx, boolean checkCsrf, java.util.function.Consumer<InboxSession> then) {
        Cookie c = ctx.request().getCookie(COOKIE);
        Optional<InboxSession> s = sessions.find(c == null ? null : c.getValue());
        if (s.isEmpty()) {
            if (ctx.request().method() == io.vertx.core.http.HttpMethod.GET) {
                ctx.redirect("/inbox/login");
            } else {
                html(ctx, 401, loginPage("Your session ended. Log in again."));
            }
            return;
        }
        if (checkCsrf) {
            String token = ctx.request().getFormAttribute("csrf");
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    s.get().csrfToken.getBytes(StandardCharsets.UTF_8))) {
                html(ctx, 403, Html.page("Refused", null, null, "<h1>Refused</h1><p>The form was stale. Go back, reload and try again.</p>"));
                return;
            }
        }
        then.accept(s.get());
    }

    private void queue(RoutingContext ctx, InboxSession s) {
        cases.listOpen().onSuccess(list -> {
            StringBuilder b = new StringBuilder("<h1>Open cases</h1>");
            if (list.isEmpty()) {
                b.append("<p class=\"empty\">No open cases.</p>");
            } else {
                b.append("<table class=\"queue\"><caption class=\"sr-only\">Open cases, urgent first</caption><thead><tr>")
                        .append("<th scope=\"col\">Case</th><th scope=\"col\">Triage</th><th scope=\"col\">Working group</th>")
                        .append("<th scope=\"col\">Channel</th><th scope=\"col\">Language</th><th scope=\"col\">Status</th>")
                        .append("<th scope=\"col\">Received</th></tr></thead><tbody>");
                for (CaseSummary c : list) {
                    b.append("<tr").append(c.urgent() ? " class=\"urgent\"" : "").append("><td><a href=\"/inbox/cases/")
                            .append(c.id()).append("\">").append(Html.esc(c.reference())).append("</a></td><td>")
                            .append(Html.esc(triageLabel(c.triage()))).append("</td><td>").append(Html.esc(c.workingGroup()))
                            .append("</td><td>").append(Html.esc(c.channel())).append("</td><td>").append(Html.esc(c.language()))
                            .append("</td><td>").append(Html.esc(c.status())).append("</td><td>")
                            .append(Html.esc(c.createdAt() == null ? "" : WHEN.format(c.createdAt().atZoneSameInstant(java.time.ZoneOffset.UTC))))
                            .append("</td></tr>");
                }
                b.append("</tbody></table>");
            }
            html(ctx, 200, Html.page("Open cases", s.username, s.csrfToken, b.toString()));
        }).onFailure(ctx::fail);
    }

    private void showCase(RoutingContext ctx, InboxSession s) {
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            html(ctx, 404, Html.page("Not found", s.username, s.csrfToken, "<h1>No such case</h1>"));
            return;
        }
        cases.find(id).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture((String) null);
            }
            return cases.entries(id).compose(entries -> new AuditLog(accounts.pool()).record(s.username, "case_view", id)
                    .map(v -> renderCase(found.get(), entries, s)));
        }).onSuccess(body -> {
            if (body == null) {
                html(ctx, 404, Html.page("Not found", s.username, s.csrfToken, "<h1>No such case</h1>"));
            } else {
                LOG.info("event=case_viewed case={} account={}", id, s.accountId);
                html(ctx, 200, Html.page("Case", s.username, s.csrfToken, body));
            }
        }).onFailure(ctx::fail);
    }

    private String renderCase(CaseSummary c, List<SealedEntry> entries, InboxSession s) {
        StringBuilder b = new StringBuilder();
        b.append("<p><a href=\"/inbox\">← All open cases</a></p><h1>Case ").append(Html.esc(c.reference())).append("</h1>")
                .append("<dl class=\"meta\"><dt>Triage</dt><dd>").append(Html.esc(triageLabel(c.triage())))
                .append("</dd><dt>Working group</dt><dd>").append(Html.esc(c.workingGroup()))
                .append("</dd><dt>Channel</dt><dd>").append(Html.esc(c.channel()))
                .append("</dd><dt>Language</dt><dd>").append(Html.esc(c.language()))
                .append("</dd><dt>Status</dt><dd>").append(Html.esc(c.status())).append("</dd></dl>");
        for (SealedEntry e : entries) {
            JsonObject doc;
            try {
                byte[] plain = EntrySealing.open(c.id(), e.seq(), e.kind(), e.ciphertext(), e.sealedKeys(), s.teamKey());
                doc = new JsonObject(new String(plain, StandardCharsets.UTF_8));
            } catch (GeneralSecurityException | RuntimeException ex) {
                b.append("<p class=\"error\">Entry ").append(e.seq()).append(" cannot be opened with your key.</p>");
                continue;
            }
            if ("answers".equals(e.kind())) {
                b.append("<h2>Intake answers</h2><dl class=\"answers\">");
                for (Object o : doc.getJsonArray("answers", new io.vertx.core.json.JsonArray())) {
                    JsonObject a = (JsonObject) o;
                    b.append("<dt>").append(Html.esc(a.getString("question"))).append("</dt><dd>")
                            .append(Html.esc(a.getString("answer"))).append("</dd>");
                }
                b.append("</dl>");
                io.vertx.core.json.JsonArray refs = doc.getJsonArray("referrals", new io.vertx.core.json.JsonArray());
                if (!refs.isEmpty()) {
                    b.append("<h2>Suggested referrals</h2><ul>");
                    refs.forEach(r -> b.append("<li>").append(Html.esc(String.valueOf(r))).append("</li>"));
                    b.append("</ul>");
                }
            } else {
                b.append("<section class=\"message ").append(Html.esc(e.kind())).append("\"><h2>")
                        .append("message_in".equals(e.kind()) ? "Message from the person" : Html.esc(e.kind()))
                        .append("</h2><p>").append(Html.esc(doc.getString("text"))).append("</p></section>");
            }
        }
        return b.toString();
    }

    private static String triageLabel(String triage) {
        return switch (triage) {
            case "URGENT" -> "Urgent: danger now";
            case "LIKELY_IN_MANDATE" -> "Likely within the mandate";
            case "OUTSIDE_MANDATE" -> "Outside the mandate: refer on";
            default -> triage;
        };
    }

    private String loginPage(String error) {
        return Html.page("Log in", null, null, "<h1>Log in</h1>" + errorBlock(error)
                + "<form method=\"post\" action=\"/inbox/login\" class=\"stack\">"
                + "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>"
                + "<label for=\"passphrase\">Passphrase</label><input id=\"passphrase\" name=\"passphrase\" type=\"password\""
                + " autocomplete=\"current-password\" required><button type=\"submit\">Log in</button></form>");
    }

    private String setupPage(String error) {
        return Html.page("First setup", null, null, "<h1>Create the first administrator</h1>" + errorBlock(error)
                + "<p>Enter the one-time setup code from the file <code>setup-code.txt</code> in Haven's data directory,"
                + " then choose your username and a passphrase of at least " + MIN_PASSPHRASE + " characters."
                + " The passphrase unlocks the key that opens every case: it cannot be recovered.</p>"
                + "<form method=\"post\" action=\"/inbox/setup\" class=\"stack\">"
                + "<label for=\"code\">Setup code</label><input id=\"code\" name=\"code\" autocomplete=\"off\" required>"
                + "<label for=\"username\">Username</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>"
                + "<label for=\"passphrase\">Passphrase</label><input id=\"passphrase\" name=\"passphrase\" type=\"password\""
                + " autocomplete=\"new-password\" minlength=\"" + MIN_PASSPHRASE + "\" required>"
                + "<label for=\"confirm\">Passphrase again</label><input id=\"confirm\" name=\"confirm\" type=\"password\""
                + " autocomplete=\"new-password\" required><button type=\"submit\">Create administrator</button></form>");
    }

    private static String errorBlock(String error) {
        return error == null ? "" : "<p class=\"error\" role=\"alert\">" + Html.esc(error) + "</p>";
    }

    private static void html(RoutingContext ctx, int status, String page) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8").end(page);
    }

    private void clearCookie(RoutingContext ctx) {
        ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/inbox").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secureCookies));
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }

    /** Setup codes are shown as XXXXX-XXXXX-…; accept them typed with any case, spaces or dashes. */
    static String normaliseCode(String raw) {
        if (raw == null) {
            return "";
        }
        String compact = raw.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < compact.length(); i++) {
            if (i > 0 && i % 5 == 0) {
                sb.append('-');
            }
            sb.append(compact.charAt(i));
        }
        return sb.toString();
    }
}
