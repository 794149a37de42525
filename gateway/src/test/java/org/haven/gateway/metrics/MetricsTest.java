package org.haven.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.sms.SmsChannel;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus metrics at /metrics of a real gateway: behind the bearer token; histograms with
 * buckets; the JVM's, the spool's, the listener's, the pool's and the outbox's figures; login
 * failures; and nothing a person wrote.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsTest {
    static final String TOKEN = "metrics-token-0123456789";
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String OUR_NUMBER = "+15145550100";
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String PHONE = "+16135550188";

    @TempDir Path dataDir;

    static HttpResponse<String> scrape(int port, String token) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The value of the series that starts with {@code series} (name and labels as written), or
     * fails.
     */
    static double value(String body, String series) {
        Matcher m =
                Pattern.compile("(?m)^" + Pattern.quote(series) + " ([-+0-9.eE]+|NaN)$")
                        .matcher(body);
        assertTrue(m.find(), "no series " + series);
        return Double.parseDouble(m.group(1));
    }

    /**
     * A scrape that has {@code series}, once the gateway has recorded it (it records after the
     * provider answered).
     */
    static String awaitSeries(int port, String series) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String body = scrape(port, TOKEN).body();
        while (!body.contains(series) && System.nanoTime() < end) {
            Thread.sleep(50);
            body = scrape(port, TOKEN).body();
        }
        return body;
    }

    static void poll(Haven haven) throws Exception {
        haven.metrics().poll().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Verifies that /metrics refuses a missing or wrong token, and after an intake exposes the
     * series without the marker.
     */
    @Test
    void testMetricsExposeSeriesWithoutPersonalData() throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_METRICS_TOKEN", TOKEN))) {
            assertEquals(401, scrape(haven.port(), null).statusCode());
            assertEquals(401, scrape(haven.port(), TOKEN + "x").statusCode());

            String marker = "metric-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            poll(haven);

            HttpResponse<String> r = scrape(haven.port(), TOKEN);
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            String body = r.body();
            int said = IntakeDriver.survivorAnswers(marker).size();
            assertEquals(said, value(body, "haven_messages_in_total{channel=\"webchat\"}"));
            assertEquals(
                    said,
                    value(
                            body,
                            "haven_dialogue_step_seconds_count{channel=\"webchat\",outcome=\"ok\"}"));
            assertEquals(
                    1,
                    value(
                            body,
                            "haven_cases_queue_depth{status=\"queued\",working_group=\"toronto\"}"));
            assertEquals(
                    2,
                    value(
                            body,
                            "haven_http_requests_seconds_count{method=\"GET\",route=\"/metrics\",status=\"4xx\"}"));
            assertFalse(body.contains(marker), "a person's words reached the metrics");
            // the phone number answered (+1 416 555 0199), not any "555": timings like 0.00555… are
            // fine
            assertFalse(
                    body.contains("Syria") || Pattern.compile("555\\D?0199").matcher(body).find(),
                    "answers reached the metrics");
        }
    }

    /**
     * Verifies that the dialogue step, HTTP requests and outbox sends are histograms with buckets
     * from 1 ms to 10 s, whose last bucket holds every observation, and that an outbox send is
     * timed by channel and result (a provider's 5xx as {@code retryable}, then {@code sent}).
     */
    @Test
    void testLatenciesAreHistogramsWithBuckets() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, sms(twilio.url()))) {
            twilio.failNext(PHONE, new int[] {500, 20500});
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            String form =
                    TwilioWebhook.smsForm(
                            ACCOUNT_SID, TwilioWebhook.newMessageSid(), PHONE, OUR_NUMBER, "Hello");
            assertEquals(
                    200, webhook.postSigned(SmsChannel.SMS_PATH, form, AUTH_TOKEN).statusCode());
            twilio.await(
                    x -> PHONE.equals(x.to()) && x.status() == 201,
                    60); // after the backoff of the failed attempt

            String body =
                    awaitSeries(
                            haven.port(),
                            "haven_outbox_send_seconds_count{channel=\"sms\",result=\"sent\"}");
            for (String series :
                    new String[] {
                        "haven_dialogue_step_seconds_bucket{channel=\"sms\",outcome=\"ok\",",
                        "haven_http_requests_seconds_bucket{method=\"POST\",route=\""
                                + SmsChannel.SMS_PATH
                                + "\",status=\"2xx\",",
                        "haven_outbox_send_seconds_bucket{channel=\"sms\",result=\"sent\",",
                        "haven_outbox_send_seconds_bucket{channel=\"sms\",result=\"retryable\","
                    }) {
                double first = value(body, series + "le=\"0.001\"}");
                double last = value(body, series + "le=\"10.0\"}");
                double all = value(body, series + "le=\"+Inf\"}");
                assertTrue(
                        first <= last && last <= all && all >= 1,
                        series + ": " + first + " " + last + " " + all);
                assertTrue(
                        body.contains(series + "le=\"0.25\"}"), series + " has no 250 ms bucket");
            }
            assertEquals(
                    1,
                    value(
                            body,
                            "haven_outbox_send_seconds_count{channel=\"sms\",result=\"retryable\"}"));
            assertFalse(body.contains("6135550188"), "a phone number reached the metrics");
        }
    }

    /**
     * Verifies that a gateway exports the JVM's and the process's figures, the spool's depth and
     * quarantine, the listener's state, the database pool's use and wait, the disk of its data dir,
     * and (as the only gateway on its database) the outbox's depth and oldest age, each with a
     * sensible value.
     */
    @Test
    void testProcessSpoolListenerPoolAndOutboxFigures() throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_METRICS_TOKEN", TOKEN))) {
            IntakeDriver.completeIntake(haven.port(), "figures-" + UUID.randomUUID());
            poll(haven);
            String body = scrape(haven.port(), TOKEN).body();

            assertTrue(body.contains("jvm_memory_used_bytes{area=\"heap\""), "no heap figures");
            assertTrue(value(body, "jvm_threads_live_threads") > 5);
            assertTrue(value(body, "jvm_classes_loaded_classes") > 1000);
            assertTrue(
                    body.contains("# TYPE jvm_gc_memory_allocated_bytes_total counter"),
                    "no GC figures");
            assertTrue(value(body, "system_cpu_count") >= 1);
            assertTrue(value(body, "process_uptime_seconds") > 0);
            assertTrue(value(body, "process_files_open_files") > 10);
            assertTrue(
                    body.contains("disk_free_bytes{path=\""), "no figures of the data dir's disk");

            assertEquals(0, value(body, "haven_spool_pending"));
            assertEquals(0, value(body, "haven_spool_quarantined"));
            assertEquals(0, value(body, "haven_spool_unreadable"));
            assertEquals(1, value(body, "haven_cluster_listener_connected"));
            assertEquals(0, value(body, "haven_cluster_listener_losses_total"));

            assertEquals(
                    (double) Integer.getInteger("haven.db.pool", 8),
                    value(body, "haven_db_pool_size"));
            double inUse = value(body, "haven_db_pool_in_use");
            assertTrue(inUse >= 0 && inUse <= 8, "in use: " + inUse);
            assertEquals(0, value(body, "haven_db_pool_waiting"));
            assertTrue(
                    value(body, "haven_db_pool_wait_seconds_count") > 10,
                    "no waits for a connection recorded");
            assertTrue(
                    body.contains("haven_db_pool_wait_seconds_bucket{le=\"0.001\"}"),
                    "the pool's wait has no buckets");

            assertEquals(1, value(body, "haven_database_reporter"));
            assertEquals(0, value(body, "haven_outbox_depth"));
            assertEquals(0, value(body, "haven_outbox_oldest_pending_seconds"));
        }
    }

    /**
     * Verifies that the outbox's oldest pending message is reported by its age while a provider
     * keeps refusing it, and that a failed and a throttled inbox login are counted, each as it
     * happened (the count of 401s and of 429s).
     */
    @Test
    void testOutboxAgeAndLoginFailures() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID);
                Haven haven = TestHaven.start(dataDir, sms(twilio.url()))) {
            int[][] refusals = new int[10][];
            Arrays.fill(refusals, new int[] {503, 0});
            twilio.failNext(PHONE, refusals);
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            String form =
                    TwilioWebhook.smsForm(
                            ACCOUNT_SID, TwilioWebhook.newMessageSid(), PHONE, OUR_NUMBER, "Hello");
            assertEquals(
                    200, webhook.postSigned(SmsChannel.SMS_PATH, form, AUTH_TOKEN).statusCode());
            twilio.await(x -> PHONE.equals(x.to()) && x.status() == 503, 30);

            InboxClient client = new InboxClient(haven.port());
            int failed = 0;
            int throttled = 0;
            for (int i = 0; i < 60 && throttled == 0; i++) {
                int status =
                        client.login("nobody-" + i, "wrong passphrase " + i, "123456").statusCode();
                if (status == 401) {
                    failed++;
                } else if (status == 429) {
                    throttled++;
                }
            }
            assertTrue(
                    failed > 0 && throttled == 1, failed + " failed, " + throttled + " throttled");

            Thread.sleep(1_100);
            poll(haven);
            String body = scrape(haven.port(), TOKEN).body();
            assertTrue(value(body, "haven_outbox_depth") >= 1, "the refused reply is not pending");
            double age = value(body, "haven_outbox_oldest_pending_seconds");
            assertTrue(age >= 1 && age < 120, "oldest pending age " + age);
            assertEquals(failed, value(body, "haven_login_failures_total{reason=\"failed\"}"));
            assertEquals(
                    throttled, value(body, "haven_login_failures_total{reason=\"throttled\"}"));
            assertFalse(body.contains("nobody-"), "a username reached the metrics");
        }
    }

    /**
     * Verifies that a route's template, never the path asked for, is the label: no case id, no
     * unknown path.
     */
    @Test
    void testRouteLabelsAreTemplates() throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_METRICS_TOKEN", TOKEN))) {
            String id = UUID.randomUUID().toString();
            HttpClient http = HttpClient.newHttpClient();
            for (String path : new String[] {"/inbox/cases/" + id, "/HV-ABC123-" + id}) {
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + haven.port() + path))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            String body = scrape(haven.port(), TOKEN).body();
            assertTrue(
                    body.contains("route=\"/inbox/cases/:id\""),
                    "no template label for the case page");
            assertTrue(
                    body.contains("route=\"" + HavenMetrics.UNMATCHED + "\""),
                    "an unknown path is not labelled unmatched");
            assertFalse(body.contains(id), "an id reached the metrics");
            assertFalse(body.contains("HV-ABC123"), "a path asked for reached the metrics");
        }
    }

    static Map<String, String> sms(String apiUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_METRICS_TOKEN", TOKEN);
        env.put("HAVEN_PUBLIC_URL", PUBLIC_URL);
        env.put("HAVEN_TWILIO_ACCOUNT_SID", ACCOUNT_SID);
        env.put("HAVEN_TWILIO_AUTH_TOKEN", AUTH_TOKEN);
        env.put("HAVEN_TWILIO_FROM", OUR_NUMBER);
        env.put("HAVEN_TWILIO_API_URL", apiUrl);
        return env;
    }
}
