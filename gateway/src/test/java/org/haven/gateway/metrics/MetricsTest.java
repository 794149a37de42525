package org.haven.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Prometheus metrics at /metrics: behind the bearer token, the series after an intake, and nothing a person wrote. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsTest {
    private static final String TOKEN = "metrics-token-0123456789";

    @TempDir
    Path dataDir;

    private static HttpResponse<String> scrape(int port, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Verifies that /metrics refuses a missing or wrong token, and after an intake exposes the series without the marker. */
    @Test
    void testMetricsExposeSeriesWithoutPersonalData() throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_METRICS_TOKEN", TOKEN))) {
            assertEquals(401, scrape(haven.port(), null).statusCode());
            assertEquals(401, scrape(haven.port(), TOKEN + "x").statusCode());

            String marker = "metric-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            haven.metrics().poll(haven.database().pool()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            HttpResponse<String> r = scrape(haven.port(), TOKEN);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = r.body();
            int said = IntakeDriver.survivorAnswers(marker).size();
            assertTrue(body.contains("haven_messages_in_total{channel=\"webchat\"} " + said + ".0"), body);
            assertTrue(body.contains("haven_dialogue_step_seconds_count{channel=\"webchat\",outcome=\"ok\"} " + said + ""), body);
            assertTrue(body.contains("haven_outbox_depth "), body);
            assertTrue(body.contains("haven_cases_queue_depth{status=\"queued\",working_group=\"toronto\"} 1.0"), body);
            assertTrue(body.contains("haven_http_requests_seconds_count{area=\"metrics\",method=\"GET\",status=\"4xx\"} 2"), body);
            assertFalse(body.contains(marker), "a person's words reached the metrics");
            // the phone number answered (+1 416 555 0199), not any "555": timings like 0.00555… are fine
            assertFalse(body.contains("Syria") || java.util.regex.Pattern.compile("555\\D?0199").matcher(body).find(),
                    "answers reached the metrics");
        }
    }

    /** Verifies that only known path areas become labels (no ids or free paths). */
    @Test
    void testAreaLabelsAreAFixedSet() {
        assertEquals("inbox", HavenMetrics.area("/inbox/cases/6f1c7a52-3c1e-4c55-9a3e-0d6a3c1b9e11"));
        assertEquals("chat", HavenMetrics.area("/chat"));
        assertEquals("other", HavenMetrics.area("/HV-ABC123"));
        assertEquals("root", HavenMetrics.area("/"));
    }
}
