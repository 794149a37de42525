package org.haven.gateway;

import ch.qos.logback.classic.LoggerContext;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.haven.crypto.Argon2Params;
import org.haven.gateway.cli.AccountCommand;
import org.haven.gateway.cli.AgencyCommand;
import org.haven.gateway.cli.AuditCommand;
import org.haven.gateway.cli.BackupCommand;
import org.haven.gateway.cli.IntakeCommand;
import org.haven.gateway.cli.Reasons;
import org.haven.gateway.cli.RestoreCommand;
import org.haven.gateway.cli.RetentionCommand;
import org.haven.gateway.cli.ServerKeysCommand;
import org.haven.gateway.cli.SetupCodeCommand;
import org.haven.gateway.cli.TeamKeyCommand;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.keys.ServerKeysCheck;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code haven} command: {@code serve} (the default) runs the gateway; {@code audit}, {@code
 * retention}, {@code intake} and {@code account} are the administrator's tools, run with the same
 * configuration.
 */
@Command(
        name = "haven",
        mixinStandardHelpOptions = true,
        version = "Haven 0.1",
        description = "Secure messaging and referral intake for survivors of atrocities.",
        subcommands = {
            Main.Serve.class,
            AuditCommand.class,
            RetentionCommand.class,
            IntakeCommand.class,
            AccountCommand.class,
            AgencyCommand.class,
            TeamKeyCommand.class,
            ServerKeysCommand.class,
            SetupCodeCommand.class,
            BackupCommand.class,
            RestoreCommand.class
        })
public final class Main implements Callable<Integer> {

    @Option(names = "--config", description = "YAML file of settings (overrides HAVEN_CONFIG)")
    Path config;

    private final Map<String, String> env;
    private final InputStream input;
    private final Clock clock;

    public Main() {
        this(System.getenv());
    }

    /**
     * A command reading its settings from {@code env} instead of the process environment (tests).
     */
    public Main(Map<String, String> env) {
        this(env, null);
    }

    /**
     * The same, answering its questions from the lines of {@code input} instead of the terminal
     * (tests).
     */
    public Main(Map<String, String> env, InputStream input) {
        this(env, input, Clock.systemUTC());
    }

    /** The same, reading the time (second-factor codes) from {@code clock} (tests). */
    public Main(Map<String, String> env, InputStream input, Clock clock) {
        this.env = Map.copyOf(env);
        this.input = input;
        this.clock = clock;
    }

    public static void main(String[] args) {
        if (Boolean.getBoolean(Argon2Params.TEST_MINIMUM)) {
            // a passphrase cost for the test suite only: never the shipped command's
            System.err.println(
                    "haven: the system property "
                            + Argon2Params.TEST_MINIMUM
                            + " lowers the passphrase cost for tests; refusing to run with it");
            System.exit(2);
        }
        if (!serving(args)) {
            // before anything logs (logback.xml reads it once): a command's stdout is its answer
            // only
            System.setProperty("haven.log.target", "System.err");
        }
        int code = commandLine(System.getenv()).execute(args);
        flushLogs();
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Whether {@code args} run the gateway ({@code serve}, the default) rather than an
     * administrator's command.
     */
    static boolean serving(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                i++;
            } else if (!args[i].startsWith("--config=")) {
                return args[i].equals("serve");
            }
        }
        return true;
    }

    /**
     * Writes out what the asynchronous log appender still holds (logback.xml) and stops logging.
     */
    private static void flushLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logs) {
            logs.stop();
        }
    }

    /**
     * The {@code haven} command line: bad input is one line on stderr (and exit 2), never a stack
     * trace.
     */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(env, null);
    }

    /**
     * The same, with questions (passphrases) answered by the lines of {@code input} if not null
     * (tests).
     */
    public static CommandLine commandLine(Map<String, String> env, InputStream input) {
        return commandLine(env, input, Clock.systemUTC());
    }

    /**
     * The same, on {@code clock} (tests move it forward instead of waiting for a second-factor
     * step).
     */
    public static CommandLine commandLine(Map<String, String> env, InputStream input, Clock clock) {
        CommandLine cli = new CommandLine(new Main(env, input, clock));
        cli.setParameterExceptionHandler(
                (ex, args) -> {
                    ex.getCommandLine()
                            .getErr()
                            .println(
                                    "haven: "
                                            + ex.getMessage()
                                            + " (see: "
                                            + ex.getCommandLine().getCommandSpec().qualifiedName()
                                            + " --help)");
                    ex.getCommandLine().getErr().flush();
                    return 2;
                });
        cli.setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                    cmd.getErr().println("haven: failed: " + Reasons.of(ex, Optional.empty()));
                    cmd.getErr().flush();
                    return 1;
                });
        return cli;
    }

    /**
     * Where questions are answered when not at the terminal or the process's standard input
     * (tests).
     */
    public Optional<InputStream> input() {
        return Optional.ofNullable(input);
    }

    /** The clock that second-factor codes are checked against. */
    public Clock clock() {
        return clock;
    }

    /** The configuration the server would run with (file, then {@code HAVEN_*} variables). */
    public HavenConfig loadConfig() {
        return ConfigLoader.load(env, config);
    }

    @Override
    public Integer call() throws Exception {
        return new Serve(this).call();
    }

    /** Runs the gateway until the process is stopped. */
    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Run Haven (the default command).")
    static final class Serve implements Callable<Integer> {
        @CommandLine.ParentCommand Main parent;
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        Serve() {}

        Serve(Main parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() throws Exception {
            HavenConfig config;
            try {
                config = parent == null ? ConfigLoader.load() : parent.loadConfig();
            } catch (ConfigException e) {
                System.err.println("haven: invalid configuration: " + e.getMessage());
                return 2;
            }
            Haven haven;
            try {
                haven = Haven.start(config, parent == null ? Clock.systemUTC() : parent.clock());
            } catch (ConfigException e) {
                // a channel's own settings (HAVEN_TWILIO_*) are validated when the channel is built
                System.err.println("haven: invalid configuration: " + e.getMessage());
                return 2;
            } catch (ServerKeysCheck.Mismatch e) {
                PrintWriter err =
                        spec == null ? new PrintWriter(System.err) : spec.commandLine().getErr();
                err.println("haven: " + e.getMessage());
                err.flush();
                return 1;
            } catch (Exception e) {
                System.err.println(
                        "haven: could not start: "
                                + Reasons.known(e, config.database())
                                        .orElse(
                                                e.getClass().getSimpleName()
                                                        + (e.getMessage() == null
                                                                ? ""
                                                                : ": " + e.getMessage())));
                return 1;
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(
                            new Thread(
                                    () -> {
                                        try {
                                            haven.close();
                                        } catch (Exception ignored) {
                                            // shutting down
                                        } finally {
                                            flushLogs();
                                            stopped.countDown();
                                        }
                                    },
                                    "haven-shutdown"));
            stopped.await();
            return 0;
        }
    }
}
