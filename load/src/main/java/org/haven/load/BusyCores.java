package org.haven.load;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second process that keeps {@code n} processors busy for a whole run ({@code stress-ng --cpu n},
 * from Debian's {@code stress-ng} package): the busy machine the tail must hold on (issue 24).
 */
final class BusyCores implements AutoCloseable {
    private final Process process;

    private BusyCores(Process process) {
        this.process = process;
    }

    /** Starts {@code stress-ng --cpu n}; fails with a clear message when it is not installed. */
    static BusyCores start(int n) throws IOException {
        if (n < 1 || n > 64) {
            throw new IllegalArgumentException("--busy-cores 1..64");
        }
        if (!onPath("stress-ng")) {
            throw new IllegalStateException(
                    "--busy-cores needs stress-ng (Debian: apt-get install stress-ng)");
        }
        Process p =
                new ProcessBuilder(List.of("stress-ng", "--cpu", Integer.toString(n), "--quiet"))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
        return new BusyCores(p);
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    /** Whether it still runs (a run whose load vanished measured a quiet machine). */
    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
