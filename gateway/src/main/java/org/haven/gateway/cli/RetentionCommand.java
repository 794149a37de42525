package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.store.SettingsStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven retention show|set|purge}: how long closed cases are kept, and deleting those past
 * it.
 */
@Command(
        name = "retention",
        mixinStandardHelpOptions = true,
        description = "Show or set how long closed cases are kept, and purge those kept longer.",
        subcommands = {
            RetentionCommand.Show.class,
            RetentionCommand.Set.class,
            RetentionCommand.Purge.class
        })
public final class RetentionCommand extends CommandGroup {

    /** {@code haven retention show}. */
    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print the retention period in force and where it comes from.")
    static final class Show implements Callable<Integer> {
        @ParentCommand RetentionCommand retention;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    retention.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        Retention.Policy p =
                                Cli.await(Retention.policy(db.db(), config.retentionDays()));
                        out.println("retention: " + p.days() + " days (" + p.source() + ")");
                        out.println(
                                "closed cases whose closing is older than that are deleted daily and at start-up");
                        out.flush();
                        return 0;
                    });
        }
    }

    /** {@code haven retention set DAYS}. */
    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description =
                    "Store a retention period (overrides HAVEN_RETENTION_DAYS); the next purge uses it.")
    static final class Set implements Callable<Integer> {
        @ParentCommand RetentionCommand retention;
        @Spec CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "DAYS",
                description = "days to keep closed cases, 1 to 36500")
        String days;

        @Override
        public Integer call() {
            int n;
            try {
                n = Integer.parseInt(days.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 36_500) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "DAYS must be a whole number from 1 to 36500, got '" + days + "'");
            }
            int value = n;
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    retention.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        Cli.await(
                                new SettingsStore(db.db())
                                        .setRetentionDays(
                                                "cli",
                                                value,
                                                Cli.serverSecrets(config).auditKey()));
                        out.println("retention set to " + value + " days");
                        out.flush();
                        return 0;
                    });
        }
    }

    /** {@code haven retention purge [--dry-run]}. */
    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description =
                    "Delete closed cases kept longer than the retention period, with their sealed entries and conversations.")
    static final class Purge implements Callable<Integer> {
        @ParentCommand RetentionCommand retention;
        @Spec CommandSpec spec;

        @Option(names = "--dry-run", description = "only count what would be deleted")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    retention.main,
                    spec.commandLine().getErr(),
                    (db, config) -> {
                        Retention.Purge p =
                                Cli.await(
                                        new Retention(
                                                        db.db(),
                                                        config.retentionDays(),
                                                        Cli.serverSecrets(config).auditKey())
                                                .purge(dryRun, "cli"));
                        out.println(
                                (p.dryRun() ? "would delete " : "deleted ")
                                        + p.cases()
                                        + " closed case(s) and "
                                        + p.conversations()
                                        + " conversation(s) closed before "
                                        + p.cutoff().toLocalDate()
                                        + " (retention "
                                        + p.policy().days()
                                        + " days)");
                        out.flush();
                        return 0;
                    });
        }
    }
}
