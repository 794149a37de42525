package org.haven.gateway.cli;

import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Optional;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.auth.AccountUnlock;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;

/**
 * An administrator proving who they are at the command line, as at the inbox login (the same {@link
 * AccountUnlock}): username, passphrase and second-factor code, which unlock their grant of the
 * current team key. The key lives only as long as the command; {@link #close} wipes it.
 */
final class AdminUnlock implements AutoCloseable {
    private final Account admin;
    private final AccountUnlock.Unlocked unlocked;
    private final RecipientPrivateKey teamKey;
    private final TeamKeys teamKeys;
    private final ServerSecrets secrets;

    private AdminUnlock(
            Account admin,
            AccountUnlock.Unlocked unlocked,
            RecipientPrivateKey teamKey,
            TeamKeys teamKeys,
            ServerSecrets secrets) {
        this.secrets = secrets;
        this.admin = admin;
        this.unlocked = unlocked;
        this.teamKey = teamKey;
        this.teamKeys = teamKeys;
    }

    /**
     * Asks for the administrator's username (unless given), passphrase and second-factor code and
     * unlocks the current team key; a {@link Cli.Failure} when any is wrong (audited as {@code
     * login_failed:cli} for a known username), the account is not an administrator, its passphrase
     * is still a one-time one, or it has not enrolled its second factor yet (an inbox session could
     * do nothing else either).
     */
    static AdminUnlock ask(
            Vertx vertx,
            AccountStore accounts,
            HavenConfig config,
            Prompt prompt,
            String username,
            Clock clock)
            throws Exception {
        if (Cli.await(accounts.activeTeamKey()).isEmpty()) {
            throw new Cli.Failure(
                    "there is no administrator yet: create the first one in the inbox (/inbox/setup)");
        }
        ServerSecrets secrets = Cli.serverSecrets(config);
        TeamKeys teamKeys;
        try {
            teamKeys =
                    new TeamKeys(
                            vertx,
                            accounts,
                            config.dataDir(),
                            config.settings().get("team_key_pin"),
                            secrets.auditKey());
            Cli.await(teamKeys.load());
        } catch (IllegalArgumentException | TeamKeys.Unverified e) {
            throw new Cli.Failure("the team keys do not verify: " + e.getMessage());
        }
        AccountUnlock unlock = new AccountUnlock(vertx, accounts, secrets, clock);
        String name = username != null ? username.strip() : prompt.line("Administrator's username");
        char[] pass = prompt.secret("Passphrase of " + name);
        char[] code = null;
        Optional<AccountUnlock.Unlocked> found;
        try {
            code =
                    prompt.secret(
                            "Second-factor code of "
                                    + name
                                    + " (authenticator app or recovery code)");
            found =
                    name.isEmpty() || pass.length == 0
                            ? Optional.empty()
                            : Cli.await(
                                    unlock.unlock(
                                            name, new String(pass), new String(code).strip()));
        } finally {
            Prompt.wipe(pass);
            Prompt.wipe(code);
        }
        if (found.isEmpty()) {
            Optional<Account> known =
                    name.isEmpty() ? Optional.empty() : Cli.await(accounts.findByUsername(name));
            if (known.isPresent()) {
                Cli.await(
                        new AuditLog(accounts.db(), secrets.auditKey())
                                .record(known.get().username(), "login_failed:cli", null));
            }
            throw new Cli.Failure(
                    "the administrator's username, passphrase or second-factor code is wrong");
        }
        AccountUnlock.Unlocked u = found.get();
        Account a = u.account();
        if (!"admin".equals(a.role())) {
            u.destroy();
            throw new Cli.Failure(a.username() + " is not an administrator");
        }
        if (a.passphraseOneTime()) {
            u.destroy();
            throw new Cli.Failure(
                    a.username()
                            + " still has the one-time passphrase an administrator set: choose your own first"
                            + " (log in to the inbox, or 'haven account passphrase --username "
                            + a.username()
                            + "')");
        }
        if (!a.totpEnabled()) {
            u.destroy();
            throw new Cli.Failure(
                    a.username()
                            + " has no second factor yet: log in to the inbox once to set it up");
        }
        Cli.await(teamKeys.afterAdministratorUnlock(u.signer(), u.keys()));
        Optional<RecipientPrivateKey> team = u.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            u.destroy();
            throw new Cli.Failure(
                    a.username()
                            + " holds no grant of the current team key: log in to the inbox and out again,"
                            + " or ask another administrator");
        }
        return new AdminUnlock(a, u, team.get(), teamKeys, secrets);
    }

    /** The administrator. */
    Account admin() {
        return admin;
    }

    /** Their unlocked current team key. */
    RecipientPrivateKey teamKey() {
        return teamKey;
    }

    /** The audit key, from the server keys. */
    KeyedHash auditKey() {
        return secrets.auditKey();
    }

    /** Their signing key, which signs the key records the command creates. */
    AccountSigner signer() {
        return unlocked.signer();
    }

    /** The team keys, loaded from the database and verified. */
    TeamKeys teamKeys() {
        return teamKeys;
    }

    @Override
    public void close() {
        unlocked.destroy();
    }
}
