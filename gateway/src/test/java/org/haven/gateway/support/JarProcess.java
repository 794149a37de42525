package org.haven.gateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar run as a separate process, as an operator runs it (for failsafe *IT tests). It
 * binds a port of its own choosing (port 0), which it names in its {@code event=started} line: a
 * port picked free by the test and bound later could be taken meanwhile by another process.
 */
public final class JarProcess implements AutoCloseable {
    private static final Pattern STARTED = Pattern.compile("event=started port=(\\d+)");

    private final Process process;
    private final String name;
    private final Path log;

    /** Where this process's output begins in {@link #log} (it is appended to). */
    private final long from;

    private int port;

    private JarProcess(Process process, String name, Path log, long from) {
        this.process = process;
        this.name = name;
        this.log = log;
        this.from = from;
    }

    /**
     * Settings for a jar whose test is not about its start: no warm-up and a few resume phrases
     * prepared ahead, instead of the shipped 400 synthetic intakes and 256 phrases, which would run
     * beside the test (seconds of a processor per start). {@code JarStartIT} starts the jar as
     * shipped.
     */
    public static final Map<String, String> QUICK_START =
            Map.of("HAVEN_WARMUP_CONVERSATIONS", "0", "HAVEN_RESUME_PHRASES_PREPARED", "4");

    /** {@code env} with {@link #QUICK_START} under it. */
    public static Map<String, String> quick(Map<String, String> env) {
        Map<String, String> with = new HashMap<>(QUICK_START);
        with.putAll(env);
        return with;
    }

    /**
     * Starts {@code target/haven.jar} ({@code -Xmx256m}) on a loopback port with its data under
     * {@code dataDir} and the given extra {@code HAVEN_*} settings; output goes to {@code
     * target/<name>.log}. Returns once it logged that it started and /health answers 200.
     */
    public static JarProcess start(String name, Path dataDir, Map<String, String> env)
            throws Exception {
        return start(name, dataDir, env, List.of("-Xmx256m"), null);
    }

    /** The same, with these JVM options ({@code List.of()}: as the README runs it). */
    public static JarProcess start(
            String name, Path dataDir, Map<String, String> env, List<String> jvmOptions)
            throws Exception {
        return start(name, dataDir, env, jvmOptions, null);
    }

    /**
     * The same, with the process's umask set first ({@code "0000"}: everything it creates without
     * asking for a mode is writable by everyone), as an operator's shell may have it.
     */
    public static JarProcess start(String name, Path dataDir, Map<String, String> env, String umask)
            throws Exception {
        return start(name, dataDir, env, List.of("-Xmx256m"), umask);
    }

    private static JarProcess start(
            String name,
            Path dataDir,
            Map<String, String> env,
            List<String> jvmOptions,
            String umask)
            throws Exception {
        Path jar = Path.of("target", "haven.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new AssertionError("run mvn package first: " + jar);
        }
        List<String> command = new ArrayList<>();
        if (umask != null) {
            // exec: the JVM replaces the shell, so the process (its pid, its signals) is the JVM's
            command.addAll(List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"", umask));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HAVEN_HTTP_PORT", "0");
        pb.environment().put("HAVEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("HAVEN_DATA_DIR", dataDir.toString());
        pb.environment().remove("HAVEN_DB_URL");
        pb.environment().putAll(TestHaven.NO_CLIENT_LIMITS);
        pb.environment().putAll(env);
        Path log = Path.of("target", name + ".log");
        long from = Files.exists(log) ? Files.size(log) : 0;
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        JarProcess p = new JarProcess(pb.start(), name, log, from);
        try {
            Matcher started = p.awaitLog(STARTED, Duration.ofSeconds(90));
            p.port = Integer.parseInt(started.group(1));
            p.awaitHealth();
        } catch (Exception | Error e) {
            p.kill();
            throw e;
        }
        return p;
    }

    /** The HTTP port. */
    public int port() {
        return port;
    }

    /**
     * Waits until this process has written a line containing {@code fragment} (a readiness signal:
     * "event=retention_purged", say); fails naming it if the process exits first or {@code within}
     * passes.
     */
    public void awaitLog(String fragment, Duration within) throws Exception {
        awaitLog(Pattern.compile(Pattern.quote(fragment)), within);
    }

    private Matcher awaitLog(Pattern line, Duration within) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (true) {
            boolean exited = !process.isAlive();
            Matcher m = line.matcher(output());
            if (m.find()) {
                return m;
            }
            if (exited) {
                throw new AssertionError(
                        name
                                + " exited with "
                                + process.exitValue()
                                + " before logging '"
                                + line.pattern()
                                + "'; see "
                                + log);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError(
                        name
                                + " did not log '"
                                + line.pattern()
                                + "' within "
                                + within.toSeconds()
                                + " s; see "
                                + log);
            }
            Thread.sleep(50);
        }
    }

    /** What this process has written so far. */
    private String output() throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(log)) {
            in.position(from);
            return new String(Channels.newInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * After the started line: /health answers 200 (the database is reachable), or the start failed.
     */
    private void awaitHealth() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int status = -1;
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                status =
                        http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + port
                                                                        + "/health"))
                                                .timeout(Duration.ofSeconds(5))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException e) {
                status = -1; // it said it listens: try again until the deadline
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                name + " started but /health answered " + status + " for 30 s; see " + log);
    }

    /** Kills the process at once, as a crash or an OOM kill would (no shutdown hook runs). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Kills the process and every process it started itself (SIGKILL, children first), as when a
     * whole process group is killed: what pg_ctl started as a daemon (the postmaster) survives.
     */
    public void killWithChildren() throws InterruptedException {
        for (ProcessHandle child : process.toHandle().descendants().toList()) {
            child.destroyForcibly();
            child.onExit().join();
        }
        kill();
    }

    /**
     * Stops the process as a service manager does (SIGTERM) and returns its exit code; fails after
     * 60 s.
     */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
            throw new AssertionError(name + " did not exit within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** The JVM's process id. */
    public long pid() {
        return process.pid();
    }

    /** Where the output goes ({@code target/<name>.log}, appended to). */
    public Path log() {
        return log;
    }

    /** Whether the process still runs. */
    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
