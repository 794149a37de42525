package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.OpenPgpRecipient;
import org.haven.crypto.OpenPgpSigningKey;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.auth.AccountRules;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.keys.AgencyKeyCustody;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.KeyVerifier;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.SettingsStore;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team page for administrators at {@code /inbox/team}: accounts and agencies. Adding a
 * coordinator is a key ceremony: the administrator's unlocked team key is granted to the new
 * coordinator's personal key, itself sealed under a one-time passphrase (they choose their own at
 * first login, which re-seals it), so the server never holds it unsealed at rest. Adding an agency
 * worker grants them the agency's key the same way (the administrator's team key opens it), and
 * adding an agency creates that key.
 */
public final class TeamRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(TeamRoutes.class);

    private final AccountStore accounts;

    /** The intake script in use: the working groups a coordinator may belong to. */
    private final ActiveScript script;

    private final TeamKeys teamKeys;
    private final SessionGuard guard;
    private final AccountCeremony ceremony;
    private final AgencyStore agencies;
    private final AgencyKeyCustody agencyKeys;
    private final KeyedHash auditKey;
    private final GroupMembershipRoutes membership;

    private int configuredRetentionDays = 365;

    /**
     * The retention period configured by HAVEN_RETENTION_DAYS (an administrator may store another).
     */
    public TeamRoutes retentionDefault(int days) {
        this.configuredRetentionDays = days;
        return this;
    }

    public TeamRoutes(
            Vertx vertx,
            AccountStore accounts,
            TeamKeys teamKeys,
            SessionGuard guard,
            KeyedHash auditKey,
            ActiveScript script) {
        this.script = script;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.guard = guard;
        this.auditKey = auditKey;
        this.ceremony = new AccountCeremony(vertx, accounts, teamKeys, auditKey);
        this.agencies = new AgencyStore(accounts.db());
        this.agencyKeys = new AgencyKeyCustody(agencies, teamKeys);
        this.membership =
                new GroupMembershipRoutes(this, vertx, accounts, teamKeys, guard, auditKey, script);
    }

    public void mount(Router router) {
        router.get("/inbox/team")
                .handler(ctx -> guard.requireAdmin(ctx, s -> page(ctx, s, null, null)));
        router.post("/inbox/team/accounts")
                .handler(ctx -> guard.requireAdmin(ctx, s -> createAccount(ctx, s)));
        router.post("/inbox/team/agencies")
                .handler(ctx -> guard.requireAdmin(ctx, s -> createAgency(ctx, s)));
        router.post("/inbox/team/agencies/:id/key")
                .handler(ctx -> guard.requireAdmin(ctx, s -> createAgencyKey(ctx, s)));
        router.post("/inbox/team/retention")
                .handler(ctx -> guard.requireAdmin(ctx, s -> setRetention(ctx, s)));
        router.post("/inbox/team/rotate")
                .handler(
                        ctx ->
                                guard.requireAdmin(
                                        ctx,
                                        s ->
                                                rotate(
                                                        ctx,
                                                        s,
                                                        "manual",
                                                        Text.t(s.language(), "tm.msg.rotated"))));
        router.post("/inbox/team/accounts/:id/remove")
                .handler(ctx -> guard.requireAdmin(ctx, s -> remove(ctx, s)));
        router.post("/inbox/team/accounts/:id/end-sessions")
                .handler(ctx -> guard.requireAdmin(ctx, s -> endSessions(ctx, s)));
        membership.mount(router);
    }

    /**
     * The export signing key of the current team key: fingerprint and download, or why there is
     * none in this session.
     */
    private String signingKey(InboxSession s) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder("<h2>")
                        .append(Text.t(l, "team.signing"))
                        .append("</h2><p class=\"help\">")
                        .append(Text.t(l, "team.signing.help"))
                        .append("</p>");
        Optional<OpenPgpSigningKey> key = teamKeys.exportSigningKey(s::teamKey);
        if (key.isEmpty()) {
            return b.append(Html.error(Text.t(l, "export.no_team_key"))).toString();
        }
        return b.append("<p><code id=\"team-signer-fingerprint\">")
                .append(OpenPgpRecipient.grouped(key.get().fingerprint()))
                .append("</code> (")
                .append(Html.esc(key.get().userId()))
                .append(
                        ")<br><a href=\"/inbox/export-signing-key.asc\" download"
                                + " id=\"team-signer-download\">")
                .append(Text.t(l, "team.signing.download"))
                .append("</a></p>")
                .toString();
    }

    /** The Team page, with an error or a notice (or neither). */
    void page(RoutingContext ctx, InboxSession s, String error, String notice) {
        Future.all(
                        accounts.list(),
                        agencies.list(),
                        new Retention(accounts.db(), configuredRetentionDays, auditKey).policy(),
                        teamKeys.reload().otherwiseEmpty(),
                        GroupKeyStore.currentGrants(accounts.db()))
                .onSuccess(
                        cf -> {
                            String l = s.language();
                            List<Account> list = cf.resultAt(0);
                            List<AgencyStore.Agency> agencies = cf.resultAt(1);
                            Retention.Policy policy = cf.resultAt(2);
                            KeyVerifier.Result keys = teamKeys.verified();
                            Set<String> signed =
                                    GroupKeyring.signedMemberships(cf.resultAt(4), keys);
                            StringBuilder b =
                                    new StringBuilder("<h1>" + Text.t(l, "team") + "</h1>")
                                            .append(Html.error(error))
                                            .append(Html.notice(notice))
                                            .append(
                                                    "<p><a href=\"/inbox/team/intake\" id=\"intake-link\">"
                                                            + Text.t(l, "tm.intake_link")
                                                            + "</a></p>");
                            b.append(
                                            "<table class=\"queue\"><caption>"
                                                    + Text.t(l, "tm.accounts")
                                                    + "</caption><thead><tr><th scope=\"col\">"
                                                    + Text.t(l, "login.username")
                                                    + "</th>")
                                    .append(
                                            "<th scope=\"col\">"
                                                    + Text.t(l, "tm.role")
                                                    + "</th><th scope=\"col\">"
                                                    + Text.t(l, "tm.groups")
                                                    + "</th><th scope=\"col\">"
                                                    + Text.t(l, "tm.passphrase")
                                                    + "</th>")
                                    .append(
                                            "<th scope=\"col\">"
                                                    + Text.t(l, "tm.second_factor")
                                                    + "</th>")
                                    .append(
                                            "<th scope=\"col\">"
                                                    + Text.t(l, "tm.actions")
                                                    + "</th></tr></thead><tbody>");
                            for (Account a : list) {
                                b.append("<tr><td>").append(Html.esc(a.username()));
                                if (keys.accountRejected(a.id())) {
                                    b.append(" <strong class=\"error\" id=\"key-rejected-")
                                            .append(a.id())
                                            .append(
                                                    "\">"
                                                            + Text.t(l, "tm.key_rejected")
                                                            + "</strong>");
                                }
                                b.append("</td><td>")
                                        .append(Html.esc(Text.t(l, "tm.role." + a.role())))
                                        .append("</td><td>")
                                        .append(
                                                "coordinator".equals(a.role())
                                                        ? GroupMembershipRoutes.cell(
                                                                a,
                                                                s,
                                                                script.workingGroups(),
                                                                signed)
                                                        : Html.esc(
                                                                "admin".equals(a.role())
                                                                        ? Text.t(l, "tm.all")
                                                                        : String.join(
                                                                                ", ", a.groups())))
                                        .append("</td><td>")
                                        .append(
                                                a.passphraseOneTime()
                                                        ? Text.t(l, "tm.pass.one_time")
                                                        : Text.t(l, "tm.pass.own"))
                                        .append("</td><td>")
                                        .append(
                                                Text.t(
                                                        l,
                                                        a.totpEnabled()
                                                                ? "tm.totp.yes"
                                                                : "tm.totp.no"))
                                        .append("</td><td>");
                                if (a.id() != s.accountId()) {
                                    b.append(
                                                    "<form method=\"post\" class=\"inline\" action=\"/inbox/team/accounts/")
                                            .append(a.id())
                                            .append("/end-sessions\" data-confirm=\"")
                                            .append(
                                                    Html.esc(
                                                            Text.t(
                                                                    s.language(),
                                                                    "confirm.end_sessions",
                                                                    a.username())))
                                            .append("\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" id=\"end-sessions-")
                                            .append(Html.esc(a.username()))
                                            .append(
                                                    "\" aria-label=\""
                                                            + Text.t(l, "tm.end_sessions_of")
                                                            + "")
                                            .append(Html.esc(a.username()))
                                            .append(
                                                    "\">"
                                                            + Text.t(l, "tm.end_sessions")
                                                            + "</button></form> ")
                                            .append(
                                                    "<form method=\"post\" class=\"inline\" action=\"/inbox/team/accounts/")
                                            .append(a.id())
                                            .append("/remove\" data-confirm=\"")
                                            .append(
                                                    Html.esc(
                                                            Text.t(
                                                                    s.language(),
                                                                    "agency".equals(a.role())
                                                                            ? "confirm.remove_agency"
                                                                            : "confirm.remove",
                                                                    a.username())))
                                            .append("\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" id=\"remove-")
                                            .append(Html.esc(a.username()))
                                            .append(
                                                    "\" aria-label=\""
                                                            + Text.t(l, "tm.remove_of")
                                                            + "")
                                            .append(Html.esc(a.username()))
                                            .append(
                                                    "\">"
                                                            + Text.t(l, "tm.remove")
                                                            + "</button></form>");
                                }
                                b.append("</td></tr>");
                            }
                            b.append("</tbody></table>");
                            b.append(
                                            "<h2>"
                                                    + Text.t(l, "tm.team_key")
                                                    + "</h2><p class=\"help\">"
                                                    + Text.t(l, "tm.current_key")
                                                    + "<code>")
                                    .append(Html.esc(teamKeys.currentKeyId()))
                                    .append("" + Text.t(l, "tm.pin") + "<code id=\"team-key-pin\">")
                                    .append(Html.esc(teamKeys.pin().toString()))
                                    .append("</code>, ")
                                    .append(pinSource(l))
                                    .append("" + Text.t(l, "tm.pin.keep") + "</p>");
                            long rejected = keys.rejected().size();
                            if (rejected > 0) {
                                b.append("<p class=\"error\" id=\"keys-rejected\">")
                                        .append(rejected)
                                        .append(rejected == 1 ? " key record" : " key records")
                                        .append(" failed verification and ")
                                        .append(rejected == 1 ? "is" : "are")
                                        .append(" not used: someone wrote ")
                                        .append(rejected == 1 ? "it" : "them")
                                        .append(
                                                " into the database without the keys to sign. See key_rejected in the audit log.</p>");
                            }
                            b.append("<p class=\"help\">" + Text.t(l, "tm.rotate.help") + "</p>")
                                    .append(
                                            "<form method=\"post\" action=\"/inbox/team/rotate\" data-confirm=\"")
                                    .append(Html.esc(Text.t(s.language(), "confirm.rotate")))
                                    .append("\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<button type=\"submit\" id=\"rotate-key\">"
                                                    + Text.t(l, "tm.rotate")
                                                    + "</button></form>");
                            b.append(signingKey(s));
                            b.append(
                                            "<h2>"
                                                    + Text.t(l, "tm.retention")
                                                    + "</h2><form method=\"post\" action=\"/inbox/team/retention\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"retention-days\">"
                                                    + Text.t(l, "tm.retention.days")
                                                    + "</label>")
                                    .append(
                                            "<input id=\"retention-days\" name=\"days\" type=\"number\" min=\"1\" max=\"36500\" required value=\"")
                                    .append(policy.days())
                                    .append(
                                            "\" aria-describedby=\"retention-help\"><p class=\"help\" id=\"retention-help\">")
                                    .append(Text.t(l, "tm.retention.now"))
                                    .append(policy.days())
                                    .append(Text.t(l, "tm.retention.unit"))
                                    .append(Html.esc(policy.source()))
                                    .append("" + Text.t(l, "tm.retention.help") + "</p>")
                                    .append(
                                            "<button type=\"submit\" id=\"save-retention\">"
                                                    + Text.t(l, "tm.retention.save")
                                                    + "</button></form>");
                            b.append(
                                            "<h2>"
                                                    + Text.t(l, "tm.add")
                                                    + "</h2><form method=\"post\" action=\"/inbox/team/accounts\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"new-username\">"
                                                    + Text.t(l, "login.username")
                                                    + "</label><input id=\"new-username\" name=\"username\" required>")
                                    .append(
                                            "<label for=\"new-role\">"
                                                    + Text.t(l, "tm.role")
                                                    + "</label><select id=\"new-role\" name=\"role\">")
                                    .append(
                                            "<option value=\"coordinator\">"
                                                    + Text.t(l, "tm.new.coordinator")
                                                    + "</option><option value=\"agency\">"
                                                    + Text.t(l, "tm.new.agency")
                                                    + "</option>")
                                    .append(
                                            "<option value=\"admin\">"
                                                    + Text.t(l, "tm.new.admin")
                                                    + "</option></select>")
                                    .append(
                                            "<fieldset><legend>"
                                                    + Text.t(l, "tm.new.groups")
                                                    + "</legend>");
                            for (String g : script.workingGroups()) {
                                b.append(
                                                "<label class=\"check\"><input type=\"checkbox\" name=\"group\" value=\"")
                                        .append(g)
                                        .append("\"> ")
                                        .append(Html.esc(g))
                                        .append("</label>");
                            }
                            b.append(
                                            "</fieldset><label for=\"new-agency\">"
                                                    + Text.t(l, "tm.new.agency_of")
                                                    + "</label><select id=\"new-agency\" name=\"agency\">")
                                    .append("<option value=\"\">—</option>");
                            for (AgencyStore.Agency a : agencies) {
                                b.append("<option value=\"")
                                        .append(a.id())
                                        .append("\">")
                                        .append(Html.esc(a.name()))
                                        .append("</option>");
                            }
                            b.append(
                                            "</select><label for=\"new-pass\">"
                                                    + Text.t(l, "tm.new.pass")
                                                    + "")
                                    .append(AccountRules.MIN_PASSPHRASE)
                                    .append("" + Text.t(l, "tm.new.pass.help") + "</label>")
                                    .append(
                                            "<input id=\"new-pass\" name=\"passphrase\" type=\"password\" autocomplete=\"new-password\" required>")
                                    .append(
                                            "<label for=\"new-confirm\">"
                                                    + Text.t(l, "tm.new.again")
                                                    + "</label><input id=\"new-confirm\" name=\"confirm\" type=\"password\"")
                                    .append(
                                            " autocomplete=\"new-password\" required><button type=\"submit\" id=\"create-account\">"
                                                    + Text.t(l, "tm.new.create")
                                                    + "</button></form>");
                            long keyless = agencies.stream().filter(a -> a.keyId() == null).count();
                            b.append("<h2>" + Text.t(l, "tm.agencies") + "</h2>");
                            if (keyless > 0) {
                                b.append("<p class=\"error\" id=\"agencies-without-key\">")
                                        .append(keyless)
                                        .append(
                                                Text.t(
                                                        l,
                                                        keyless == 1
                                                                ? "tm.keyless.one"
                                                                : "tm.keyless.many"))
                                        .append(Text.t(l, "tm.keyless.rest") + "</p>");
                            }
                            b.append(
                                            "<table class=\"queue\"><thead><tr><th scope=\"col\">"
                                                    + Text.t(l, "tm.agency")
                                                    + "</th>")
                                    .append(
                                            "<th scope=\"col\">"
                                                    + Text.t(l, "tm.referral_code")
                                                    + "</th><th scope=\"col\">"
                                                    + Text.t(l, "tm.agency_key")
                                                    + "</th></tr></thead><tbody>");
                            for (AgencyStore.Agency a : agencies) {
                                b.append("<tr><td>")
                                        .append(Html.esc(a.name()))
                                        .append("</td><td><code>")
                                        .append(Html.esc(a.referralCode()))
                                        .append("</code></td><td>");
                                if (a.keyId() != null && keys.agencyRejected(a.id())) {
                                    b.append("<strong class=\"error\" id=\"agency-key-rejected-")
                                            .append(a.id())
                                            .append(
                                                    "\">"
                                                            + Text.t(l, "tm.agency_key_rejected")
                                                            + "</strong>");
                                } else if (a.keyId() != null) {
                                    b.append("<code>")
                                            .append(Html.esc(a.keyId()))
                                            .append("</code>");
                                } else {
                                    b.append(
                                                    ""
                                                            + Text.t(l, "tm.none_yet")
                                                            + "<form method=\"post\" class=\"inline\" action=\"/inbox/team/agencies/")
                                            .append(a.id())
                                            .append("/key\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" id=\"agency-key-")
                                            .append(a.id())
                                            .append(
                                                    "\" aria-label=\""
                                                            + Text.t(l, "tm.create_key_of")
                                                            + "")
                                            .append(Html.esc(a.name()))
                                            .append(
                                                    "\">"
                                                            + Text.t(l, "tm.create_key")
                                                            + "</button></form>");
                                }
                                b.append("</td></tr>");
                            }
                            b.append(
                                            "</tbody></table><form method=\"post\" action=\"/inbox/team/agencies\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"agency-name\">"
                                                    + Text.t(l, "tm.new_agency")
                                                    + "</label><input id=\"agency-name\" name=\"name\" required maxlength=\"120\">")
                                    .append(
                                            "<button type=\"submit\" id=\"create-agency\">"
                                                    + Text.t(l, "tm.add_agency")
                                                    + "</button></form>");
                            SessionGuard.html(
                                    ctx,
                                    error == null ? 200 : 400,
                                    Html.page(l, Text.t(l, "team"), s, b.toString()));
                        })
                .onFailure(ctx::fail);
    }

    private void createAccount(RoutingContext ctx, InboxSession s) {
        String username = trimmed(ctx.request().getFormAttribute("username"));
        String role = trimmed(ctx.request().getFormAttribute("role"));
        String pass = ctx.request().getFormAttribute("passphrase");
        String confirm = ctx.request().getFormAttribute("confirm");
        List<String> groups =
                ctx.request().formAttributes().getAll("group").stream()
                        .filter(script.workingGroups()::contains)
                        .toList();
        String agencyRaw = trimmed(ctx.request().getFormAttribute("agency"));
        Optional<String> invalid =
                AccountCeremony.problem(
                        username, pass, confirm, role, groups, agencyRaw, s.language());
        if (invalid.isPresent()) {
            page(ctx, s, invalid.get(), null);
            return;
        }
        AccountCeremony.NewAccount account =
                new AccountCeremony.NewAccount(
                        username,
                        role,
                        groups,
                        "agency".equals(role) ? Long.valueOf(agencyRaw) : null);
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_team_key"), null);
            return;
        }
        ceremony.create(s.username(), account, pass, team.get(), s.signer())
                .onSuccess(
                        id -> {
                            LOG.info(
                                    "event=account_created account={} role={} by={}",
                                    id,
                                    role,
                                    s.accountId());
                            page(
                                    ctx,
                                    s,
                                    null,
                                    Text.t(s.language(), "tm.msg.account_created")
                                            .replace("{username}", username));
                        })
                .onFailure(
                        err -> {
                            if (err instanceof AccountCeremony.UsernameTaken) {
                                page(ctx, s, Text.t(s.language(), "rules.username_taken"), null);
                            } else if (err instanceof AgencyKeyCustody.NoSuchAgency) {
                                page(ctx, s, Text.t(s.language(), "tm.msg.no_agency"), null);
                            } else if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /**
     * Answers a failure of key verification with the page and true; false for any other failure.
     */
    boolean keyProblem(RoutingContext ctx, InboxSession s, Throwable err) {
        if (err instanceof TeamKeys.UnverifiedAdministrator) {
            page(ctx, s, Text.t(s.language(), "tm.msg.unverified_admin"), null);
            return true;
        }
        if (err instanceof GroupKeyring.RejectedKey) {
            page(ctx, s, Text.t(s.language(), "tm.msg.group_key_rejected"), null);
            return true;
        }
        if (err instanceof AgencyKeyCustody.RejectedKey) {
            page(ctx, s, Text.t(s.language(), "tm.msg.agency_key_rejected"), null);
            return true;
        }
        return false;
    }

    private String pinSource(String l) {
        return switch (teamKeys.pinSource()) {
            case SETTING -> Text.t(l, "tm.pin.setting");
            case FILE -> Text.t(l, "tm.pin.file") + Html.esc(teamKeys.pinFile().toString());
            case FIRST_USE -> Text.t(l, "tm.pin.first_use");
        };
    }

    private void setRetention(RoutingContext ctx, InboxSession s) {
        int days;
        try {
            days = Integer.parseInt(trimmed(ctx.request().getFormAttribute("days")));
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 1 || days > 36_500) {
            page(ctx, s, Text.t(s.language(), "tm.msg.retention_range"), null);
            return;
        }
        int value = days;
        new SettingsStore(accounts.db())
                .setRetentionDays(s.username(), value, auditKey)
                .onSuccess(
                        v ->
                                page(
                                        ctx,
                                        s,
                                        null,
                                        Text.t(s.language(), "tm.msg.retention_set")
                                                .replace("{days}", Integer.toString(value))))
                .onFailure(ctx::fail);
    }

    /** Rotates the team key; every other session ends (it holds the retired key). */
    private void rotate(RoutingContext ctx, InboxSession s, String reason, String notice) {
        Optional<RecipientPrivateKey> current = s.teamKey(teamKeys.currentKeyId());
        if (current.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_team_key"), null);
            return;
        }
        ceremony.rotate(s.username(), current.get(), reason, s.signer())
                .onSuccess(
                        next -> {
                            s.addTeamKey(next);
                            int ended = guard.sessions().endAllExcept(s.id());
                            LOG.info("event=sessions_ended_after_rotation count={}", ended);
                            page(ctx, s, null, notice);
                        })
                .onFailure(
                        err -> {
                            if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /**
     * Removes an account: disabled, grants withdrawn, sessions ended, then the key it held rotated:
     * the team key for an administrator or coordinator, its agency's key for an agency worker.
     */
    private void remove(RoutingContext ctx, InboxSession s) {
        Long id = accountId(ctx, s);
        if (id == null) {
            return;
        }
        if (id.longValue() == s.accountId()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.not_yourself"), null);
            return;
        }
        accounts.findById(id)
                .compose(
                        found ->
                                accounts.holdersOf(accounts.db(), teamKeys.currentKeyId())
                                        .map(held -> new Found(found, held.contains(id))))
                .onFailure(ctx::fail)
                .onSuccess(
                        target ->
                                ceremony.disable(s.username(), id)
                                        .onSuccess(
                                                done -> {
                                                    Optional<Account> found = target.account();
                                                    if (done
                                                                    == AccountCeremony.Removal
                                                                            .NO_SUCH_ACCOUNT
                                                            || found.isEmpty()) {
                                                        page(
                                                                ctx,
                                                                s,
                                                                Text.t(
                                                                        s.language(),
                                                                        "tm.msg.no_account"),
                                                                null);
                                                        return;
                                                    }
                                                    if (done
                                                            == AccountCeremony.Removal
                                                                    .LAST_ADMINISTRATOR) {
                                                        page(
                                                                ctx,
                                                                s,
                                                                Text.t(
                                                                        s.language(),
                                                                        "tm.msg.last_admin"),
                                                                null);
                                                        return;
                                                    }
                                                    guard.sessions().endAllOf(id);
                                                    LOG.info(
                                                            "event=account_removed account={} by={}",
                                                            id,
                                                            s.accountId());
                                                    Account a = found.get();
                                                    if ("agency".equals(a.role())
                                                            && a.agencyId() != null) {
                                                        rotateAgencyKey(ctx, s, a.agencyId());
                                                    } else if ("coordinator".equals(a.role())
                                                            && !target.heldTeamKey()) {
                                                        rotateGroupKeys(ctx, s, id);
                                                    } else {
                                                        rotate(
                                                                ctx,
                                                                s,
                                                                "removal",
                                                                Text.t(
                                                                        s.language(),
                                                                        "tm.msg.removed_rotated"));
                                                    }
                                                })
                                        .onFailure(ctx::fail));
    }

    /** An account to remove, and whether it holds the current team key. */
    private record Found(Optional<Account> account, boolean heldTeamKey) {}

    /**
     * Rotates the keys of the working groups a removed coordinator held (and the intake group's);
     * the team key and other groups' keys stay. The groups' other coordinators log in again.
     */
    private void rotateGroupKeys(RoutingContext ctx, InboxSession s, long accountId) {
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.removed_groups_not_rotated"), null);
            return;
        }
        ceremony.rotateGroups(s.username(), accountId, team.get(), s.signer())
                .onSuccess(
                        r -> {
                            r.holders().forEach(guard.sessions()::endAllOf);
                            page(
                                    ctx,
                                    s,
                                    null,
                                    Text.t(s.language(), "tm.msg.removed_groups_rotated")
                                            .replace("{groups}", String.join(", ", r.groups())));
                        })
                .onFailure(
                        err -> {
                            if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /**
     * Rotates an agency's key after one of its workers was removed; the other workers log in again.
     */
    private void rotateAgencyKey(RoutingContext ctx, InboxSession s, long agencyId) {
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.removed_agency_not_rotated"), null);
            return;
        }
        ceremony.rotateAgency(s.username(), agencyId, team.get(), s.signer())
                .onSuccess(
                        workers -> {
                            workers.forEach(guard.sessions()::endAllOf);
                            page(
                                    ctx,
                                    s,
                                    null,
                                    Text.t(s.language(), "tm.msg.removed_agency_rotated"));
                        })
                .onFailure(
                        err -> {
                            if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /** Ends every session of an account (a lost laptop, a suspicion). */
    private void endSessions(RoutingContext ctx, InboxSession s) {
        Long id = accountId(ctx, s);
        if (id == null) {
            return;
        }
        int ended = guard.sessions().endAllOf(id);
        new AuditLog(accounts.db(), auditKey)
                .record(s.username(), "sessions_ended:" + id, null)
                .onComplete(
                        ar ->
                                page(
                                        ctx,
                                        s,
                                        null,
                                        Text.t(s.language(), "tm.msg.sessions_ended")
                                                .replace("{n}", Integer.toString(ended))));
    }

    /**
     * Adds an agency with a referral code and its own key, sealed to the team key the session
     * holds.
     */
    private void createAgency(RoutingContext ctx, InboxSession s) {
        String name = trimmed(ctx.request().getFormAttribute("name"));
        Optional<String> invalid = AgencyCreation.nameProblem(name, s.language());
        if (invalid.isPresent()) {
            page(ctx, s, invalid.get(), null);
            return;
        }
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_team_key"), null);
            return;
        }
        new AgencyCreation(agencies, teamKeys, auditKey)
                .create(s.username(), name, team.get(), s.signer())
                .onSuccess(
                        created -> {
                            LOG.info(
                                    "event=agency_created agency={} by={}",
                                    created.id(),
                                    s.accountId());
                            page(
                                    ctx,
                                    s,
                                    null,
                                    Text.t(s.language(), "tm.msg.agency_added")
                                            .replace("{code}", created.referralCode()));
                        })
                .onFailure(
                        err -> {
                            if (err instanceof AgencyCreation.NameTaken) {
                                page(ctx, s, Text.t(s.language(), "rules.agency_taken"), null);
                            } else if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /** Creates the key of an agency from before agency keys. */
    private void createAgencyKey(RoutingContext ctx, InboxSession s) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_agency"), null);
            return;
        }
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_team_key"), null);
            return;
        }
        accounts.db()
                .transaction(
                        tx ->
                                agencyKeys
                                        .ensure(tx, id, team.get(), s.signer())
                                        .compose(
                                                keyId ->
                                                        new AuditLog(tx, auditKey)
                                                                .record(
                                                                        s.username(),
                                                                        "agency_key_created:" + id,
                                                                        null)
                                                                .map(keyId)))
                .onSuccess(
                        keyId ->
                                page(
                                        ctx,
                                        s,
                                        null,
                                        Text.t(s.language(), "tm.msg.agency_keyed")
                                                .replace("{key}", String.valueOf(keyId))))
                .onFailure(
                        err -> {
                            if (err instanceof AgencyKeyCustody.NoSuchAgency) {
                                page(ctx, s, Text.t(s.language(), "tm.msg.no_agency"), null);
                            } else if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /** The account id in the path, or null after answering that there is none. */
    private Long accountId(RoutingContext ctx, InboxSession s) {
        try {
            return Long.valueOf(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            page(ctx, s, Text.t(s.language(), "tm.msg.no_account"), null);
            return null;
        }
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }
}
