package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The crash-safety run ({@code load.sh --crash N}): SMS load against the packaged gateway, killed
 * with SIGKILL N times and started again on the same data dir and port. Afterwards every webhook
 * that was answered 200 is posted again, exactly as before, and each must be recognised as a
 * duplicate (stored once, applied once); and once the outbox has drained, nothing is left
 * pending and the fake Twilio has received at least one request per reply marked sent
 * (at-least-once delivery). Exit 1 when either fails, or when a start after a kill does not
 * succeed at its first attempt.
 */
final class CrashRun {
    private CrashRun() {
    }

    static int run(Map<String, String> o, Path jar, String account, String token, double smsRate, int seconds, int crashes)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HavenProcess haven = null;
        try {
            FakeTwilioApi twilio = FakeTwilioApi.start(vertx, account);
            Map<String, String> env = Map.of("HAVEN_TWILIO_ACCOUNT_SID", account, "HAVEN_TWILIO_AUTH_TOKEN", token,
                    "HAVEN_TWILIO_FROM", "+15145550100", "HAVEN_TWILIO_API_URL", twilio.url(), "HAVEN_TWILIO_MAX_PER_SECOND", "1000");
            String heap = o.getOrDefault("heap", "512m");
            haven = HavenProcess.start(jar, heap, List.of(), env);
            Path dataDir = haven.dataDir;
            int port = haven.port;
            if (SmsLoad.probe(vertx, "127.0.0.1", port) == 404) {
                System.out.println("crash: the gateway has no SMS channel (404): nothing to check, skipped");
                return 0;
            }
            SmsLoad sms = new SmsLoad(vertx, "127.0.0.1", port, account, token, "http://127.0.0.1:" + port, smsRate);
            sms.keepAcknowledged();
            sms.stats.measure();
            sms.start();
            long slice = seconds * 1000L / (crashes + 1);
            for (int k = 1; k <= crashes; k++) {
                Thread.sleep(slice);
                haven.kill();
                System.out.printf(Locale.ROOT, "crash %d: gateway killed (SIGKILL) after %d webhooks acknowledged%n", k, sms.acked.size());
                // One attempt: the gateway must come back at once on the data dir a killed one left
                // (its PostgreSQL included); a start that fails fails the run.
                try {
                    haven = HavenProcess.start(jar, heap, List.of(), env, dataDir, port);
                } catch (IllegalStateException e) {
                    haven = null; // already stopped by start(); its data dir (and log) kept to look at
                    System.out.println("FAILED   the gateway did not start again after crash " + k + ": " + e.getMessage());
                    System.out.println("data kept in " + dataDir);
                    sms.stop();
                    return 1;
                }
            }
            Thread.sleep(slice);
            sms.stop();
            Thread.sleep(2000);
            List<String[]> acked = new ArrayList<>(sms.acked);
            System.out.println(sms.stats.report());

            long logBefore = Files.size(haven.log);
            int replayed = sms.replay(acked);
            Thread.sleep(1500);
            String after = new String(Files.readAllBytes(haven.log), StandardCharsets.UTF_8).substring((int) logBefore);
            long duplicates = after.lines().filter(l -> l.contains("event=sms_inbound") && l.contains("duplicate=true")).count();
            long applied = after.lines().filter(l -> l.contains("event=sms_inbound") && l.contains("duplicate=false")).count();

            int dbPort = haven.databasePort().orElseThrow();
            long pending = -1;
            for (int i = 0; i < 60; i++) {
                // a row claimed by a killed gateway waits for its 60 s lease before it is sent again
                pending = count(dbPort, "SELECT count(*) FROM outbox WHERE status = 'pending'");
                if (pending == 0) {
                    break;
                }
                Thread.sleep(2000);
            }
            long sent = count(dbPort, "SELECT count(*) FROM outbox WHERE status = 'sent'");
            long failed = count(dbPort, "SELECT count(*) FROM outbox WHERE status IN ('failed', 'expired')");
            long delivered = twilio.delivered.get();

            System.out.printf(Locale.ROOT, "crash    %d kills, each followed by a successful first start%n", crashes);
            System.out.printf(Locale.ROOT, "inbound  %d acknowledged; replayed: %d answered 200, %d recognised as duplicates, %d applied again%n",
                    acked.size(), replayed, duplicates, applied);
            System.out.printf(Locale.ROOT, "outbound %d sent, %d failed/expired, %d pending; fake Twilio received %d%n",
                    sent, failed, pending, delivered);
            List<String> problems = new ArrayList<>();
            if (acked.isEmpty()) {
                problems.add("no webhook was acknowledged");
            }
            if (replayed != acked.size() || duplicates != acked.size() || applied != 0) {
                problems.add("an acknowledged message was not stored exactly once");
            }
            if (pending != 0 || failed != 0) {
                problems.add("replies left undelivered");
            }
            if (delivered < sent) {
                problems.add("fewer requests to Twilio than replies marked sent");
            }
            return HavenProcess.verdict(problems);
        } finally {
            if (haven != null) {
                haven.closeAndClean(o.containsKey("keep-data"));
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    /** One number from the gateway's database (JDBC, so the run needs no psql on the machine). */
    static long count(int dbPort, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
