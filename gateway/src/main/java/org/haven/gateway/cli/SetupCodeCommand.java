package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.haven.gateway.Main;
import org.haven.gateway.keys.SetupCodeReissue;
import org.haven.gateway.keys.TeamKeyPin;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.ServingLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven setup-code}: a new one-time setup code for a lost one, before the first
 * administrator exists.
 */
@Command(
        name = "setup-code",
        mixinStandardHelpOptions = true,
        description = {
            "Reissue a lost one-time setup code, while no administrator exists yet: prints a new code once",
            "(the old one stops working) and the new team key pin. Stop every gateway first: the code comes",
            "with a new team key, which they load at start (see docs/operations.md, 'A lost setup code')."
        })
public final class SetupCodeCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return Cli.withDatabase(
                main,
                spec.commandLine().getErr(),
                (vertx, db, config) -> {
                    Optional<Optional<SetupCodeReissue.Reissued>> run =
                            Cli.await(
                                    ServingLock.alone(
                                            db,
                                            () ->
                                                    SetupCodeReissue.reissue(
                                                            vertx, new AccountStore(db.db()))));
                    if (run.isEmpty()) {
                        throw new Cli.Failure(
                                "a Haven gateway is running on this database: stop every gateway (Kubernetes:"
                                        + " kubectl scale deploy/haven --replicas=0), run 'haven setup-code', then start them again");
                    }
                    SetupCodeReissue.Reissued reissued =
                            run.get()
                                    .orElseThrow(
                                            () ->
                                                    new Cli.Failure(
                                                            "setup is done: an administrator"
                                                                    + " exists, so there is no setup code to reissue (another administrator resets a lost passphrase)"));
                    boolean pinSetting = config.settings().get("team_key_pin").isPresent();
                    Path pinFile = TeamKeyPin.file(config.dataDir());
                    if (!pinSetting) {
                        reissued.pin().write(pinFile);
                    }
                    Files.deleteIfExists(
                            config.dataDir()
                                    .resolve("setup-code.txt")); // the old code: it opens nothing
                    // any more
                    out.println(reissued.code());
                    out.println(
                            "# the new one-time setup code, shown once (the old one no longer works): enter it at /inbox/setup");
                    out.println(
                            "# the new team key pin: "
                                    + reissued.pin()
                                    + (pinSetting
                                            ? " (set HAVEN_TEAM_KEY_PIN to it on every gateway)"
                                            : " (written to "
                                                    + pinFile
                                                    + "; on other gateways set HAVEN_TEAM_KEY_PIN to it, or delete their"
                                                    + " secrets/team-key-pin)"));
                    if (reissued.casesSealedToOldKey() > 0) {
                        out.println(
                                "# "
                                        + reissued.casesSealedToOldKey()
                                        + " cases written before setup were sealed to the lost code's"
                                        + " team key: they stay unreadable");
                    }
                    out.flush();
                    return 0;
                });
    }
}
