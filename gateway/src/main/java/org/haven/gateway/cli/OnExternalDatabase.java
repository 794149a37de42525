package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.haven.gateway.Main;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.config.HavenConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command on the external HAVEN_DB_URL database ({@code backup}, {@code restore}): prints what
 * {@link #run} returns, or one line {@code haven: <command>: <reason>} on stderr and exits 1 (2 for
 * a configuration it cannot use).
 */
abstract class OnExternalDatabase implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    /** The command's name, the start of its error lines. */
    abstract String name();

    /** Does the work; its result is the command's output. */
    abstract String run(DatabaseUrl db) throws Exception;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Optional<HavenConfig> loaded = Cli.config(main, err);
        if (loaded.isEmpty()) {
            return 2;
        }
        HavenConfig config = loaded.get();
        if (config.database().isEmpty()) {
            err.println(
                    "haven: "
                            + name()
                            + ": set HAVEN_DB_URL; for the embedded database stop Haven and archive the data dir instead");
            return 2;
        }
        Optional<DatabaseUrl> db = config.database();
        try {
            spec.commandLine().getOut().println(run(db.get()));
            return 0;
        } catch (Cli.Failure e) {
            err.println("haven: " + e.getMessage());
        } catch (Exception e) {
            err.println("haven: " + name() + ": " + Reasons.of(e, db));
        }
        return 1;
    }
}
