package org.haven.gateway.support;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as a separate process, as an operator runs it (for failsafe *IT tests). */
public final class JarProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String name;

    private JarProcess(Process process, int port, String name) {
        this.process = process;
        this.port = port;
        this.name = name;
    }

    /**
     * Starts {@code target/haven.jar} on a free loopback port with its data under {@code dataDir}
     * and the given extra {@code HAVEN_*} settings; output goes to {@code target/<name>.log}.
     * Returns once /health answers 200.
     */
    public static JarProcess start(String name, Path dataDir, Map<String, String> env) throws Exception {
        return start(name, dataDir, env, null);
    }

    /**
     * The same, with the process's umask set first ({@code "0000"}: everything it creates without
     * asking for a mode is writable by everyone), as an operator's shell may have it.
     */
    public static JarProcess start(String name, Path dataDir, Map<String, String> env, String umask) throws Exception {
        Path jar = Path.of("target", "haven.jar").toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new AssertionError("run mvn package first: " + jar);
        }
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        if (umask != null) {
            // exec: the JVM replaces the shell, so the process (its pid, its signals) is the JVM's
            command.addAll(List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"", umask));
        }
        command.addAll(List.of(java, "-Xmx256m", "-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HAVEN_HTTP_PORT", Integer.toString(port));
        pb.environment().put("HAVEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("HAVEN_DATA_DIR", dataDir.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", name + ".log")));
        JarProcess p = new JarProcess(pb.start(), port, name);
        try {
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

    private void awaitHealth() throws Exception {
        long start = System.nanoTime();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90)) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + "; see target/" + name + ".log");
            }
            try {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(name + ": no /health 200 within 90 s");
    }

    /** Kills the process at once, as a crash or an OOM kill would (no shutdown hook runs). */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Kills the process and every process it started itself (SIGKILL, children first), as when
     * a whole process group is killed: what pg_ctl started as a daemon (the postmaster) survives.
     */
    public void killWithChildren() throws InterruptedException {
        for (ProcessHandle child : process.toHandle().descendants().toList()) {
            child.destroyForcibly();
            child.onExit().join();
        }
        kill();
    }

    /** Stops the process as a service manager does (SIGTERM) and returns its exit code; fails after 60 s. */
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
        return Path.of("target", name + ".log");
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

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
