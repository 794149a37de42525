package org.haven.gateway.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.haven.bot.script.ScriptCheck;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code haven intake check FILE}: checks an intake script before an administrator uploads it. */
@Command(
        name = "intake",
        mixinStandardHelpOptions = true,
        description = "Work with intake scripts (upload them from the inbox's Team page).",
        subcommands = {IntakeCommand.Check.class})
public final class IntakeCommand extends CommandGroup {

    /** {@code haven intake check FILE [--segments N]}. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = {
                "Check an intake script and the referral directory it names: unknown ids, unreachable questions,",
                "missing translations, conditions on answers not yet asked, and the SMS segments of every text in every",
                "language (GSM-7 or UCS-2; a text over the budget is an error: the sender splits at the same budget).",
                "Prints file:line findings; exit 0 without errors (warnings allowed), 1 with errors."
            })
    static final class Check implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "the intake script (YAML)")
        Path file;

        @Option(
                names = "--segments",
                paramLabel = "N",
                description = "SMS segments any text may take (default ${DEFAULT-VALUE})")
        int segments = ScriptCheck.DEFAULT_SEGMENT_BUDGET;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "no such file: " + file);
            }
            if (segments < 1 || segments > 10) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--segments must be from 1 to 10");
            }
            PrintWriter out = spec.commandLine().getOut();
            List<ScriptCheck.Finding> findings = ScriptCheck.check(file, segments);
            findings.forEach(f -> out.println(f));
            long errors =
                    findings.stream()
                            .filter(f -> f.severity() == ScriptCheck.Severity.ERROR)
                            .count();
            out.println(
                    errors == 0
                            ? "intake script ok (" + findings.size() + " warning(s))"
                            : errors + " error(s)");
            out.flush();
            return errors == 0 ? 0 : 1;
        }
    }
}
