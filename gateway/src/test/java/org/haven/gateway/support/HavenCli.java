package org.haven.gateway.support;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.haven.gateway.Main;
import picocli.CommandLine;

/**
 * Runs a {@code haven} command in-process, as {@code java -jar haven.jar} would, with its output
 * captured, on the clock of the Havens tests run in-process ({@link TestClock#SHARED}).
 */
public final class HavenCli {
    /** A finished command. */
    public record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private HavenCli() {}

    public static Run run(Map<String, String> env, String... args) {
        return withInput(env, null, args);
    }

    /**
     * The same, answering the command's questions (passphrases, codes) with the lines of {@code
     * input}.
     */
    public static Run withInput(Map<String, String> env, String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli =
                Main.commandLine(
                        TestHaven.asItsServer(env),
                        input == null
                                ? null
                                : new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                        TestClock.SHARED);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
