package org.haven.gateway.cli;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Optional;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.Haven;
import org.haven.gateway.auth.AccountUnlock;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;

/**
 * An administrator proving who they are at the command line, as at the inbox login (the same
 * {@link AccountUnlock}): username, passphrase and second-factor code, which unlock their grant
 * of the current team key. The key lives only as long as the command; {@link #close} wipes it.
 */
final class AdminUnlock implements AutoCloseable {
    private final Account admin;
    private final AccountUnlock.Unlocked unlocked;
    private final RecipientPrivateKey teamKey;
    private final TeamKeys teamKeys;

    private AdminUnlock(Account admin, AccountUnlock.Unlocked unlocked, RecipientPrivateKey teamKey, TeamKeys teamKeys) {
        this.admin = admin;
        this.unlocked = unlocked;
        this.teamKey = teamKey;
        this.teamKeys = teamKeys;
    }

    /**
     * Asks for the administrator's username (unless given), passphrase and second-factor code and
     * unlocks the current team key; a {@link Cli.Failure} when any is wrong (audited as
     * {@code login_failed:cli} for a known username), the account is not an administrator, or it
     * has not enrolled its second factor yet (an inbox session could do nothing else either).
     */
    static AdminUnlock ask(Vertx vertx, AccountStore accounts, HavenConfig config, Prompt prompt, String username)
            throws Exception {
        if (Cli.await(accounts.activeTeamKey()).isEmpty()) {
            throw new Cli.Failure("there is no administrator yet: create the first one in the inbox (/inbox/setup)");
        }
        TeamKeys teamKeys;
        try {
            teamKeys = new TeamKeys(vertx, accounts, config.dataDir(), config.settings().get("team_key_pin"));
            Cli.await(teamKeys.load());
        } catch (IllegalArgumentException | TeamKeys.Unverified e) {
            throw new Cli.Failure("the team keys do not verify: " + e.getMessage());
        }
        AccountUnlock unlock = new AccountUnlock(vertx, accounts, serverSecrets(config), Clock.systemUTC());
        String name = username != null ? username.strip() : prompt.line("Administrator's username");
        char[] pass = prompt.secret("Passphrase of " + name);
        char[] code = null;
        Optional<AccountUnlock.Unlocked> found;
        try {
            code = prompt.secret("Second-factor code of " + name + " (authenticator app or recovery code)");
            found = name.isEmpty() || pass.length == 0 ? Optional.empty()
                    : Cli.await(unlock.unlock(name, new String(pass), new String(code).strip()));
        } finally {
            Prompt.wipe(pass);
            Prompt.wipe(code);
        }
        if (found.isEmpty()) {
            Optional<Account> known = name.isEmpty() ? Optional.empty() : Cli.await(accounts.findByUsername(name));
            if (known.isPresent()) {
                Cli.await(new AuditLog(accounts.pool()).record(known.get().username(), "login_failed:cli", null));
            }
            throw new Cli.Failure("the administrator's username, passphrase or second-factor code is wrong");
        }
        AccountUnlock.Unlocked u = found.get();
        Account a = u.account();
        if (!"admin".equals(a.role())) {
            u.destroy();
            throw new Cli.Failure(a.username() + " is not an administrator");
        }
        if (!a.totpEnabled()) {
            u.destroy();
            throw new Cli.Failure(a.username() + " has no second factor yet: log in to the inbox once to set it up");
        }
        Cli.await(teamKeys.afterAdministratorUnlock(u.signer(), u.keys()));
        Optional<RecipientPrivateKey> team = u.teamKey(teamKeys.currentKeyId());
        if (team.isEmpty()) {
            u.destroy();
            throw new Cli.Failure(a.username() + " holds no grant of the current team key: log in to the inbox and out again,"
                    + " or ask another administrator");
        }
        return new AdminUnlock(a, u, team.get(), teamKeys);
    }

    /** The server keys, which decrypt the second-factor secrets; never created here (unlike at first start). */
    private static ServerSecrets serverSecrets(HavenConfig config) throws Cli.Failure {
        Optional<String> base64 = config.settings().get("server_keys");
        Optional<Path> file = config.settings().get("server_keys_file").map(Path::of);
        Path own = Haven.serverKeysFile(config);
        if (base64.isEmpty() && file.isEmpty() && !Files.isRegularFile(own)) {
            throw new Cli.Failure("no server keys in " + own + ": give the command the server's HAVEN_DATA_DIR,"
                    + " or its HAVEN_SERVER_KEYS or HAVEN_SERVER_KEYS_FILE");
        }
        try {
            return ServerSecrets.resolve(base64, file, own);
        } catch (IOException | GeneralSecurityException e) {
            throw new Cli.Failure("cannot read the server keys: " + e.getMessage());
        }
    }

    /** The administrator. */
    Account admin() {
        return admin;
    }

    /** Their unlocked current team key. */
    RecipientPrivateKey teamKey() {
        return teamKey;
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
