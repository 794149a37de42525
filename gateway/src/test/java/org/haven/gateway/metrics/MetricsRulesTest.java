package org.haven.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
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
 * The shipped alert rules (deploy/prometheus/haven-alerts.yaml) and Grafana dashboard
 * (deploy/grafana/haven.json) against a real scrape, so that neither can drift from the code.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsRulesTest {
    private static final Path DEPLOY = Path.of("..", "deploy");

    /**
     * A metric name in PromQL: ours, Micrometer's JVM and process binders'. Label names never start
     * so.
     */
    private static final Pattern METRIC =
            Pattern.compile("\\b(?:haven|jvm|process|system|disk)_[a-z0-9_]+\\b");

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    /** The alerts docs/operations.md promises. */
    private static final Set<String> PROMISED =
            Set.of(
                    "HavenGatewayDown",
                    "HavenSpoolStuck",
                    "HavenSpoolReplayFailing",
                    "HavenOutboxStuck",
                    "HavenListenerDown",
                    "HavenNoInboundTraffic");

    @TempDir Path dataDir;

    /**
     * Verifies that the rules file is well-formed (each rule an alert with an expression, the
     * promised alerts among them), and that every metric name the rules and the dashboard use is in
     * the scrape of a running gateway after an intake, an SMS exchange, a failed login and a GC.
     */
    @Test
    void testRulesAndDashboardUseOnlyExportedMetrics() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode rules =
                yaml.readTree(DEPLOY.resolve("prometheus").resolve("haven-alerts.yaml").toFile());
        List<String> exprs = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                assertTrue(
                        rule.hasNonNull("alert") && rule.hasNonNull("expr"),
                        "not an alert with an expression: " + rule);
                assertTrue(
                        alerts.add(rule.get("alert").asText()),
                        "alert named twice: " + rule.get("alert"));
                exprs.add(rule.get("expr").asText());
            }
        }
        assertTrue(alerts.containsAll(PROMISED), "missing alerts: " + PROMISED + " vs " + alerts);
        int fromRules = exprs.size();
        collect(
                new ObjectMapper()
                        .readTree(DEPLOY.resolve("grafana").resolve("haven.json").toFile()),
                exprs);
        assertTrue(
                exprs.size() - fromRules >= 20,
                "the dashboard has few queries: " + (exprs.size() - fromRules));
        JsonNode scrapeConfig =
                yaml.readTree(DEPLOY.resolve("prometheus").resolve("prometheus.yml").toFile());
        assertEquals(
                "haven",
                scrapeConfig.at("/scrape_configs/0/job_name").asText(),
                "the rules select job=\"haven\"");

        Set<String> used = new TreeSet<>();
        for (String expr : exprs) {
            Matcher m = METRIC.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
            while (m.find()) {
                used.add(m.group());
            }
        }
        assertTrue(used.size() > 20, "few metric names found: " + used);

        String body = scrapeAfterTraffic();
        Set<String> exported = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(body);
        while (m.find()) {
            exported.add(m.group(1));
        }
        Set<String> missing = new TreeSet<>(used);
        missing.removeAll(exported);
        assertTrue(
                missing.isEmpty(),
                "used by the rules or the dashboard but not exported: " + missing);
    }

    /**
     * Verifies that a metric name in a label value or string is not taken for one the rules use.
     */
    @Test
    void testNamesInStringsAreNotMetrics() {
        String expr =
                "sum(rate(haven_messages_in_total{channel=\"haven_not_a_metric\"}[5m])) by (working_group)";
        Matcher m = METRIC.matcher(QUOTED.matcher(expr).replaceAll("\"\""));
        assertTrue(m.find());
        assertEquals("haven_messages_in_total", m.group());
        assertFalse(m.find());
    }

    private String scrapeAfterTraffic() throws Exception {
        String phone = "+16135550177";
        try (FakeTwilio twilio = FakeTwilio.start("AC0123456789abcdef0123456789abcdef");
                Haven haven = TestHaven.start(dataDir, MetricsTest.sms(twilio.url()))) {
            IntakeDriver.completeIntake(haven.port(), "rules-" + UUID.randomUUID()); // an open case
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), "http://haven.example.org");
            String form =
                    TwilioWebhook.smsForm(
                            "AC0123456789abcdef0123456789abcdef",
                            TwilioWebhook.newMessageSid(),
                            phone,
                            "+15145550100",
                            "Hello");
            assertEquals(
                    200,
                    webhook.postSigned(
                                    SmsChannel.SMS_PATH, form, "0123456789abcdef0123456789abcdef")
                            .statusCode());
            twilio.await(x -> phone.equals(x.to()) && x.status() == 201, 30);
            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login("nobody", "not the passphrase", "123456")
                            .statusCode());
            System.gc(); // the GC pause timer appears with the first collection
            MetricsTest.poll(haven);
            MetricsTest.awaitSeries(
                    haven.port(),
                    "haven_outbox_send_seconds_count{channel=\"sms\",result=\"sent\"}");
            return MetricsTest.awaitSeries(haven.port(), "jvm_gc_pause_seconds_count{");
        }
    }

    private static void collect(JsonNode node, List<String> exprs) {
        if (node.isObject()) {
            node.properties()
                    .forEach(
                            e -> {
                                if ("expr".equals(e.getKey()) && e.getValue().isTextual()) {
                                    exprs.add(e.getValue().asText());
                                } else {
                                    collect(e.getValue(), exprs);
                                }
                            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, exprs));
        }
    }
}
