package org.haven.gateway.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL server process (the postmaster) as Haven sees it from outside.
 *
 * <p>pg_ctl starts the postmaster as a daemon: in its own session, its parent init. Nothing ties
 * its life to the gateway's JVM, so a gateway killed with SIGKILL (or by the OOM killer) leaves it
 * running on the data dir, and the next start on that dir would fail on its {@code postmaster.pid}.
 * Three things handle that:
 *
 * <ul>
 *   <li>a {@linkplain #lock lock} on the data dir, held for as long as this process uses the
 *       database: a postmaster found while we hold it belongs to no live gateway;
 *   <li>{@link #stopLeftover}, run under that lock before the start: a postmaster of <em>this</em>
 *       data dir (checked on its command line and working directory, never taken from the pid file
 *       alone) is shut down cleanly; a pid file naming a process that is not such a postmaster (its
 *       pid reused after a power cut) is removed;
 *   <li>a {@linkplain #watchdog watchdog}: a tiny shell, child of the JVM, blocked reading a pipe
 *       from it. When the JVM dies the pipe closes and the shell asks the postmaster for a fast
 *       shutdown, so the database does not outlive the gateway by more than that.
 * </ul>
 */
final class EmbeddedPostmaster {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostmaster.class);
    static final String PID_FILE = "postmaster.pid";

    /**
     * Fast shutdown (SIGINT), then immediate shutdown (SIGQUIT), then SIGKILL: how long each may
     * take.
     */
    private static final Duration FAST = Duration.ofSeconds(30);

    private static final Duration IMMEDIATE = Duration.ofSeconds(10);
    private static final Duration KILLED = Duration.ofSeconds(10);

    /**
     * Data dirs locked by this JVM: a second channel on the same file would drop the first one's
     * POSIX lock when closed.
     */
    private static final Set<Path> LOCKED_HERE = ConcurrentHashMap.newKeySet();

    // Blocks on the JVM's pipe; at end of file ($1 = pid, $2 = data dir) signals the postmaster if
    // it is still the one of that dir. Builtins only: read, test, kill.
    private static final String WATCHDOG =
            "IFS= read -r _line\n"
                    + "IFS= read -r owner < \"$2/"
                    + PID_FILE
                    + "\" || exit 0\n"
                    + "[ \"$owner\" = \"$1\" ] && kill -s INT \"$1\"\n";

    private EmbeddedPostmaster() {}

    /** What a pid names, as far as the data dir is concerned. */
    enum Identity {
        /** No such process (or only its zombie). */
        GONE,
        /** A postmaster (a {@code postgres} executable) whose data dir is this one. */
        OURS,
        /** Some other process: another program, or a postgres on another data dir. */
        OTHER,
        /** Alive, but its command line or directory cannot be read. */
        UNKNOWN
    }

    /**
     * The lock that says this process uses the data dir's database; released by {@link
     * DataDirLock#close}.
     */
    static final class DataDirLock implements AutoCloseable {
        private final Path key;
        private final FileChannel channel;

        private DataDirLock(Path key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }

        @Override
        public void close() {
            try {
                channel.close(); // releases the lock
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            } finally {
                LOCKED_HERE.remove(key);
            }
        }
    }

    /**
     * Locks {@code lockFile} for this process, or throws {@link IllegalStateException} ("could not
     * lock …") when another process, or another database in this JVM, holds it.
     */
    static DataDirLock lock(Path lockFile) throws IOException {
        Files.createDirectories(lockFile.getParent());
        Path key = lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
        if (!LOCKED_HERE.add(key)) {
            throw new IllegalStateException(
                    "could not lock " + lockFile + ": in use in this process");
        }
        FileChannel channel = null;
        try {
            channel =
                    FileChannel.open(
                            key,
                            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                            OwnerOnly.fileAttributes());
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IllegalStateException(
                        "could not lock " + lockFile + ": in use by another process");
            }
            return new DataDirLock(key, channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            LOCKED_HERE.remove(key);
            throw e;
        }
    }

    /**
     * Whether some other process holds the lock file (an older gateway held only this one); false
     * if it is free. Call only while this JVM holds no lock on that file.
     */
    static boolean heldElsewhere(Path lockFile) throws IOException {
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        }
    }

    /** The pid in the data dir's {@code postmaster.pid}, if there is one and it reads as a pid. */
    static Optional<Long> pidInFile(Path pgDir) {
        try {
            List<String> lines =
                    Files.readAllLines(pgDir.resolve(PID_FILE), StandardCharsets.UTF_8);
            long pid = lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).strip());
            return pid > 1 ? Optional.of(pid) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Before the embedded server starts, with the data dir locked: shuts down a postmaster left
     * running on {@code pgDir} by a gateway that died, or removes a pid file whose pid now names an
     * unrelated process. Anything else is left to PostgreSQL, which recovers from a stale pid file
     * of a dead process by itself.
     *
     * @throws IOException if a postmaster of this dir is still running after every signal
     */
    static void stopLeftover(Path pgDir) throws IOException {
        Path pidFile = pgDir.resolve(PID_FILE);
        Optional<Long> found = pidInFile(pgDir);
        if (found.isEmpty()) {
            return;
        }
        long pid = found.get();
        Identity who = identify(pid, pgDir);
        switch (who) {
            case GONE ->
                    LOG.info("event=embedded_database_unclean_stop pid={} action=recover", pid);
            case UNKNOWN ->
                    LOG.warn("event=embedded_database_pid_file_unverified pid={} action=none", pid);
            case OTHER -> {
                // Its pid was reused (by our own JVM, say, after a container restart): PostgreSQL
                // would refuse to start while that process lives.
                LOG.info("event=embedded_database_pid_file_stale pid={} action=removed", pid);
                Files.deleteIfExists(pidFile);
            }
            case OURS -> stopOrphan(pid, pgDir);
            default -> throw new IllegalStateException(who.name());
        }
    }

    private static void stopOrphan(long pid, Path pgDir) throws IOException {
        LOG.warn("event=embedded_database_left_running pid={} action=fast_shutdown", pid);
        long t0 = System.nanoTime();
        List<ProcessHandle> backends =
                ProcessHandle.of(pid).map(h -> h.descendants().toList()).orElse(List.of());
        String[] signals = {"INT", "QUIT", "KILL"};
        Duration[] waits = {FAST, IMMEDIATE, KILLED};
        for (int i = 0; i < signals.length; i++) {
            // checked again before every signal: never signal a pid that stopped being the
            // postmaster
            if (identify(pid, pgDir) != Identity.OURS) {
                break;
            }
            signal(pid, signals[i]);
            if (awaitStopped(pid, pgDir, waits[i])) {
                break;
            }
            LOG.warn(
                    "event=embedded_database_stop_slow pid={} signal={} waited_ms={}",
                    pid,
                    signals[i],
                    waits[i].toMillis());
        }
        if (!awaitStopped(pid, pgDir, Duration.ZERO)) {
            throw new IOException(
                    "the embedded PostgreSQL left running on the data dir (pid "
                            + pid
                            + ") does not stop");
        }
        // after SIGQUIT or SIGKILL its backends leave on their own once they see the postmaster
        // gone;
        // PostgreSQL refuses to start while one of them is still attached to the old shared memory
        awaitExit(backends, KILLED);
        LOG.info(
                "event=embedded_database_left_running_stopped pid={} millis={}",
                pid,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    /**
     * Waits until the postmaster {@code pid} of {@code pgDir} is gone: it removed its pid file at
     * the end of a clean shutdown, or it is no longer running (killed, its pid file left behind).
     */
    static boolean awaitStopped(long pid, Path pgDir, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        long fileGoneAt = 0;
        while (true) {
            if (identify(pid, pgDir) == Identity.GONE) {
                return true;
            }
            boolean fileGone = pidInFile(pgDir).map(p -> p != pid).orElse(true);
            long now = System.nanoTime();
            if (fileGone && fileGoneAt == 0) {
                fileGoneAt = now;
            }
            // The pid file goes last in a clean shutdown; the exit follows at once (give it a
            // moment
            // for the port and the shared memory to be released, not more: a parent may not reap
            // it).
            if (fileGone && now - fileGoneAt > TimeUnit.SECONDS.toNanos(2)) {
                return true;
            }
            if (now >= end || Thread.currentThread().isInterrupted()) {
                return fileGone;
            }
            sleep(20);
        }
    }

    private static void awaitExit(List<ProcessHandle> processes, Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        for (ProcessHandle p : processes) {
            while (p.isAlive()
                    && !zombie(p.pid())
                    && System.nanoTime() < end
                    && !Thread.currentThread().isInterrupted()) {
                sleep(50);
            }
        }
    }

    /**
     * Starts the watchdog of the postmaster {@code pid} of {@code pgDir}: it signals a fast
     * shutdown once this JVM is gone. Destroy it (SIGTERM, which it does not trap) before stopping
     * the server normally. Empty if no shell could be started; the start-up check still covers.
     */
    static Optional<Process> watchdog(long pid, Path pgDir) {
        try {
            Process p =
                    new ProcessBuilder(
                                    "/bin/sh",
                                    "-c",
                                    WATCHDOG,
                                    "haven-postgres-watchdog",
                                    Long.toString(pid),
                                    pgDir.toAbsolutePath().toString())
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return Optional.of(p);
        } catch (IOException e) {
            LOG.warn(
                    "event=embedded_database_watchdog_unavailable kind={}",
                    e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    /**
     * Who {@code pid} is: on Linux from {@code /proc} (the executable's name on its command line,
     * then its working directory: a postmaster works in its data dir, or the absolute {@code -D} it
     * was given); elsewhere from what {@link ProcessHandle.Info} tells.
     */
    static Identity identify(long pid, Path pgDir) {
        Path proc = Path.of("/proc", Long.toString(pid));
        if (Files.isDirectory(Path.of("/proc", "self"))) {
            if (!Files.isDirectory(proc) || zombie(pid)) {
                return Identity.GONE;
            }
            List<String> argv;
            try {
                argv = split(Files.readAllBytes(proc.resolve("cmdline")));
            } catch (IOException e) {
                return Files.isDirectory(proc) ? Identity.UNKNOWN : Identity.GONE;
            }
            if (!isPostgres(argv)) {
                return Identity.OTHER; // another program, or a kernel thread (no command line)
            }
            try {
                return Files.isSameFile(proc.resolve("cwd"), pgDir)
                        ? Identity.OURS
                        : Identity.OTHER;
            } catch (IOException e) {
                // not ours to read (another user's process), or it just ended
                return byDataDirArgument(argv, pgDir);
            }
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return Identity.GONE;
        }
        ProcessHandle.Info info = handle.get().info();
        if (info.command().isEmpty()) {
            return Identity.UNKNOWN;
        }
        List<String> argv = new ArrayList<>();
        argv.add(info.command().get());
        info.arguments().ifPresent(a -> argv.addAll(List.of(a)));
        return isPostgres(argv) ? byDataDirArgument(argv, pgDir) : Identity.OTHER;
    }

    private static Identity byDataDirArgument(List<String> argv, Path pgDir) {
        int d = argv.indexOf("-D");
        if (d < 0 || d + 1 >= argv.size() || !Path.of(argv.get(d + 1)).isAbsolute()) {
            return Identity.UNKNOWN;
        }
        try {
            return Files.isSameFile(Path.of(argv.get(d + 1)), pgDir)
                    ? Identity.OURS
                    : Identity.OTHER;
        } catch (IOException e) {
            return Identity.OTHER; // its data dir does not exist, so it is not this one
        }
    }

    private static boolean isPostgres(List<String> argv) {
        if (argv.isEmpty() || argv.get(0).isEmpty()) {
            return false;
        }
        Path exe = Path.of(argv.get(0)).getFileName();
        String name = exe == null ? "" : exe.toString();
        return name.equals("postgres") || name.equals("postmaster");
    }

    private static List<String> split(byte[] cmdline) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                out.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start < cmdline.length) {
            out.add(new String(cmdline, start, cmdline.length - start, StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * A zombie has ended; only its parent has not collected it yet (an orphan's parent does, soon).
     */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Sends a signal by name (INT, QUIT, KILL) through the shell's kill: Java can send only TERM
     * and KILL.
     */
    private static void signal(long pid, String name) throws IOException {
        Process kill =
                new ProcessBuilder(
                                "/bin/sh",
                                "-c",
                                "kill -s \"$1\" \"$2\"",
                                "haven-signal",
                                name,
                                Long.toString(pid))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        try {
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling the embedded PostgreSQL", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
