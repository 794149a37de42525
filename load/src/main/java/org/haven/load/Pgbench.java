package org.haven.load;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs scripts/pgbench-message.sh (pgbench with the per-message SQL) against the gateway's
 * PostgreSQL and reads its tps.
 */
final class Pgbench {
    private static final Pattern TPS =
            Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");

    private Pgbench() {}

    static double run(
            Path runner, int dbPort, String dbPassword, int seconds, int clients, boolean outbox)
            throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder(
                        List.of(
                                runner.toString(),
                                "--host",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(dbPort),
                                "--seconds",
                                Integer.toString(seconds),
                                "--clients",
                                Integer.toString(clients),
                                "--outbox",
                                outbox ? "1" : "0"));
        pb.environment()
                .put(
                        "PGPASSWORD",
                        dbPassword); // libpq's, for psql and pgbench: never on a command line
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.out.print(out);
            throw new IllegalStateException("pgbench runner failed");
        }
        Matcher m = TPS.matcher(out);
        if (!m.find()) {
            System.out.print(out);
            throw new IllegalStateException("no tps in pgbench output");
        }
        return Double.parseDouble(m.group(1));
    }
}
