package org.haven.gateway.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.config.ConfigException;
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
            baseline = rowCounts(haven);
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

            assertEquals(baseline, rowCounts(haven), "the warm-up stored something");
        }
    }

    /** Verifies that a count that is not a whole number in range stops the start, named. */
    @Test
    void testBadCountIsRefusedByName(@TempDir Path dir) {
        for (String bad : List.of("-1", "lots", "100001")) {
            Exception e =
                    org.junit.jupiter.api.Assertions.assertThrows(
                            ConfigException.class,
                            () ->
                                    TestHaven.start(dir, Map.of("HAVEN_WARMUP_CONVERSATIONS", bad))
                                            .close(),
                            bad);
            assertTrue(e.getMessage().contains("HAVEN_WARMUP_CONVERSATIONS"), e.getMessage());
        }
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
