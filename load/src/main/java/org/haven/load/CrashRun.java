package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The crash-safety run ({@code load.sh --crash N}): SMS load against the packaged gateway, killed
 * with SIGKILL N times and started again on the same data dir and port. Afterwards every webhook
 * that was answered 200 is posted again, exactly as before, and each must be recognised as a
 * duplicate (stored once, applied once); and once the outbox has drained, nothing is left pending
 * and the fake Twilio has received at least one request per reply marked sent (at-least-once
 * delivery). Exit 1 when either fails, or when a start after a kill does not succeed at its first
 * attempt.
 */
final class CrashRun {
    private CrashRun() {}

    static int run(
            Map<String, String> o,
            Path jar,
            String account,
            String token,
            double smsRate,
            int seconds,
            int crashes)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        HavenProcess haven = null;
        try {
            FakeTwilioApi twilio = FakeTwilioApi.start(vertx, account);
            Map<String, String> env = new HashMap<>(twilio.gatewayEnv(account, token, "1000"));
            // a crash run measures what a kill loses, not the warm-up: each restart prepares a
            // few resume phrases, not the default 256 (seconds of a core each), unless told
            if (System.getenv("HAVEN_RESUME_PHRASES_PREPARED") == null) {
                env.put("HAVEN_RESUME_PHRASES_PREPARED", "16");
            }
            String heap = o.getOrDefault("heap", "512m");
            haven = HavenProcess.start(jar, heap, List.of(), env);
            haven.awaitReady(); // warmed up before the load and the first kill
            Path dataDir = haven.dataDir;
            int port = haven.port;
            if (SmsLoad.probe(vertx, "127.0.0.1", port) == 404) {
                System.out.println(
                        "crash: the gateway has no SMS channel (404): nothing to check, skipped");
                return 0;
            }
            SmsLoad sms =
                    new SmsLoad(
                            vertx,
                            "127.0.0.1",
                            port,
                            account,
                            token,
                            "http://127.0.0.1:" + port,
                            smsRate);
            sms.keepAcknowledged();
            sms.stats.measure();
            sms.start();
            long slice = seconds * 1000L / (crashes + 1);
            for (int k = 1; k <= crashes; k++) {
                Thread.sleep(slice);
                haven.kill();
                System.out.printf(
                        Locale.ROOT,
                        "crash %d: gateway killed (SIGKILL) after %d webhooks acknowledged%n",
                        k,
                        sms.acked.size());
                // One attempt: the gateway must come back at once on the data dir a killed one left
                // (its PostgreSQL included); a start that fails fails the run.
                try {
                    haven = HavenProcess.start(jar, heap, List.of(), env, dataDir, port);
                } catch (IllegalStateException e) {
                    haven = null; // already stopped by start(); its data dir (and log) kept to look
                    // at
                    System.out.println(
                            "FAILED   the gateway did not start again after crash "
                                    + k
                                    + ": "
                                    + e.getMessage());
                    System.out.println("data kept in " + dataDir);
                    sms.stop();
                    return 1;
                }
            }
            Thread.sleep(slice);
            sms.stop();
            if (!sms.awaitSettled(120_000)) {
                System.out.println(
                        "note     some webhooks were still unanswered 120 s after the load stopped");
            }
            List<String[]> acked = new ArrayList<>(sms.acked);
            System.out.println(sms.stats.report());

            Aftermath.Inbound in = Aftermath.replay(sms, haven.log, acked);
            Aftermath.Outbound out =
                    Aftermath.drain(
                            haven.databasePort().orElseThrow(),
                            haven.databasePassword(),
                            twilio.delivered::get);

            System.out.printf(
                    Locale.ROOT,
                    "crash    %d kills, each followed by a successful first start%n",
                    crashes);
            System.out.println(in.line());
            System.out.println(out.line());
            List<String> problems = new ArrayList<>();
            if (acked.isEmpty()) {
                problems.add("no webhook was acknowledged");
            }
            in.check(problems);
            out.check(problems);
            return HavenProcess.verdict(problems);
        } finally {
            if (haven != null) {
                haven.closeAndClean(o.containsKey("keep-data"));
            }
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
