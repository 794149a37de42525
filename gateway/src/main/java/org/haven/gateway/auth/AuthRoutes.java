package org.haven.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.keys.AccountKeys;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.keys.KeySigning;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Getting into the inbox: first-administrator setup, login with passphrase and a second factor
 * (TOTP, or a one-time recovery code), choosing one's own passphrase in place of a one-time one an
 * administrator set ({@link PassphraseRoutes}, also where anyone changes theirs), second-factor
 * enrolment with a QR code, language, logout. The passphrase unlocks the team key (an agency
 * worker's: the agency key) into the session; logout and timeouts wipe it.
 */
public final class AuthRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AuthRoutes.class);
    private static final int RECOVERY_CODES = 10;

    /**
     * The login form's {@code ended} parameter when a team key rotation ended the session: the form
     * says why the person must log in again.
     */
    static final String ENDED_TEAM_KEY = "team-key";

    private final Vertx vertx;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final ServerSecrets secrets;
    private final SessionGuard guard;
    private final LoginLimits limits;
    private final Reauthentication reauthentication;
    private final Clock clock;
    private final Totp totp = new Totp();
    private final AccountUnlock unlock;
    private final PassphraseRoutes passphrases;

    public AuthRoutes(
            Vertx vertx,
            AccountStore accounts,
            TeamKeys teamKeys,
            ServerSecrets secrets,
            SessionGuard guard,
            Clock clock,
            boolean secureCookies) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.secrets = secrets;
        this.guard = guard;
        this.limits = new LoginLimits(vertx, secrets.contactHash(), clock, secureCookies);
        this.clock = clock;
        this.unlock = new AccountUnlock(vertx, accounts, secrets, clock);
        this.passphrases = new PassphraseRoutes(vertx, accounts, guard, limits, secrets.auditKey());
        this.reauthentication = new Reauthentication(accounts, guard, limits, secrets.auditKey());
    }

    public void mount(Router router) {
        router.get("/inbox/setup").handler(this::setupForm);
        router.post("/inbox/setup").handler(this::setup);
        router.get("/inbox/login")
                .handler(
                        ctx -> {
                            String l = lang(ctx);
                            String why =
                                    ENDED_TEAM_KEY.equals(ctx.request().getParam("ended"))
                                            ? Text.t(l, "login.ended.team_key")
                                            : null;
                            SessionGuard.html(ctx, 200, loginPage(l, null, why));
                        });
        router.post("/inbox/login").handler(this::login);
        router.get("/inbox/totp")
                .handler(ctx -> guard.requireEnrolling(ctx, s -> enrolForm(ctx, s, null)));
        router.post("/inbox/totp").handler(ctx -> guard.requireEnrolling(ctx, s -> enrol(ctx, s)));
        router.post("/inbox/logout")
                .handler(
                        ctx ->
                                guard.requireAny(
                                        ctx,
                                        s -> {
                                            guard.sessions().end(s.id());
                                            LOG.info("event=logout account={}", s.accountId());
                                            guard.clearCookie(ctx);
                                            new AuditLog(accounts.db(), secrets.auditKey())
                                                    .record(s.username(), "logout", null)
                                                    .onComplete(ar -> ctx.redirect("/inbox/login"));
                                        }));
        router.post("/inbox/language")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            String language =
                                                    "fr"
                                                                    .equals(
                                                                            ctx.request()
                                                                                    .getFormAttribute(
                                                                                            "language"))
                                                            ? "fr"
                                                            : "en";
                                            s.language(language);
                                            String back =
                                                    "settings"
                                                                    .equals(
                                                                            ctx.request()
                                                                                    .getFormAttribute(
                                                                                            "back"))
                                                            ? "/inbox/settings"
                                                            : "/inbox";
                                            accounts.setLanguage(s.accountId(), language)
                                                    .onComplete(ar -> ctx.redirect(back));
                                        }));
        passphrases.mount(router);
        new SettingsRoutes(guard, accounts.db()).mount(router);
        reauthentication.mount(router);
    }

    /** Passphrase re-entry before administrative actions and exports. */
    public Reauthentication reauthentication() {
        return reauthentication;
    }

    /**
     * Ends here the sessions of accounts whose passphrase was changed on another gateway or at the
     * command line.
     */
    public void follow(ClusterNotifications cluster) {
        passphrases.follow(cluster, guard.sessions());
    }

    private static String lang(RoutingContext ctx) {
        return Text.preferred(
                ctx.request().getParam("lang"), ctx.request().getHeader("Accept-Language"));
    }

    // --- first administrator ---------------------------------------------------------------

    private void setupForm(RoutingContext ctx) {
        accounts.pendingSetup(accounts.db())
                .onSuccess(
                        p -> {
                            if (p.isEmpty()) {
                                ctx.redirect("/inbox/login");
                            } else {
                                SessionGuard.html(
                                        ctx,
                                        200,
                                        setupPage(lang(ctx), null, teamKeys.pin().toString()));
                            }
                        })
                .onFailure(ctx::fail);
    }

    private void setup(RoutingContext ctx) {
        String code = normaliseCode(ctx.request().getFormAttribute("code"));
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String pass = ctx.request().getFormAttribute("passphrase");
        String confirm = ctx.request().getFormAttribute("confirm");
        String l = lang(ctx);
        Optional<String> invalid = AccountRules.validateNewAccount(username, pass, confirm, l);
        if (invalid.isPresent()) {
            SessionGuard.html(ctx, 400, setupPage(l, invalid.get(), teamKeys.pin().toString()));
            return;
        }
        AtomicReference<AccountKeys> made = new AtomicReference<>();
        accounts.db()
                .transaction(
                        tx ->
                                accounts.pendingSetup(tx)
                                        .compose(
                                                pending -> {
                                                    if (pending.isEmpty()) {
                                                        return Future.succeededFuture(
                                                                Optional.of(
                                                                        Text.t(l, "setup.done")));
                                                    }
                                                    return vertx.<Optional<AccountKeys>>
                                                                    executeBlocking(
                                                                            () -> {
                                                                                byte[] raw;
                                                                                try {
                                                                                    raw =
                                                                                            PassphraseBox
                                                                                                    .open(
                                                                                                            pending.get()
                                                                                                                    .sealedTeamKey(),
                                                                                                            code
                                                                                                                    .toCharArray());
                                                                                } catch (
                                                                                        GeneralSecurityException
                                                                                                e) {
                                                                                    return Optional
                                                                                            .empty();
                                                                                }
                                                                                RecipientPrivateKey
                                                                                        team =
                                                                                                RecipientPrivateKey
                                                                                                        .fromBytes(
                                                                                                                raw,
                                                                                                                SecretKeyAccess
                                                                                                                        .INSECURE);
                                                                                Arrays.fill(
                                                                                        raw,
                                                                                        (byte) 0);
                                                                                return Optional.of(
                                                                                        AccountKeys
                                                                                                .make(
                                                                                                        pass,
                                                                                                        team));
                                                                            })
                                                            .compose(
                                                                    keys -> {
                                                                        if (keys.isEmpty()) {
                                                                            return Future
                                                                                    .succeededFuture(
                                                                                            Optional
                                                                                                    .of(
                                                                                                            Text
                                                                                                                    .t(
                                                                                                                            l,
                                                                                                                            "setup.wrong_code")));
                                                                        }
                                                                        AccountKeys k = keys.get();
                                                                        made.set(k);
                                                                        return accounts.completeSetup(
                                                                                        tx,
                                                                                        username,
                                                                                        k.hash(),
                                                                                        k.personal()
                                                                                                .publicKey()
                                                                                                .toBytes(),
                                                                                        k
                                                                                                .sealedPersonal())
                                                                                .compose(
                                                                                        id -> {
                                                                                            if (id
                                                                                                    .isEmpty()) {
                                                                                                return Future
                                                                                                        .succeededFuture(
                                                                                                                Optional
                                                                                                                        .of(
                                                                                                                                Text
                                                                                                                                        .t(
                                                                                                                                                l,
                                                                                                                                                "setup.done")));
                                                                                            }
                                                                                            try {
                                                                                                byte
                                                                                                                []
                                                                                                        grant =
                                                                                                                KeyGrants
                                                                                                                        .grant(
                                                                                                                                k
                                                                                                                                        .team(),
                                                                                                                                pending.get()
                                                                                                                                        .teamKeyId(),
                                                                                                                                id
                                                                                                                                        .get(),
                                                                                                                                k.personal()
                                                                                                                                        .publicKey());
                                                                                                return accounts.insertGrant(
                                                                                                                tx,
                                                                                                                id
                                                                                                                        .get(),
                                                                                                                pending.get()
                                                                                                                        .teamKeyId(),
                                                                                                                grant)
                                                                                                        .compose(
                                                                                                                v ->
                                                                                                                        KeySigning
                                                                                                                                .firstAdministrator(
                                                                                                                                        tx,
                                                                                                                                        id
                                                                                                                                                .get(),
                                                                                                                                        username,
                                                                                                                                        k.personal()
                                                                                                                                                .privateKey(),
                                                                                                                                        k
                                                                                                                                                .team()))
                                                                                                        .compose(
                                                                                                                v ->
                                                                                                                        new AuditLog(
                                                                                                                                        tx,
                                                                                                                                        secrets
                                                                                                                                                .auditKey())
                                                                                                                                .record(
                                                                                                                                        username,
                                                                                                                                        "setup_admin",
                                                                                                                                        null))
                                                                                                        .map(
                                                                                                                v ->
                                                                                                                        Optional
                                                                                                                                .<String>
                                                                                                                                        empty());
                                                                                            } catch (
                                                                                                    GeneralSecurityException
                                                                                                            e) {
                                                                                                return Future
                                                                                                        .failedFuture(
                                                                                                                e);
                                                                                            }
                                                                                        });
                                                                    });
                                                }))
                .compose(
                        error ->
                                error.isPresent() || made.get() == null
                                        ? Future.succeededFuture(error)
                                        : teamKeys.afterSetup(made.get().team())
                                                .map(error) // committed: an upgrade pin becomes
                        // the full pin
                        )
                .onComplete(
                        ar -> {
                            AccountKeys k = made.get();
                            if (k != null) {
                                k.destroy();
                                k.team().destroy();
                            }
                        })
                .onSuccess(
                        error -> {
                            if (error.isPresent()) {
                                SessionGuard.html(
                                        ctx,
                                        400,
                                        setupPage(l, error.get(), teamKeys.pin().toString()));
                            } else {
                                teamKeys.forgetSetupCode();
                                LOG.info("event=setup_complete pin={}", teamKeys.pin());
                                ctx.redirect("/inbox/login");
                            }
                        })
                .onFailure(ctx::fail);
    }

    // --- login -----------------------------------------------------------------------------

    private void login(RoutingContext ctx) {
        String language = lang(ctx);
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String pass = ctx.request().getFormAttribute("passphrase");
        String code = trimmed(ctx.request().getFormAttribute("code"));
        if (username.isEmpty() || pass == null || pass.isEmpty()) {
            SessionGuard.html(ctx, 400, loginPage(language, Text.t(language, "login.failed")));
            return;
        }
        LoginLimits.Client client = limits.client(ctx, username);
        LoginThrottle.Attempt attempt = limits.begin(client, username);
        if (!attempt.admitted()) {
            HavenMetrics.of(ctx).loginThrottled();
            RefusalPace.Pace pace =
                    limits.refuse(
                            ctx,
                            client,
                            429,
                            attempt.retryAfter(),
                            loginPage(language, Text.t(language, "login.throttled")));
            if (pace
                    == RefusalPace.Pace
                            .FIRST) { // a client refused again and again is logged when first
                // refused
                LOG.info("event=login_throttled known_device={}", client.knownDevice());
            }
            return;
        }
        unlock.unlock(client.key(), username, pass, code)
                .onSuccess(
                        unlocked -> {
                            if (unlocked.isEmpty()) {
                                attempt.failed();
                                LOG.info("event=login_failed");
                                HavenMetrics.of(ctx).loginFailed();
                                // Only a known account's name is recorded: people type passphrases
                                // into the username box.
                                accounts.findByUsername(username)
                                        .onSuccess(
                                                known ->
                                                        new AuditLog(
                                                                        accounts.db(),
                                                                        secrets.auditKey())
                                                                .record(
                                                                        known.isPresent()
                                                                                ? known.get()
                                                                                        .username()
                                                                                : "(unknown user)",
                                                                        "login_failed",
                                                                        null));
                                SessionGuard.html(
                                        ctx,
                                        401,
                                        loginPage(language, Text.t(language, "login.failed")));
                                return;
                            }
                            attempt.succeeded();
                            limits.remember(ctx, username);
                            Account a = unlocked.get().account();
                            // an administrator's login signs key records left unsigned by an
                            // upgrade (docs/crypto.md, "Key records");
                            // not before the one-time passphrase is replaced and the second factor
                            // enrolled
                            Future<Void> keyRecords =
                                    a.totpEnabled() && !a.passphraseOneTime()
                                            ? teamKeys.afterAdministratorUnlock(
                                                    unlocked.get().signer(), unlocked.get().keys())
                                            : Future.succeededFuture();
                            keyRecords.onComplete(
                                    done -> {
                                        InboxSession s =
                                                guard.sessions()
                                                        .create(
                                                                new SessionGrant(
                                                                        a.id(),
                                                                        a.username(),
                                                                        a.role(),
                                                                        a.groups(),
                                                                        a.agencyId(),
                                                                        unlocked.get().keys(),
                                                                        unlocked.get().agencyKeys(),
                                                                        a.totpEnabled(),
                                                                        a.language(),
                                                                        !a.passphraseOneTime(),
                                                                        unlocked.get().signer()));
                                        new AuditLog(accounts.db(), secrets.auditKey())
                                                .record(a.username(), "login", null);
                                        LOG.info(
                                                "event=login account={} second_factor={} passphrase={}",
                                                a.id(),
                                                a.totpEnabled() ? "done" : "enrol",
                                                a.passphraseOneTime() ? "one_time" : "own");
                                        guard.setCookie(ctx, s);
                                        ctx.redirect(
                                                a.passphraseOneTime()
                                                        ? "/inbox/passphrase"
                                                        : a.totpEnabled()
                                                                ? "/inbox"
                                                                : "/inbox/totp");
                                    });
                        })
                .onFailure(
                        err -> {
                            if (err instanceof PassphraseWork.Busy busy) {
                                attempt.notChecked();
                                RefusalPace.Pace pace =
                                        limits.busy(
                                                ctx,
                                                client,
                                                busy,
                                                loginPage(
                                                        language, Text.t(language, "login.busy")));
                                if (pace == RefusalPace.Pace.FIRST) {
                                    LOG.info("event=login_busy queue_full={}", busy.queueFull());
                                }
                            } else {
                                ctx.fail(err);
                            }
                        });
    }

    // --- second-factor enrolment ------------------------------------------------------------

    private void enrolForm(RoutingContext ctx, InboxSession s, String error) {
        if (s.secondFactorDone()) {
            ctx.redirect("/inbox");
            return;
        }
        accounts.findById(s.accountId())
                .compose(
                        found -> {
                            Account a = found.orElseThrow();
                            if (a.totpSecret() != null) {
                                try {
                                    return Future.succeededFuture(
                                            secrets.keyring()
                                                    .decrypt(a.totpSecret(), totpAad(a.id())));
                                } catch (GeneralSecurityException e) {
                                    return Future.failedFuture(e);
                                }
                            }
                            byte[] secret = Totp.newSecret();
                            try {
                                return accounts.setTotpSecret(
                                                a.id(),
                                                secrets.keyring().encrypt(secret, totpAad(a.id())))
                                        .map(secret);
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(e);
                            }
                        })
                .onSuccess(
                        secret -> {
                            String l = s.language();
                            String uri = Totp.uri("Haven", s.username(), secret);
                            String body =
                                    "<h1>"
                                            + Text.t(l, "totp.title")
                                            + "</h1>"
                                            + Html.error(error)
                                            + "<p>"
                                            + Text.t(l, "totp.intro")
                                            + "</p>"
                                            + "<figure class=\"qr\">"
                                            + Totp.qrSvg(uri, "QR code")
                                            + "<figcaption>"
                                            + Text.t(l, "totp.key")
                                            + ": <code id=\"totp-key\">"
                                            + Html.esc(Totp.base32(secret))
                                            + "</code></figcaption></figure>"
                                            + "<form method=\"post\" action=\"/inbox/totp\" class=\"stack\">"
                                            + Html.csrf(s)
                                            + Html.field(
                                                    "code",
                                                    Text.t(l, "login.code"),
                                                    "name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required")
                                            + Html.submit(null, Text.t(l, "totp.confirm"));
                            Arrays.fill(secret, (byte) 0);
                            SessionGuard.html(
                                    ctx,
                                    error == null ? 200 : 400,
                                    Html.page(l, Text.t(l, "totp.title"), s, body));
                        })
                .onFailure(ctx::fail);
    }

    private void enrol(RoutingContext ctx, InboxSession s) {
        String code = trimmed(ctx.request().getFormAttribute("code"));
        accounts.findById(s.accountId())
                .onSuccess(
                        found -> {
                            Account a = found.orElseThrow();
                            OptionalLong step = OptionalLong.empty();
                            if (a.totpSecret() != null) {
                                try {
                                    step =
                                            totp.verify(
                                                    secrets.keyring()
                                                            .decrypt(
                                                                    a.totpSecret(),
                                                                    totpAad(a.id())),
                                                    code,
                                                    clock.instant(),
                                                    0);
                                } catch (GeneralSecurityException e) {
                                    step = OptionalLong.empty();
                                }
                            }
                            if (step.isEmpty()) {
                                enrolForm(ctx, s, Text.t(s.language(), "totp.wrong"));
                                return;
                            }
                            List<String> codes = new ArrayList<>();
                            List<String> hashes = new ArrayList<>();
                            SecureRandom random = new SecureRandom();
                            for (int i = 0; i < RECOVERY_CODES; i++) {
                                String c = recoveryCode(random);
                                codes.add(c);
                                hashes.add(unlock.recoveryHash(c));
                            }
                            accounts.enableTotp(a.id(), step.getAsLong(), hashes)
                                    .onSuccess(
                                            v -> {
                                                guard.sessions().completeSecondFactor(s);
                                                new AuditLog(accounts.db(), secrets.auditKey())
                                                        .record(
                                                                s.username(),
                                                                "totp_enrolled",
                                                                null);
                                                LOG.info("event=totp_enrolled account={}", a.id());
                                                String l = s.language();
                                                StringBuilder list =
                                                        new StringBuilder(
                                                                "<ul class=\"codes\" id=\"recovery-codes\">");
                                                codes.forEach(
                                                        c ->
                                                                list.append("<li><code>")
                                                                        .append(c)
                                                                        .append("</code></li>"));
                                                list.append("</ul>");
                                                SessionGuard.html(
                                                        ctx,
                                                        200,
                                                        Html.page(
                                                                l,
                                                                Text.t(l, "totp.recovery"),
                                                                s,
                                                                "<h1>"
                                                                        + Text.t(l, "totp.recovery")
                                                                        + "</h1><p>"
                                                                        + Text.t(
                                                                                l,
                                                                                "totp.recovery.intro")
                                                                        + "</p>"
                                                                        + list
                                                                        + "<p><button type=\"button\" class=\"secondary\" id=\"copy-codes\" hidden data-copied=\""
                                                                        + Html.esc(
                                                                                Text.t(
                                                                                        l,
                                                                                        "totp.recovery.copied"))
                                                                        + "\">"
                                                                        + Text.t(
                                                                                l,
                                                                                "totp.recovery.copy")
                                                                        + "</button></p>"
                                                                        + "<p><a class=\"button\" href=\"/inbox\">"
                                                                        + Text.t(l, "totp.continue")
                                                                        + "</a></p>"));
                                            })
                                    .onFailure(ctx::fail);
                        })
                .onFailure(ctx::fail);
    }

    private static String recoveryCode(SecureRandom random) {
        String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                sb.append('-');
            }
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** Associated data of an account's encrypted TOTP secret. */
    static byte[] totpAad(long accountId) {
        return ("haven/totp/" + accountId).getBytes(StandardCharsets.UTF_8);
    }

    // --- pages -----------------------------------------------------------------------------

    private static String loginPage(String l, String error) {
        return loginPage(l, error, null);
    }

    private static String loginPage(String l, String error, String why) {
        return Html.page(
                l,
                Text.t(l, "login"),
                null,
                "<h1>"
                        + Text.t(l, "login")
                        + "</h1>"
                        + Html.error(error)
                        + (why == null
                                ? ""
                                : "<p class=\"notice\" role=\"status\" id=\"login-why\">"
                                        + Html.esc(why)
                                        + "</p>")
                        + signedOutForm(
                                "/inbox/login",
                                l,
                                usernameField(l)
                                        + Html.field(
                                                "passphrase",
                                                Text.t(l, "login.passphrase"),
                                                "name=\"passphrase\" type=\"password\" autocomplete=\"current-password\" required")
                                        + Html.field(
                                                "code",
                                                Text.t(l, "login.code"),
                                                "name=\"code\" autocomplete=\"one-time-code\""),
                                Text.t(l, "login")));
    }

    private static String setupPage(String l, String error, String pin) {
        return Html.page(
                l,
                Text.t(l, "setup.title"),
                null,
                "<h1>"
                        + Text.t(l, "setup.heading")
                        + "</h1>"
                        + Html.error(error)
                        + "<p>"
                        + Text.t(l, "setup.intro")
                                .replace("{n}", Integer.toString(AccountRules.MIN_PASSPHRASE))
                        + "</p><p>"
                        + Text.t(l, "setup.pin")
                                .replace(
                                        "{pin}",
                                        "<code id=\"team-key-pin\">" + Html.esc(pin) + "</code>")
                        + "</p>"
                        + signedOutForm(
                                "/inbox/setup",
                                l,
                                Html.field(
                                                "code",
                                                Text.t(l, "setup.code"),
                                                "name=\"code\" autocomplete=\"off\" required")
                                        + usernameField(l)
                                        + Html.field(
                                                "passphrase",
                                                Text.t(l, "setup.passphrase"),
                                                "name=\"passphrase\" type=\"password\" autocomplete=\"new-password\" minlength=\""
                                                        + AccountRules.MIN_PASSPHRASE
                                                        + "\" required")
                                        + Html.field(
                                                "confirm",
                                                Text.t(l, "setup.again"),
                                                "name=\"confirm\" type=\"password\" autocomplete=\"new-password\" required"),
                                Text.t(l, "setup.go")));
    }

    /**
     * The form of a page shown before login, posted back to {@code path} in language {@code l},
     * with its {@code fields}, the button {@code submit} and the link to the other language.
     */
    private static String signedOutForm(String path, String l, String fields, String submit) {
        return "<form method=\"post\" action=\""
                + path
                + "?lang="
                + l
                + "\" class=\"stack\">"
                + fields
                + Html.submit(null, submit)
                + Html.languageLink(path, l);
    }

    private static String usernameField(String l) {
        return Html.field(
                "username",
                Text.t(l, "login.username"),
                "name=\"username\" autocomplete=\"username\" required");
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }

    /**
     * Setup codes are shown as XXXXX-XXXXX-…; accept them typed with any case, spaces or dashes.
     */
    static String normaliseCode(String raw) {
        if (raw == null) {
            return "";
        }
        String compact = raw.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
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
