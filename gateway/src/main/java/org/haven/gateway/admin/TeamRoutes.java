package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.OpenPgpRecipient;
import org.haven.crypto.OpenPgpSigningKey;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.auth.AccountRules;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.keys.AgencyKeyCustody;
import org.haven.gateway.keys.GroupKeyring;
import org.haven.gateway.keys.KeyVerifier;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import org.haven.gateway.store.AuditLog;
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
    private static final List<String> GROUPS = AccountCeremony.GROUPS;

    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final SessionGuard guard;
    private final AccountCeremony ceremony;
    private final AgencyStore agencies;
    private final AgencyKeyCustody agencyKeys;
    private final KeyedHash auditKey;

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
            KeyedHash auditKey) {
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.guard = guard;
        this.auditKey = auditKey;
        this.ceremony = new AccountCeremony(vertx, accounts, teamKeys, auditKey);
        this.agencies = new AgencyStore(accounts.db());
        this.agencyKeys = new AgencyKeyCustody(agencies, teamKeys);
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
                                                        "Team key rotated. Everyone else must log in again.")));
        router.post("/inbox/team/accounts/:id/remove")
                .handler(ctx -> guard.requireAdmin(ctx, s -> remove(ctx, s)));
        router.post("/inbox/team/accounts/:id/end-sessions")
                .handler(ctx -> guard.requireAdmin(ctx, s -> endSessions(ctx, s)));
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

    private void page(RoutingContext ctx, InboxSession s, String error, String notice) {
        Future.all(
                        accounts.list(),
                        agencies.list(),
                        new Retention(accounts.db(), configuredRetentionDays, auditKey).policy(),
                        teamKeys.reload().otherwiseEmpty())
                .onSuccess(
                        cf -> {
                            List<Account> list = cf.resultAt(0);
                            List<AgencyStore.Agency> agencies = cf.resultAt(1);
                            Retention.Policy policy = cf.resultAt(2);
                            KeyVerifier.Result keys = teamKeys.verified();
                            StringBuilder b =
                                    new StringBuilder("<h1>Team</h1>")
                                            .append(Html.error(error))
                                            .append(Html.notice(notice))
                                            .append(
                                                    "<p><a href=\"/inbox/team/intake\" id=\"intake-link\">Intake script and referral directory</a></p>");
                            b.append(
                                            "<table class=\"queue\"><caption>Accounts</caption><thead><tr><th scope=\"col\">Username</th>")
                                    .append(
                                            "<th scope=\"col\">Role</th><th scope=\"col\">Working groups</th><th scope=\"col\">Passphrase</th>")
                                    .append("<th scope=\"col\">Second factor</th>")
                                    .append("<th scope=\"col\">Actions</th></tr></thead><tbody>");
                            for (Account a : list) {
                                b.append("<tr><td>").append(Html.esc(a.username()));
                                if (keys.accountRejected(a.id())) {
                                    b.append(" <strong class=\"error\" id=\"key-rejected-")
                                            .append(a.id())
                                            .append("\">key rejected: it gets no key</strong>");
                                }
                                b.append("</td><td>")
                                        .append(Html.esc(a.role()))
                                        .append("</td><td>")
                                        .append(
                                                Html.esc(
                                                        "admin".equals(a.role())
                                                                ? "all"
                                                                : String.join(", ", a.groups())))
                                        .append("</td><td>")
                                        .append(
                                                a.passphraseOneTime()
                                                        ? "one-time (not chosen yet)"
                                                        : "their own")
                                        .append("</td><td>")
                                        .append(a.totpEnabled() ? "enrolled" : "not yet")
                                        .append("</td><td>");
                                if (a.id() != s.accountId()) {
                                    b.append(
                                                    "<form method=\"post\" class=\"inline\" action=\"/inbox/team/accounts/")
                                            .append(a.id())
                                            .append("/end-sessions\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" aria-label=\"End the sessions of ")
                                            .append(Html.esc(a.username()))
                                            .append("\">End sessions</button></form> ")
                                            .append(
                                                    "<form method=\"post\" class=\"inline\" action=\"/inbox/team/accounts/")
                                            .append(a.id())
                                            .append("/remove\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" id=\"remove-")
                                            .append(Html.esc(a.username()))
                                            .append("\" aria-label=\"Remove ")
                                            .append(Html.esc(a.username()))
                                            .append("\">Remove</button></form>");
                                }
                                b.append("</td></tr>");
                            }
                            b.append("</tbody></table>");
                            b.append("<h2>Team key</h2><p class=\"help\">Current key <code>")
                                    .append(Html.esc(teamKeys.currentKeyId()))
                                    .append(
                                            "</code>. Fingerprint of the first team key (the pin every key record is verified from): <code id=\"team-key-pin\">")
                                    .append(Html.esc(teamKeys.pin().toString()))
                                    .append("</code>, ")
                                    .append(pinSource())
                                    .append(
                                            ". Keep it with the server keys; on a cluster set <code>HAVEN_TEAM_KEY_PIN</code> to it on every gateway.</p>");
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
                            b.append(
                                            "<p class=\"help\">Rotating re-wraps every case's keys to a new team key (nothing is re-encrypted) and logs"
                                                    + " everyone else out. The team key is the administrators' key: removing an administrator rotates it by itself."
                                                    + " Coordinators hold only the keys of their working groups and of the intake group: removing one rotates"
                                                    + " those groups' keys; a coordinator from before group keys still holds the team key until the next"
                                                    + " rotation, which moves them to their groups' keys. Removing an agency worker rotates that agency's key"
                                                    + " instead (agency and group keys are re-sealed, not replaced, when the team key rotates).</p>")
                                    .append("<form method=\"post\" action=\"/inbox/team/rotate\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<button type=\"submit\" id=\"rotate-key\">Rotate the team key</button></form>");
                            b.append(signingKey(s));
                            b.append(
                                            "<h2>Retention</h2><form method=\"post\" action=\"/inbox/team/retention\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"retention-days\">Days a closed case is kept before it is deleted</label>")
                                    .append(
                                            "<input id=\"retention-days\" name=\"days\" type=\"number\" min=\"1\" max=\"36500\" required value=\"")
                                    .append(policy.days())
                                    .append(
                                            "\" aria-describedby=\"retention-help\"><p class=\"help\" id=\"retention-help\">")
                                    .append("Now ")
                                    .append(policy.days())
                                    .append(" days (")
                                    .append(Html.esc(policy.source()))
                                    .append(
                                            "). Purged daily and at start-up; a person's DELETE removes what they sent at once.</p>")
                                    .append(
                                            "<button type=\"submit\" id=\"save-retention\">Save retention period</button></form>");
                            b.append(
                                            "<h2>Add an account</h2><form method=\"post\" action=\"/inbox/team/accounts\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"new-username\">Username</label><input id=\"new-username\" name=\"username\" required>")
                                    .append(
                                            "<label for=\"new-role\">Role</label><select id=\"new-role\" name=\"role\">")
                                    .append(
                                            "<option value=\"coordinator\">Coordinator</option><option value=\"agency\">Agency worker</option>")
                                    .append(
                                            "<option value=\"admin\">Administrator</option></select>")
                                    .append(
                                            "<fieldset><legend>Working groups (coordinators)</legend>");
                            for (String g : GROUPS) {
                                b.append(
                                                "<label class=\"check\"><input type=\"checkbox\" name=\"group\" value=\"")
                                        .append(g)
                                        .append("\"> ")
                                        .append(Html.esc(g))
                                        .append("</label>");
                            }
                            b.append(
                                            "</fieldset><label for=\"new-agency\">Agency (agency workers)</label><select id=\"new-agency\" name=\"agency\">")
                                    .append("<option value=\"\">—</option>");
                            for (AgencyStore.Agency a : agencies) {
                                b.append("<option value=\"")
                                        .append(a.id())
                                        .append("\">")
                                        .append(Html.esc(a.name()))
                                        .append("</option>");
                            }
                            b.append(
                                            "</select><label for=\"new-pass\">One-time passphrase (at least ")
                                    .append(AccountRules.MIN_PASSPHRASE)
                                    .append(
                                            " characters; give it to the person in a safe way: at first login they must choose their own)</label>")
                                    .append(
                                            "<input id=\"new-pass\" name=\"passphrase\" type=\"password\" autocomplete=\"new-password\" required>")
                                    .append(
                                            "<label for=\"new-confirm\">Again</label><input id=\"new-confirm\" name=\"confirm\" type=\"password\"")
                                    .append(
                                            " autocomplete=\"new-password\" required><button type=\"submit\" id=\"create-account\">Create account</button></form>");
                            long keyless = agencies.stream().filter(a -> a.keyId() == null).count();
                            b.append("<h2>Agencies and referral codes</h2>");
                            if (keyless > 0) {
                                b.append("<p class=\"error\" id=\"agencies-without-key\">")
                                        .append(keyless)
                                        .append(keyless == 1 ? " agency has" : " agencies have")
                                        .append(
                                                " no key yet: referrals from it are sealed to the team key only and its workers cannot read"
                                                        + " them. It gets one when you add a worker to it, or with its button below.</p>");
                            }
                            b.append(
                                            "<table class=\"queue\"><thead><tr><th scope=\"col\">Agency</th>")
                                    .append(
                                            "<th scope=\"col\">Referral code</th><th scope=\"col\">Agency key</th></tr></thead><tbody>");
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
                                                    "\">key rejected: referrals are sealed to the team key only</strong>");
                                } else if (a.keyId() != null) {
                                    b.append("<code>")
                                            .append(Html.esc(a.keyId()))
                                            .append("</code>");
                                } else {
                                    b.append(
                                                    "none yet <form method=\"post\" class=\"inline\" action=\"/inbox/team/agencies/")
                                            .append(a.id())
                                            .append("/key\">")
                                            .append(Html.csrf(s))
                                            .append("<button type=\"submit\" class=\"secondary\"")
                                            .append(" id=\"agency-key-")
                                            .append(a.id())
                                            .append("\" aria-label=\"Create the key of ")
                                            .append(Html.esc(a.name()))
                                            .append("\">Create its key</button></form>");
                                }
                                b.append("</td></tr>");
                            }
                            b.append(
                                            "</tbody></table><form method=\"post\" action=\"/inbox/team/agencies\" class=\"stack\">")
                                    .append(Html.csrf(s))
                                    .append(
                                            "<label for=\"agency-name\">New agency</label><input id=\"agency-name\" name=\"name\" required maxlength=\"120\">")
                                    .append(
                                            "<button type=\"submit\" id=\"create-agency\">Add agency and issue a referral code</button></form>");
                            SessionGuard.html(
                                    ctx,
                                    error == null ? 200 : 400,
                                    Html.page(s.language(), "Team", s, b.toString()));
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
                        .filter(GROUPS::contains)
                        .toList();
        String agencyRaw = trimmed(ctx.request().getFormAttribute("agency"));
        Optional<String> invalid =
                AccountCeremony.problem(username, pass, confirm, role, groups, agencyRaw);
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
            page(
                    ctx,
                    s,
                    "Your session does not hold the current team key: log out and in again.",
                    null);
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
                                    "Account "
                                            + username
                                            + " created. At first login they choose their own passphrase"
                                            + " and set up their second factor.");
                        })
                .onFailure(
                        err -> {
                            if (err instanceof AccountCeremony.UsernameTaken) {
                                page(ctx, s, err.getMessage(), null);
                            } else if (err instanceof AgencyKeyCustody.NoSuchAgency) {
                                page(ctx, s, "No such agency.", null);
                            } else if (!keyProblem(ctx, s, err)) {
                                ctx.fail(err);
                            }
                        });
    }

    /**
     * Answers a failure of key verification with the page and true; false for any other failure.
     */
    private boolean keyProblem(RoutingContext ctx, InboxSession s, Throwable err) {
        if (err instanceof TeamKeys.UnverifiedAdministrator) {
            page(ctx, s, err.getMessage(), null);
            return true;
        }
        if (err instanceof GroupKeyring.RejectedKey) {
            page(
                    ctx,
                    s,
                    "A working group's key failed verification, so it is not used: nothing was granted or rotated."
                            + " See key_rejected in the log.",
                    null);
            return true;
        }
        if (err instanceof AgencyKeyCustody.RejectedKey) {
            page(
                    ctx,
                    s,
                    "That agency's key failed verification, so it is not used: nothing was granted. See key_rejected in"
                            + " the audit log.",
                    null);
            return true;
        }
        return false;
    }

    private String pinSource() {
        return switch (teamKeys.pinSource()) {
            case SETTING -> "set by HAVEN_TEAM_KEY_PIN";
            case FILE -> "kept in " + Html.esc(teamKeys.pinFile().toString());
            case FIRST_USE ->
                    "<strong>not pinned</strong>: this gateway trusted the first team key it found";
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
            page(ctx, s, "The retention period is a whole number of days from 1 to 36500.", null);
            return;
        }
        int value = days;
        new SettingsStore(accounts.db())
                .setRetentionDays(s.username(), value, auditKey)
                .onSuccess(v -> page(ctx, s, null, "Closed cases are now kept " + value + " days."))
                .onFailure(ctx::fail);
    }

    /** Rotates the team key; every other session ends (it holds the retired key). */
    private void rotate(RoutingContext ctx, InboxSession s, String reason, String notice) {
        Optional<RecipientPrivateKey> current = s.teamKey(teamKeys.currentKeyId());
        if (current.isEmpty()) {
            page(
                    ctx,
                    s,
                    "Your session does not hold the current team key: log out and in again.",
                    null);
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
            page(ctx, s, "You cannot remove your own account.", null);
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
                                                        page(ctx, s, "No such account.", null);
                                                        return;
                                                    }
                                                    if (done
                                                            == AccountCeremony.Removal
                                                                    .LAST_ADMINISTRATOR) {
                                                        page(
                                                                ctx,
                                                                s,
                                                                "That is the last administrator.",
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
                                                                "Account removed and team key rotated: it can open nothing sealed from now on.");
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
            page(
                    ctx,
                    s,
                    "Account removed, but your session does not hold the current team key, so its working groups'"
                            + " keys were not rotated: log out and in again, then remove it again or rotate the team key.",
                    null);
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
                                    "Account removed and the keys of its working groups rotated ("
                                            + String.join(", ", r.groups())
                                            + "): it can open nothing sealed from now on.");
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
            page(
                    ctx,
                    s,
                    "Account removed, but your session does not hold the current team key, so its agency's key was not"
                            + " rotated: log out and in again, then rotate the team key.",
                    null);
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
                                    "Account removed and its agency's key rotated: it can open nothing sealed from now on.");
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
                .onComplete(ar -> page(ctx, s, null, ended + " session(s) ended."));
    }

    /**
     * Adds an agency with a referral code and its own key, sealed to the team key the session
     * holds.
     */
    private void createAgency(RoutingContext ctx, InboxSession s) {
        String name = trimmed(ctx.request().getFormAttribute("name"));
        Optional<String> invalid = AgencyCreation.nameProblem(name);
        if (invalid.isPresent()) {
            page(ctx, s, invalid.get(), null);
            return;
        }
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(
                    ctx,
                    s,
                    "Your session does not hold the current team key: log out and in again.",
                    null);
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
                                    "Agency added with referral code "
                                            + created.referralCode()
                                            + ".");
                        })
                .onFailure(
                        err -> {
                            if (err instanceof AgencyCreation.NameTaken) {
                                page(ctx, s, err.getMessage(), null);
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
            page(ctx, s, "No such agency.", null);
            return;
        }
        Optional<RecipientPrivateKey> team = s.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            page(
                    ctx,
                    s,
                    "Your session does not hold the current team key: log out and in again.",
                    null);
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
                .onSuccess(keyId -> page(ctx, s, null, "The agency has its key " + keyId + "."))
                .onFailure(
                        err -> {
                            if (err instanceof AgencyKeyCustody.NoSuchAgency) {
                                page(ctx, s, "No such agency.", null);
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
            page(ctx, s, "No such account.", null);
            return null;
        }
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.strip();
    }
}
