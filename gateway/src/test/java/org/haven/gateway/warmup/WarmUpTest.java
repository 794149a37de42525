package org.haven.gateway.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway warms its hot path on synthetic data before it reports ready (issue 24, scope 1), and
 * stores nothing of it.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WarmUpTest {
    private static final Pattern DONE =
            Pattern.compile("event=warmup_done conversations=(\\d+) steps=(\\d+) millis=(\\d+)");

    /**
     * Verifies that {@code /health/ready} answers 503 with {@code warm: false} while the warm-up
     * runs (the gateway serves meanwhile: liveness answers), then 200 with {@code warm: true}; that
     * the warm-up took whole intakes' worth of dialogue steps; and that every table holds as many
     * rows as on a gateway started without a warm-up.
     */
    @Test
    void testNotReadyUntilWarmAndNothingStored(@TempDir Path cold, @TempDir Path warm)
            throws Exception {
        Map<String, Integer> baseline;
        try (Haven haven = TestHaven.start(cold, Map.of())) {
            baseline = settled(haven);
        }
        try (LogCapture log = new LogCapture();
                Haven haven = TestHaven.start(warm, Map.of("HAVEN_WARMUP_CONVERSATIONS", "1500"))) {
            InboxClient client = new InboxClient(haven.port());
            HttpResponse<String> first = client.get("/health/ready");
            assertEquals(503, first.statusCode(), "ready before the warm-up: " + first.body());
            assertEquals(Boolean.FALSE, new JsonObject(first.body()).getBoolean("warm"));
            assertEquals(200, client.get("/health/live").statusCode());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            HttpResponse<String> ready = first;
            while (ready.statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                ready = client.get("/health/ready");
            }
            assertEquals(200, ready.statusCode(), "never ready: " + ready.body());
            assertEquals(Boolean.TRUE, new JsonObject(ready.body()).getBoolean("warm"));

            String done =
                    log.lines().stream()
                            .filter(l -> l.contains("event=warmup_done"))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("no warmup_done line"));
            Matcher m = DONE.matcher(done);
            assertTrue(m.find(), done);
            assertEquals(1500, Integer.parseInt(m.group(1)));
            // the default intake takes well over ten steps to a hand-off
            assertTrue(Integer.parseInt(m.group(2)) > 1500 * 10, done);
            System.out.println("warmup: " + done);

            assertEquals(baseline, settled(haven), "the warm-up stored something");
        }
    }

    /**
     * Verifies that a warm-up whose database round trip fails part-way (the gateway stopping, the
     * database away) ends early, quietly, and leaves the gateway ready: before, the HTTP rounds
     * were chained all at once, and the failure ran through two thousand nested futures into a
     * stack overflow on the event loop (CI's JarStartIT saw it at a SIGTERM).
     */
    @Test
    void testFailureEndsTheWarmUpQuietly() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (LogCapture log = new LogCapture()) {
            HttpServer server =
                    vertx.createHttpServer()
                            .requestHandler(r -> r.response().end("ok"))
                            .listen(0, "127.0.0.1")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            WarmUp warmUp =
                    WarmUp.from(
                            new Settings(Map.of("warmup_conversations", "400")),
                            vertx,
                            new Engine(Intake.defaultIntake(), EngineSettings.defaults()));
            assertFalse(warmUp.done());
            AtomicInteger pings = new AtomicInteger();
            Supplier<Future<?>> ping =
                    () ->
                            pings.incrementAndGet() < 10
                                    ? Future.succeededFuture(true)
                                    : Future.failedFuture(new IllegalStateException("closed"));
            warmUp.run(server.actualPort(), ping)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(120, TimeUnit.SECONDS);
            assertTrue(warmUp.done(), "never ready after a failed warm-up");
            assertEquals(10, pings.get(), "went on after the failure");
            List<String> lines = log.lines();
            assertTrue(
                    lines.stream().anyMatch(l -> l.contains("event=warmup_ended_early")),
                    lines.toString());
            assertEquals(
                    List.of(),
                    lines.stream()
                            .filter(
                                    l ->
                                            l.contains("StackOverflowError")
                                                    || l.contains("Unhandled"))
                            .toList());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Verifies that a count that is not a whole number in range stops the start, named. */
    @Test
    void testBadCountIsRefusedByName(@TempDir Path dir) {
        for (String bad : List.of("-1", "lots", "100001")) {
            Exception e =
                    assertThrows(
                            ConfigException.class,
                            () ->
                                    TestHaven.start(dir, Map.of("HAVEN_WARMUP_CONVERSATIONS", bad))
                                            .close(),
                            bad);
            assertTrue(e.getMessage().contains("HAVEN_WARMUP_CONVERSATIONS"), e.getMessage());
        }
    }

    /**
     * The row counts once the start's own jobs are done (the retention purge at start audits its
     * run): two readings a second apart that agree.
     */
    private static Map<String, Integer> settled(Haven haven) throws Exception {
        Map<String, Integer> last = rowCounts(haven);
        for (int i = 0; i < 30; i++) {
            Thread.sleep(1000);
            Map<String, Integer> now = rowCounts(haven);
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static Map<String, Integer> rowCounts(Haven haven) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        for (List<String> row :
                DatabaseDump.query(
                        haven.database().connectOptions(),
                        "SELECT table_name FROM information_schema.tables"
                                + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
            String table = row.get(0);
            counts.put(
                    table,
                    Integer.parseInt(
                            DatabaseDump.query(
                                            haven.database().connectOptions(),
                                            "SELECT count(*) FROM \"" + table + "\"")
                                    .get(0)
                                    .get(0)));
        }
        return counts;
    }
}
