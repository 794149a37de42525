package org.haven.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged gateway run as a child process on loopback, with a throw-away data dir (its embedded
 * PostgreSQL included).
 */
final class HavenProcess implements AutoCloseable {
    private static final Pattern DB_PORT =
            Pattern.compile("event=database_ready kind=embedded port=(\\d+)");

    final int port;
    final Path dataDir;
    final Path log;
    private final Process process;

    private HavenProcess(int port, Path dataDir, Path log, Process process) {
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
    }

    static HavenProcess start(
            Path jar, String heap, List<String> jvmOptions, Map<String, String> env)
            throws Exception {
        Path dataDir = Files.createTempDirectory("haven-load-");
        for (int attempt = 1; ; attempt++) {
            try {
                return start(jar, heap, jvmOptions, env, dataDir, freePort());
            } catch (IllegalStateException e) {
                // the port was free when picked, but the gateway's embedded PostgreSQL, started
                // first, may have taken it
                Path log = dataDir.resolve("haven.log");
                if (attempt == 3
                        || !Files.exists(log)
                        || !Files.readString(log).contains("BindException")) {
                    throw e;
                }
            }
        }
    }

    /**
     * Starts (or starts again, after a crash) on a given data dir and port; the log is appended to.
     */
    static HavenProcess start(
            Path jar,
            String heap,
            List<String> jvmOptions,
            Map<String, String> env,
            Path dataDir,
            int port)
            throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(
                    "no gateway jar at " + jar + " (mvn -q -DskipTests package)");
        }
        Path log = dataDir.resolve("haven.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xms" + heap));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HAVEN_HTTP_PORT", Integer.toString(port));
        pb.environment().put("HAVEN_HTTP_HOST", "127.0.0.1");
        pb.environment().put("HAVEN_DATA_DIR", dataDir.toString());
        pb.environment().put("HAVEN_PUBLIC_URL", "http://127.0.0.1:" + port);
        // the driver is one client (loopback) holding thousands of sockets: the web chat's
        // per-client
        // limits are lifted, except for the runs that set them (AbuseRun)
        pb.environment().put("HAVEN_WEBCHAT_MAX_SOCKETS_PER_CLIENT", "1000000");
        pb.environment().put("HAVEN_WEBCHAT_CONVERSATIONS_PER_MINUTE_PER_CLIENT", "1000000");
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        HavenProcess h = new HavenProcess(port, dataDir, log, pb.start());
        try {
            h.awaitHealth();
        } catch (Exception e) {
            h.close();
            throw e;
        }
        return h;
    }

    /** Sends a signal (STOP, CONT, …) to the gateway's JVM (not to its PostgreSQL). */
    void signal(String name) throws IOException, InterruptedException {
        Process kill =
                new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " failed");
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The embedded PostgreSQL's port, read from the gateway's last start-up line. */
    Optional<Integer> databasePort() throws IOException {
        Matcher m = DB_PORT.matcher(Files.readString(log));
        Optional<Integer> port = Optional.empty();
        while (m.find()) {
            port = Optional.of(Integer.parseInt(m.group(1)));
        }
        return port;
    }

    /**
     * The embedded PostgreSQL's superuser password, from the data dir where the gateway made it
     * (Database.embeddedPasswordFile).
     */
    String databasePassword() throws IOException {
        return Files.readString(dataDir.resolve("secrets").resolve("postgres-password")).strip();
    }

    /**
     * Kills the gateway's JVM with SIGKILL, as the kernel's OOM killer or a power cut would end it.
     */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private void awaitHealth() throws Exception {
        await("/health");
    }

    /**
     * Waits for {@code /health/ready}: the gateway has also warmed its hot path (and replayed any
     * spool found at start). A measurement from the first second a proxy would send traffic starts
     * here.
     */
    void awaitReady() throws Exception {
        await("/health/ready");
    }

    private void await(String path) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the gateway exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + path))
                                        .timeout(Duration.ofSeconds(2))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no " + path + " 200 within 90 s; see " + log);
    }

    /**
     * Heap in use and committed (from jcmd GC.heap_info) and peak resident memory, in MiB; "?"
     * where unknown.
     */
    String memory() {
        String heap = "?";
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p =
                    new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.heap_info")
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(out);
            if (m.find()) {
                heap =
                        "heap_used="
                                + Long.parseLong(m.group(2)) / 1024
                                + "MiB heap_committed="
                                + Long.parseLong(m.group(1)) / 1024
                                + "MiB";
            }
        } catch (IOException | InterruptedException e) {
            // reported as unknown
        }
        String rss = "?";
        try {
            Matcher m =
                    Pattern.compile("VmHWM:\\s+(\\d+) kB")
                            .matcher(
                                    Files.readString(
                                            Path.of("/proc", Long.toString(pid()), "status")));
            if (m.find()) {
                rss = Long.parseLong(m.group(1)) / 1024 + "MiB";
            }
        } catch (IOException e) {
            // not Linux
        }
        return heap + " peak_rss=" + rss;
    }

    /**
     * CPU time used so far, in milliseconds: [0] the gateway's JVM, [1] its PostgreSQL (the
     * postmaster, its live backends and the ones it has reaped), from /proc; -1 where unknown.
     */
    long[] cpuMillis() {
        long jvm = ticks(pid(), false);
        long db = -1;
        try {
            Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
            long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            db = ticks(postmaster, true);
            for (ProcessHandle child :
                    ProcessHandle.of(postmaster)
                            .map(h -> h.children().toList())
                            .orElse(List.of())) {
                db += Math.max(0, ticks(child.pid(), true));
            }
        } catch (IOException | RuntimeException e) {
            // not embedded, or not Linux
        }
        return new long[] {jvm < 0 ? -1 : jvm * 10, db < 0 ? -1 : db * 10};
    }

    /**
     * utime + stime (+ the reaped children's) of a process, in clock ticks (USER_HZ = 100 on
     * Linux); -1 if unknown.
     */
    static long ticks(long pid, boolean withChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(0) … utime(11) stime(12) cutime(13) cstime(14)
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return withChildren ? t + Long.parseLong(f[13]) + Long.parseLong(f[14]) : t;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Stops the gateway the way a service manager would (SIGTERM), or kills it after 30 s. */
    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Removes the data dir (unless the caller wants to keep it to look at). */
    /** Stops the gateway, then deletes its data dir, or keeps it and says where. */
    void closeAndClean(boolean keepData) throws Exception {
        close();
        if (keepData) {
            System.out.println("data kept in " + dataDir);
        } else {
            deleteData();
        }
    }

    /** Prints each failed guarantee, or that all passed; the run's exit code. */
    static int verdict(List<String> problems) {
        problems.forEach(p -> System.out.println("FAILED   " + p));
        if (problems.isEmpty()) {
            System.out.println("checks   passed");
        }
        return problems.isEmpty() ? 0 : 1;
    }

    void deleteData() throws IOException {
        delete(dataDir);
    }

    /** Removes a directory and everything under it. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
