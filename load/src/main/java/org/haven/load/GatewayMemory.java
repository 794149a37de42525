package org.haven.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of a running JVM (the gateway) seen from outside: heap used and committed after a full GC
 * ({@code jcmd PID GC.run}, then {@code GC.heap_info}), resident memory from /proc, and the class
 * histogram ({@code GC.class_histogram}, which collects first) to see what a change of load left on
 * the heap.
 */
final class GatewayMemory {
    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern HISTOGRAM_ROW =
            Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** One reading, in KiB; -1 where unknown. */
    record Snapshot(long heapUsedKib, long heapCommittedKib, long rssKib, long peakRssKib) {
        String report() {
            return String.format(
                    Locale.ROOT,
                    "heap_used_after_full_gc=%s heap_committed=%s rss=%s peak_rss=%s",
                    mib(heapUsedKib),
                    mib(heapCommittedKib),
                    mib(rssKib),
                    mib(peakRssKib));
        }

        private static String mib(long kib) {
            return kib < 0 ? "?" : String.format(Locale.ROOT, "%.1fMiB", kib / 1024.0);
        }
    }

    /** Instances and bytes of one class in a histogram. */
    record Row(long instances, long bytes) {}

    private GatewayMemory() {}

    /**
     * Collects the heap fully, then reads heap used and committed and the process's resident
     * memory.
     */
    static Snapshot afterFullGc(long pid) {
        long used = -1;
        long committed = -1;
        try {
            jcmd(pid, "GC.run");
            Matcher m = HEAP.matcher(jcmd(pid, "GC.heap_info"));
            if (m.find()) {
                committed = Long.parseLong(m.group(1));
                used = Long.parseLong(m.group(2));
            }
        } catch (IOException | InterruptedException e) {
            // unknown
        }
        return new Snapshot(used, committed, status(pid, "VmRSS"), status(pid, "VmHWM"));
    }

    /** The class histogram of live objects (the JVM collects first), by class name. */
    static Map<String, Row> histogram(long pid) {
        Map<String, Row> rows = new HashMap<>();
        try {
            for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
                Matcher m = HISTOGRAM_ROW.matcher(line);
                if (m.find()) {
                    rows.put(
                            m.group(3),
                            new Row(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                }
            }
        } catch (IOException | InterruptedException e) {
            // empty: unknown
        }
        return rows;
    }

    /**
     * The classes that grew most from {@code before} to {@code after}, one line each, per {@code
     * per} (e.g. per session).
     */
    static List<String> growth(Map<String, Row> before, Map<String, Row> after, int top, long per) {
        List<Map.Entry<String, Row>> grown = new ArrayList<>();
        after.forEach(
                (name, a) -> {
                    Row b = before.getOrDefault(name, new Row(0, 0));
                    grown.add(
                            Map.entry(
                                    name,
                                    new Row(a.instances() - b.instances(), a.bytes() - b.bytes())));
                });
        grown.sort(
                Comparator.comparingLong((Map.Entry<String, Row> e) -> e.getValue().bytes())
                        .reversed());
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Row> e : grown.subList(0, Math.min(top, grown.size()))) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "%10d B %9d inst  %7.1f B/session %5.2f inst/session  %s",
                            e.getValue().bytes(),
                            e.getValue().instances(),
                            e.getValue().bytes() / (double) per,
                            e.getValue().instances() / (double) per,
                            e.getKey()));
        }
        return out;
    }

    /** The soft limit on open files of a process (from /proc), or -1. */
    static long openFileLimit(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
                if (line.startsWith("Max open files")) {
                    String v = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return v.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(v);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * Established TCP connections whose local port is {@code port} (the server's side of each
     * socket), counted from /proc/net/tcp; -1 when unreadable.
     */
    static long established(int port) {
        String suffix = String.format(Locale.ROOT, ":%04X", port);
        long count = 0;
        boolean read = false;
        // Java's sockets are IPv6 ones even for 127.0.0.1 (as ::ffff:127.0.0.1) unless
        // -Djava.net.preferIPv4Stack
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(suffix) && f[3].equals("01")) {
                        count++;
                    }
                }
                read = true;
            } catch (IOException e) {
                // no such table
            }
        }
        return read ? count : -1;
    }

    private static long status(long pid, String field) {
        try {
            Matcher m =
                    Pattern.compile(field + ":\\s+(\\d+) kB")
                            .matcher(
                                    Files.readString(
                                            Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p =
                new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
