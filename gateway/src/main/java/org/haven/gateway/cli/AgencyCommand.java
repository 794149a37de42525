package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.haven.gateway.admin.AgencyCreation;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven agency list|add}: the agencies that refer clients, their referral codes and keys.
 */
@Command(
        name = "agency",
        mixinStandardHelpOptions = true,
        description = {
            "List and add the agencies that refer clients, as the inbox's Team page does. Adding asks for an",
            "administrator's passphrase and second-factor code (the agency's key is sealed to the team key)."
        },
        subcommands = {AgencyCommand.ListAgencies.class, AgencyCommand.Add.class})
public final class AgencyCommand extends CommandGroup {

    /** {@code haven agency list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Print the agencies, one a line, tab-separated: id, name, referral code, key=<key id>|none",
                "(none: made before agency keys; the Team page creates it)."
            })
    static final class ListAgencies implements Callable<Integer> {
        @ParentCommand AgencyCommand agency;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    agency.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        for (AgencyStore.Agency a : Cli.await(new AgencyStore(db.db()).list())) {
                            out.println(
                                    a.id()
                                            + "\t"
                                            + a.name()
                                            + "\t"
                                            + a.referralCode()
                                            + "\tkey="
                                            + (a.keyId() == null ? "none" : a.keyId()));
                        }
                        out.flush();
                        return 0;
                    });
        }
    }

    /** {@code haven agency add --name NAME}. */
    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Add an agency with a new referral code and its own key, sealed to the team key that an",
                "administrator's passphrase and second-factor code unlock (asked in this order: username unless",
                "--admin, passphrase, code). Prints the referral code to give the agency. Audited as agency_created:<id>."
            })
    static final class Add implements Callable<Integer> {
        @ParentCommand AgencyCommand agency;
        @Spec CommandSpec spec;

        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "the agency's name, as coordinators will see it")
        String name;

        @Option(
                names = "--admin",
                paramLabel = "NAME",
                description = "the administrator who unlocks the team key (asked if not given)")
        String admin;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Prompt prompt = agency.prompt();
            return Cli.withDatabase(
                    agency.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        Optional<String> invalid = AgencyCreation.nameProblem(name, "en");
                        if (invalid.isPresent()) {
                            throw new Cli.Failure(Cli.line(invalid.get()));
                        }
                        // refused before any secret is asked for (the database still refuses a name
                        // taken meanwhile)
                        if (Cli.await(new AgencyStore(db.db()).list()).stream()
                                .anyMatch(a -> a.name().equals(name.strip()))) {
                            throw new Cli.Failure(
                                    Cli.line(new AgencyCreation.NameTaken().getMessage()));
                        }
                        try (AdminUnlock unlocked =
                                AdminUnlock.ask(
                                        vertx,
                                        new AccountStore(db.db()),
                                        config,
                                        prompt,
                                        admin,
                                        agency.clock())) {
                            AgencyCreation.Created created;
                            try {
                                created =
                                        Cli.await(
                                                new AgencyCreation(
                                                                new AgencyStore(db.db()),
                                                                unlocked.teamKeys(),
                                                                unlocked.auditKey())
                                                        .create(
                                                                unlocked.admin().username(),
                                                                name,
                                                                unlocked.teamKey(),
                                                                unlocked.signer()));
                            } catch (AgencyCreation.NameTaken e) {
                                throw new Cli.Failure(Cli.line(e.getMessage()));
                            }
                            out.println(
                                    "agency "
                                            + name.strip()
                                            + " added (id "
                                            + created.id()
                                            + ") with referral code "
                                            + created.referralCode());
                            out.flush();
                            return 0;
                        }
                    });
        }
    }
}
