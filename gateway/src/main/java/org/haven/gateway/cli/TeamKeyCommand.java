package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.admin.AccountCeremony;
import org.haven.gateway.store.AccountStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven team-key rotate}: the key ceremony's rotation, as the Team page's "Rotate the team
 * key".
 */
@Command(
        name = "team-key",
        mixinStandardHelpOptions = true,
        description = "The coordinator team key that every case is sealed to.",
        subcommands = {TeamKeyCommand.Rotate.class})
public final class TeamKeyCommand extends CommandGroup {

    /** {@code haven team-key rotate}. */
    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Replace the team key: a new key pair granted to every coordinator and administrator, every",
                "entry's data key and every agency key re-wrapped to it (nothing is re-encrypted), the old key",
                "retired. Asks for an administrator's username (unless --admin), passphrase and second-factor code.",
                "Everyone else logs in again to read cases. Audited as team_key_rotated:manual."
            })
    static final class Rotate implements Callable<Integer> {
        @ParentCommand TeamKeyCommand teamKey;
        @Spec CommandSpec spec;

        @Option(
                names = "--admin",
                paramLabel = "NAME",
                description = "the administrator who unlocks the team key (asked if not given)")
        String admin;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Prompt prompt = teamKey.prompt();
            return Cli.withDatabase(
                    teamKey.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        AccountStore accounts = new AccountStore(db.db());
                        try (AdminUnlock unlocked =
                                AdminUnlock.ask(
                                        vertx, accounts, config, prompt, admin, teamKey.clock())) {
                            RecipientPrivateKey next =
                                    Cli.await(
                                            new AccountCeremony(
                                                            vertx,
                                                            accounts,
                                                            unlocked.teamKeys(),
                                                            unlocked.auditKey())
                                                    .rotate(
                                                            unlocked.admin().username(),
                                                            unlocked.teamKey(),
                                                            "manual",
                                                            unlocked.signer()));
                            String keyId = next.publicKey().keyId();
                            next.destroy();
                            out.println(
                                    "team key rotated (now "
                                            + keyId
                                            + "): everyone else logs in again to read cases");
                            out.flush();
                            return 0;
                        }
                    });
        }
    }
}
