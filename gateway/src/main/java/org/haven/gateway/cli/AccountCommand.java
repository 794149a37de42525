package org.haven.gateway.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.admin.AccountCeremony;
import org.haven.gateway.auth.AccountRules;
import org.haven.gateway.auth.PassphraseChange;
import org.haven.gateway.keys.AgencyKeyCustody;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountRoster;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.ClusterNotifications;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven account list|add|remove|passphrase}: the inbox accounts, with the same key ceremony
 * as the Team page ({@link AccountCeremony}). Adding and removing ask for an administrator's
 * username, passphrase and second-factor code, which unlock the team key for the length of the
 * command; changing a passphrase asks for the account's current one ({@link PassphraseChange}).
 */
@Command(
        name = "account",
        mixinStandardHelpOptions = true,
        description = {
            "List, add and remove inbox accounts (coordinators, administrators, agency workers), and change an",
            "account's passphrase. Adding and removing ask for an administrator's passphrase and second-factor code,",
            "and for the new account's one-time passphrase: at the terminal without echo, else as lines on standard input."
        },
        subcommands = {
            AccountCommand.ListAccounts.class,
            AccountCommand.Add.class,
            AccountCommand.Remove.class,
            AccountCommand.Passphrase.class
        })
public final class AccountCommand extends CommandGroup {

    /** {@code haven account list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Print the enabled accounts, one a line, tab-separated: id, username, role, working groups,",
                "agency id, created (UTC), key=yes|no (a personal key pair), grant=yes|no (holds the current team",
                "key; a coordinator: its groups' keys; an agency worker: its agency's current key),",
                "second-factor=yes|no (enrolled),",
                "passphrase=own|one-time (one-time: set by an administrator, not yet replaced). Never a",
                "passphrase hash or a key."
            })
    static final class ListAccounts implements Callable<Integer> {
        @ParentCommand AccountCommand account;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    account.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        for (AccountRoster.Entry e : Cli.await(new AccountRoster(db.db()).list())) {
                            String groups =
                                    "admin".equals(e.role())
                                            ? "all"
                                            : e.groups().isEmpty()
                                                    ? "-"
                                                    : String.join(",", e.groups());
                            out.println(
                                    e.id()
                                            + "\t"
                                            + e.username()
                                            + "\t"
                                            + e.role()
                                            + "\t"
                                            + groups
                                            + "\t"
                                            + (e.agencyId() == null ? "-" : e.agencyId())
                                            + "\t"
                                            + e.createdAt().withOffsetSameInstant(ZoneOffset.UTC)
                                            + "\tkey="
                                            + yesNo(e.personalKey())
                                            + "\tgrant="
                                            + yesNo(e.keyGrant())
                                            + "\tsecond-factor="
                                            + yesNo(e.secondFactor())
                                            + "\tpassphrase="
                                            + (e.passphraseOneTime() ? "one-time" : "own"));
                        }
                        out.flush();
                        return 0;
                    });
        }

        private static String yesNo(boolean b) {
            return b ? "yes" : "no";
        }
    }

    /** {@code haven account add --username U --role R [--group G]... [--agency ID]}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Add an account, as the Team page does: it gets a personal key sealed under a one-time",
                "passphrase and a grant of the team key (an agency worker: of its agency's key instead), which an",
                "administrator's passphrase and second-factor code unlock. Asks, in this order: the administrator's username",
                "(unless --admin), passphrase and code, then the one-time passphrase twice (at least "
                        + AccountRules.MIN_PASSPHRASE
                        + " characters).",
                "At first login the person chooses their own passphrase, then sets up their second factor.",
                "Audited as account_created:<role>."
            })
    static final class Add implements Callable<Integer> {
        @ParentCommand AccountCommand account;
        @Spec CommandSpec spec;

        @Option(
                names = "--username",
                required = true,
                paramLabel = "NAME",
                description = "the new account's username")
        String username;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "coordinator, admin or agency")
        String role;

        @Option(
                names = "--group",
                paramLabel = "GROUP",
                description =
                        "a coordinator's working group, repeatable: halifax, montreal, ottawa, toronto, winnipeg, edmonton,"
                                + " vancouver, victoria or national")
        List<String> groups = new ArrayList<>();

        @Option(
                names = "--agency",
                paramLabel = "ID",
                description = "an agency worker's agency (its id)")
        Long agency;

        @Option(
                names = "--admin",
                paramLabel = "NAME",
                description = "the administrator who unlocks the team key (asked if not given)")
        String admin;

        @Override
        public Integer call() {
            if (!AccountCeremony.ROLES.contains(role)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--role must be coordinator, admin or agency, got '" + role + "'");
            }
            if (!groups.isEmpty() && !"coordinator".equals(role)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--group is for coordinators only");
            }
            if (agency != null && !"agency".equals(role)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--agency is for agency workers only");
            }
            PrintWriter out = spec.commandLine().getOut();
            Prompt prompt = account.prompt();
            return Cli.withDatabase(
                    account.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        String name = username.strip();
                        List<String> wanted =
                                groups.stream().map(String::strip).distinct().toList();
                        Optional<String> invalid =
                                AccountRules.validateUsername(name)
                                        .or(
                                                () ->
                                                        wanted.stream()
                                                                .filter(
                                                                        g ->
                                                                                !AccountCeremony
                                                                                        .GROUPS
                                                                                        .contains(
                                                                                                g))
                                                                .findFirst()
                                                                .map(
                                                                        g ->
                                                                                "There is no working group '"
                                                                                        + g
                                                                                        + "': choose from "
                                                                                        + String
                                                                                                .join(
                                                                                                        ", ",
                                                                                                        AccountCeremony
                                                                                                                .GROUPS)))
                                        .or(
                                                () ->
                                                        AccountCeremony.roleProblem(
                                                                role,
                                                                wanted,
                                                                agency == null
                                                                        ? null
                                                                        : agency.toString()));
                        if (invalid.isPresent()) {
                            throw new Cli.Failure(Cli.line(invalid.get()));
                        }
                        AccountRoster roster = new AccountRoster(db.db());
                        if (Cli.await(roster.usernameTaken(name))) {
                            throw new Cli.Failure(
                                    Cli.line(new AccountCeremony.UsernameTaken().getMessage()));
                        }
                        if (agency != null && !Cli.await(roster.agencyExists(agency))) {
                            throw new Cli.Failure(
                                    "there is no agency "
                                            + agency
                                            + " (agencies are added on the inbox's Team page)");
                        }
                        AccountStore accounts = new AccountStore(db.db());
                        AccountCeremony.NewAccount wantedAccount =
                                new AccountCeremony.NewAccount(name, role, wanted, agency);
                        try (AdminUnlock unlocked =
                                AdminUnlock.ask(
                                        vertx, accounts, config, prompt, admin, account.clock())) {
                            char[] pass =
                                    prompt.secret(
                                            "One-time passphrase of "
                                                    + name
                                                    + " (at least "
                                                    + AccountRules.MIN_PASSPHRASE
                                                    + " characters; they choose their own at first login)");
                            char[] confirm = prompt.secret("The same passphrase again");
                            long id;
                            try {
                                String p = new String(pass);
                                Optional<String> weak =
                                        AccountRules.validatePassphrase(p, new String(confirm));
                                if (weak.isPresent()) {
                                    throw new Cli.Failure(Cli.line(weak.get()));
                                }
                                id =
                                        Cli.await(
                                                new AccountCeremony(
                                                                vertx,
                                                                accounts,
                                                                unlocked.teamKeys(),
                                                                unlocked.auditKey())
                                                        .create(
                                                                unlocked.admin().username(),
                                                                wantedAccount,
                                                                p,
                                                                unlocked.teamKey(),
                                                                unlocked.signer()));
                            } catch (AccountCeremony.UsernameTaken e) {
                                throw new Cli.Failure(Cli.line(e.getMessage()));
                            } catch (AgencyKeyCustody.NoSuchAgency e) {
                                throw new Cli.Failure(
                                        "there is no agency "
                                                + agency
                                                + " (agencies are added on the inbox's Team page)");
                            } catch (AgencyKeyCustody.RejectedKey
                                    | TeamKeys.UnverifiedAdministrator e) {
                                throw new Cli.Failure(Cli.line(e.getMessage()));
                            } finally {
                                Prompt.wipe(pass);
                                Prompt.wipe(confirm);
                            }
                            out.println(
                                    "account "
                                            + name
                                            + " created (id "
                                            + id
                                            + ", "
                                            + role
                                            + (wanted.isEmpty()
                                                    ? ""
                                                    : ", " + String.join(",", wanted))
                                            + (agency == null ? "" : ", agency " + agency)
                                            + "): at first login they choose their own passphrase and set up their second factor");
                            out.flush();
                            return 0;
                        }
                    });
        }
    }

    /** {@code haven account remove --username U | --id N}. */
    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = {
                "Remove an account, as the Team page does: it is disabled, its grants are withdrawn and the team",
                "key (an agency worker's: its agency's key) is rotated, so the person can open nothing sealed from then on. Asks for an administrator's",
                "username (unless --admin), passphrase and second-factor code. Refuses the administrator's own",
                "account and the last administrator. Audited as account_removed:<id> and team_key_rotated:removal."
            })
    static final class Remove implements Callable<Integer> {
        @ParentCommand AccountCommand account;
        @Spec CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        @Option(
                names = "--admin",
                paramLabel = "NAME",
                description = "the administrator who unlocks the team key (asked if not given)")
        String admin;

        /** Which account: by username or by id. */
        static final class Target {
            @Option(
                    names = "--username",
                    paramLabel = "NAME",
                    description = "the account's username")
            String username;

            @Option(
                    names = "--id",
                    paramLabel = "ID",
                    description = "the account's id (see 'account list')")
            Long id;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Prompt prompt = account.prompt();
            return Cli.withDatabase(
                    account.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        AccountStore accounts = new AccountStore(db.db());
                        Optional<Account> found =
                                target.username != null
                                        ? Cli.await(
                                                accounts.findByUsername(target.username.strip()))
                                        : Cli.await(accounts.findById(target.id));
                        if (found.isEmpty()) {
                            throw new Cli.Failure(
                                    "there is no account "
                                            + (target.username != null
                                                    ? "named '" + target.username.strip() + "'"
                                                    : "with id " + target.id));
                        }
                        Account leaving = found.get();
                        try (AdminUnlock unlocked =
                                AdminUnlock.ask(
                                        vertx, accounts, config, prompt, admin, account.clock())) {
                            if (unlocked.admin().id() == leaving.id()) {
                                throw new Cli.Failure(
                                        "you cannot remove your own account: another administrator can");
                            }
                            AccountCeremony ceremony =
                                    new AccountCeremony(
                                            vertx,
                                            accounts,
                                            unlocked.teamKeys(),
                                            unlocked.auditKey());
                            String actor = unlocked.admin().username();
                            boolean heldTeamKey =
                                    Cli.await(
                                                    accounts.holdersOf(
                                                            accounts.db(),
                                                            unlocked.teamKeys().currentKeyId()))
                                            .contains(leaving.id());
                            AccountCeremony.Removal removal =
                                    Cli.await(ceremony.disable(actor, leaving.id()));
                            if (removal == AccountCeremony.Removal.NO_SUCH_ACCOUNT) {
                                throw new Cli.Failure(
                                        "there is no account with id "
                                                + leaving.id()
                                                + " any more");
                            }
                            if (removal == AccountCeremony.Removal.LAST_ADMINISTRATOR) {
                                throw new Cli.Failure(
                                        leaving.username() + " is the last administrator");
                            }
                            if ("agency".equals(leaving.role()) && leaving.agencyId() != null) {
                                try {
                                    Cli.await(
                                            ceremony.rotateAgency(
                                                    actor,
                                                    leaving.agencyId(),
                                                    unlocked.teamKey(),
                                                    unlocked.signer()));
                                } catch (Exception e) {
                                    throw new Cli.Failure(
                                            "account "
                                                    + leaving.username()
                                                    + " removed, but rotating its agency's key failed ("
                                                    + Reasons.of(e, Optional.empty())
                                                    + "): rotate it by removing and adding a worker on the Team page");
                                }
                                out.println(
                                        "account "
                                                + leaving.username()
                                                + " removed and agency "
                                                + leaving.agencyId()
                                                + "'s key rotated: it can open nothing sealed from now on; the agency's other workers log in again");
                                out.flush();
                                return 0;
                            }
                            if ("coordinator".equals(leaving.role()) && !heldTeamKey) {
                                // it held the keys of its working groups (and the intake group's
                                // and the export key), never the team key: those rotate
                                AccountCeremony.GroupRotation groups;
                                try {
                                    groups =
                                            Cli.await(
                                                    ceremony.rotateGroups(
                                                            actor,
                                                            leaving.id(),
                                                            unlocked.teamKey(),
                                                            unlocked.signer()));
                                } catch (Exception e) {
                                    throw new Cli.Failure(
                                            "account "
                                                    + leaving.username()
                                                    + " removed, but rotating its working groups' keys failed ("
                                                    + Reasons.of(e, Optional.empty())
                                                    + "): remove it again on the Team page");
                                }
                                out.println(
                                        "account "
                                                + leaving.username()
                                                + " removed and the keys of its working groups rotated ("
                                                + String.join(", ", groups.groups())
                                                + "): it can open nothing sealed from now on; those groups' other"
                                                + " coordinators log in again");
                                out.flush();
                                return 0;
                            }
                            RecipientPrivateKey next;
                            try {
                                next =
                                        Cli.await(
                                                ceremony.rotate(
                                                        actor,
                                                        unlocked.teamKey(),
                                                        "removal",
                                                        unlocked.signer()));
                            } catch (Exception e) {
                                throw new Cli.Failure(
                                        "account "
                                                + leaving.username()
                                                + " removed, but rotating the team key failed ("
                                                + Reasons.of(e, Optional.empty())
                                                + "): rotate it on the inbox's Team page");
                            }
                            String keyId = next.publicKey().keyId();
                            next.destroy();
                            out.println(
                                    "account "
                                            + leaving.username()
                                            + " removed and the team key rotated (now "
                                            + keyId
                                            + "): it can open nothing sealed from now on; the others log in again to read cases");
                            out.flush();
                            return 0;
                        }
                    });
        }
    }

    /** {@code haven account passphrase --username U}. */
    @Command(
            name = "passphrase",
            mixinStandardHelpOptions = true,
            description = {
                "Change an account's passphrase, as its inbox's Passphrase page does: the personal key is opened",
                "with the current passphrase and sealed under the new one; its grants and every case stay as they are.",
                "Asks, in this order: the current passphrase, then the new one twice (at least "
                        + AccountRules.MIN_PASSPHRASE
                        + " characters). Replaces a",
                "one-time passphrase as the first login would. Ends the account's inbox sessions on every gateway.",
                "Audited as passphrase_changed:cli (a wrong current passphrase: passphrase_change_failed:cli)."
            })
    static final class Passphrase implements Callable<Integer> {
        @ParentCommand AccountCommand account;
        @Spec CommandSpec spec;

        @Option(
                names = "--username",
                required = true,
                paramLabel = "NAME",
                description = "the account's username")
        String username;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Prompt prompt = account.prompt();
            return Cli.withDatabase(
                    account.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        String name = username.strip();
                        AccountStore accounts = new AccountStore(db.db());
                        Optional<Account> found = Cli.await(accounts.findByUsername(name));
                        if (found.isEmpty()) {
                            throw new Cli.Failure("there is no account named '" + name + "'");
                        }
                        Account a = found.get();
                        char[] current = prompt.secret("Current passphrase of " + name);
                        char[] next = null;
                        char[] confirm = null;
                        PassphraseChange.Outcome outcome;
                        try {
                            next =
                                    prompt.secret(
                                            "New passphrase of "
                                                    + name
                                                    + " (at least "
                                                    + AccountRules.MIN_PASSPHRASE
                                                    + " characters)");
                            confirm = prompt.secret("The same passphrase again");
                            String n = new String(next);
                            Optional<String> weak =
                                    AccountRules.validatePassphrase(n, new String(confirm));
                            if (weak.isPresent()) {
                                throw new Cli.Failure(
                                        Cli.line(weak.get()) + ": nothing was changed");
                            }
                            outcome =
                                    Cli.await(
                                            new PassphraseChange(
                                                            vertx,
                                                            accounts,
                                                            Cli.serverSecrets(config).auditKey())
                                                    .change(
                                                            a.id(),
                                                            new String(current),
                                                            n,
                                                            ":cli"));
                        } finally {
                            Prompt.wipe(current);
                            Prompt.wipe(next);
                            Prompt.wipe(confirm);
                        }
                        switch (outcome) {
                            case WRONG_CURRENT -> {
                                Cli.await(
                                        new AuditLog(db.db(), Cli.serverSecrets(config).auditKey())
                                                .record(
                                                        a.username(),
                                                        "passphrase_change_failed:cli",
                                                        null));
                                throw new Cli.Failure(
                                        "the current passphrase of "
                                                + a.username()
                                                + " is wrong: nothing was changed");
                            }
                            case SAME_AS_CURRENT ->
                                    throw new Cli.Failure(
                                            "the new passphrase is the current one: nothing was changed");
                            case CHANGED_MEANWHILE ->
                                    throw new Cli.Failure(
                                            "the passphrase of "
                                                    + a.username()
                                                    + " was changed meanwhile (in the inbox?): nothing was changed here");
                            case NO_SUCH_ACCOUNT ->
                                    throw new Cli.Failure(
                                            "there is no account named '" + name + "' any more");
                            case CHANGED -> {
                                Cli.await(
                                        ClusterNotifications.notifyEveryInstance(
                                                db.db(),
                                                PassphraseChange.SESSIONS_CHANNEL,
                                                new JsonObject().put("account", a.id())));
                                out.println(
                                        "passphrase of "
                                                + a.username()
                                                + " changed: the personal key is sealed under the new one"
                                                + " (grants and cases unchanged); its inbox sessions were ended");
                                out.flush();
                                return 0;
                            }
                            default -> throw new IllegalStateException(outcome.name());
                        }
                    });
        }
    }
}
