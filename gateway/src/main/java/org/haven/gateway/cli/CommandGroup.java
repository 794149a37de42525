package org.haven.gateway.cli;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.haven.gateway.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A command that only groups others ({@code haven audit verify|list}): given none of them, it
 * answers with a usage error that names them ("audit needs a command: verify or list").
 */
abstract class CommandGroup implements Runnable {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    /**
     * Where the subcommands ask for names and secrets: the input given to {@link Main}, else the
     * terminal.
     */
    Prompt prompt() {
        return main.input().map(Prompt::lines).orElseGet(Prompt::system);
    }

    /** The clock second-factor codes are checked against: {@link Main}'s. */
    Clock clock() {
        return main.clock();
    }

    @Override
    public void run() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        String last = names.remove(names.size() - 1);
        String choices = names.isEmpty() ? last : String.join(", ", names) + " or " + last;
        throw new CommandLine.ParameterException(
                spec.commandLine(), spec.name() + " needs a command: " + choices);
    }
}
