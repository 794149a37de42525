package org.haven.gateway.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Asks the person at the terminal for names and secrets. On a terminal, secrets are read without
 * echo; without one (a script, a test) every answer is the next line of standard input and no
 * prompt is printed. Secrets never come from the command line, where {@code ps} and the shell
 * history would show them.
 */
final class Prompt {
    private final Console console;
    private final BufferedReader lines;

    private Prompt(Console console, InputStream in) {
        this.console = console;
        this.lines =
                console == null
                        ? new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                        : null;
    }

    /** The terminal if there is one, else the process's standard input. */
    static Prompt system() {
        Console c = System.console();
        return c != null && isTerminal(c) ? new Prompt(c, null) : new Prompt(null, System.in);
    }

    /** Answers read as lines from {@code in} (tests). */
    static Prompt lines(InputStream in) {
        return new Prompt(null, in);
    }

    /** A visible answer, stripped. */
    String line(String question) throws Cli.Failure {
        if (console != null) {
            String s = console.readLine("%s: ", question);
            if (s == null) {
                throw noAnswer(question);
            }
            return s.strip();
        }
        return next(question).strip();
    }

    /** A secret, not echoed; the caller wipes it. */
    char[] secret(String question) throws Cli.Failure {
        if (console != null) {
            char[] s = console.readPassword("%s: ", question);
            if (s == null) {
                throw noAnswer(question);
            }
            return s;
        }
        return next(question).toCharArray();
    }

    /** Wipes a secret read by {@link #secret}. */
    static void wipe(char[] secret) {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }

    private String next(String question) throws Cli.Failure {
        try {
            String s = lines.readLine();
            if (s == null) {
                throw noAnswer(question);
            }
            return s;
        } catch (IOException e) {
            throw noAnswer(question);
        }
    }

    private static Cli.Failure noAnswer(String question) {
        return new Cli.Failure(
                "no answer for '"
                        + question
                        + "': type it at the terminal or give it as a line on standard input");
    }

    /**
     * Since Java 22 {@link System#console()} also answers when the streams are redirected; only a
     * real terminal hides what is typed, so anything else is read as lines.
     */
    private static boolean isTerminal(Console c) {
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22 a console is always a terminal
        }
    }
}
