package org.haven.gateway.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Background CPU work that must give way to messages: the calling thread asks Linux for the lowest
 * scheduling priority (nice 19), through {@code renice} on its own thread id. Java has no call for
 * it, and its own thread priorities are ignored on Linux. Any process may lower its own threads'
 * priority; none may raise it back without privileges, so nothing else of the gateway is touched.
 *
 * <p>With it, the thread still takes every idle moment of the processors, but when messages want a
 * processor the kernel gives the thread about 1.5% of it (nice 19 weighs 15 against 1024 at nice
 * 0).
 */
public final class LowPriority {
    /** The lowest priority: Linux's largest nice value. */
    public static final int NICE = 19;

    private LowPriority() {}

    /**
     * Gives the calling thread the lowest scheduling priority.
     *
     * @return whether it now runs at nice {@value #NICE} (false off Linux, or without {@code
     *     renice})
     */
    public static boolean lowerThisThread() {
        return lowerThisThread("renice");
    }

    /** As {@link #lowerThisThread()}, with {@code renice} as the named command. */
    static boolean lowerThisThread(String renice) {
        OptionalLong tid = threadId();
        if (tid.isEmpty()) {
            return false;
        }
        try {
            Process process =
                    new ProcessBuilder(
                                    renice,
                                    "-n",
                                    Integer.toString(NICE),
                                    "-p",
                                    Long.toString(tid.getAsLong()))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return niceOf(tid.getAsLong()).orElse(0) == NICE;
    }

    /** The kernel's id of the calling thread (Linux: {@code /proc/thread-self}). */
    public static OptionalLong threadId() {
        try {
            // a link to "<pid>/task/<tid>"
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return OptionalLong.of(Long.parseLong(self.getFileName().toString()));
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The nice value of thread {@code tid} of this process, as the kernel reports it. */
    public static OptionalInt niceOf(long tid) {
        Path stat = Path.of("/proc/self/task", Long.toString(tid), "stat");
        // read as a stream: Java 17's whole-file reads can stop short on procfs
        try (BufferedReader in = Files.newBufferedReader(stat, StandardCharsets.US_ASCII)) {
            String line = in.readLine();
            // "tid (comm) state ppid …": comm may hold spaces and parentheses, so count the
            // fields after its last ')': state is field 3, nice field 19
            String[] after = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(after[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
