package org.haven.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database-wide figures on a cluster: two gateways on one PostgreSQL, each scraped as Prometheus
 * would.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DatabaseWideMetricsTest {
    private static final Pattern SERIES =
            Pattern.compile(
                    "(?m)^(haven_cases_queue_depth\\{[^}]*}|haven_outbox_depth) ([-+0-9.eE]+)$");

    /**
     * Verifies that the database-wide figures (case queues, outbox depth) summed over the scrapes
     * of both gateways equal the database's own counts (exported by one gateway, not doubled), and
     * that when that gateway goes, the other takes over at its next poll and still reports the
     * truth.
     */
    @Test
    void testSumOverGatewaysEqualsTheDatabase(@TempDir Path dataA, @TempDir Path dataB)
            throws Exception {
        String url = TestPostgres.newDatabase();
        Map<String, String> env =
                new HashMap<>(
                        Map.of(
                                "HAVEN_DB_URL",
                                url,
                                "HAVEN_SERVER_KEYS",
                                ServerSecrets.generateBase64(),
                                "HAVEN_METRICS_TOKEN",
                                MetricsTest.TOKEN));
        Haven a = TestHaven.start(dataA, env);
        try {
            env.put(
                    "HAVEN_TEAM_KEY_PIN",
                    Files.readString(dataA.resolve("secrets").resolve("team-key-pin")).strip());
            try (Haven b = TestHaven.start(dataB, env)) {
                IntakeDriver.completeIntake(a.port(), "cluster-a-" + UUID.randomUUID());
                IntakeDriver.completeIntake(b.port(), "cluster-b-" + UUID.randomUUID());
                MetricsTest.poll(a);
                MetricsTest.poll(b);
                String scrapeA = MetricsTest.scrape(a.port(), MetricsTest.TOKEN).body();
                String scrapeB = MetricsTest.scrape(b.port(), MetricsTest.TOKEN).body();

                Map<String, Double> truth = truth(url);
                assertEquals(
                        2.0,
                        truth.entrySet().stream()
                                .filter(e -> e.getKey().startsWith("haven_cases"))
                                .mapToDouble(Map.Entry::getValue)
                                .sum(),
                        "two open cases expected: " + truth);
                assertEquals(truth, sum(scrapeA, scrapeB));
                assertEquals(
                        1,
                        MetricsTest.value(scrapeA, "haven_database_reporter")
                                + MetricsTest.value(scrapeB, "haven_database_reporter"),
                        "not exactly one reporter");

                boolean aReports = MetricsTest.value(scrapeA, "haven_database_reporter") == 1;
                Haven survivor = aReports ? b : a;
                if (aReports) {
                    a.close();
                } else {
                    b.close();
                }
                // the survivor takes the role at its next try (every 5 s), then exports at its next
                // poll
                String after = "";
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                        System.nanoTime() < end; ) {
                    MetricsTest.poll(survivor);
                    after = MetricsTest.scrape(survivor.port(), MetricsTest.TOKEN).body();
                    if (MetricsTest.value(after, "haven_database_reporter") == 1) {
                        break;
                    }
                    Thread.sleep(250);
                }
                assertEquals(
                        1,
                        MetricsTest.value(after, "haven_database_reporter"),
                        "the survivor did not take over");
                assertEquals(truth(url), sum(after));
                assertFalse(
                        after.contains("cluster-a-") || after.contains("cluster-b-"),
                        "a person's words reached the metrics");
            }
        } finally {
            a.close();
        }
    }

    /** The database-wide series summed over the given scrapes, by series (name and labels). */
    private static Map<String, Double> sum(String... scrapes) {
        Map<String, Double> out = new TreeMap<>();
        for (String s : scrapes) {
            Matcher m = SERIES.matcher(s);
            while (m.find()) {
                out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
            }
        }
        return out;
    }

    /** The same figures counted in the database itself, as the series would name them. */
    private static Map<String, Double> truth(String url) throws Exception {
        Map<String, Double> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcOf(url), "postgres", "");
                Statement st = c.createStatement()) {
            try (ResultSet rs =
                    st.executeQuery(
                            "SELECT status, coalesce(working_group, 'any'), count(*) FROM cases"
                                    + " WHERE status <> 'closed' GROUP BY 1, 2")) {
                while (rs.next()) {
                    out.merge(
                            "haven_cases_queue_depth{status=\""
                                    + rs.getString(1)
                                    + "\",working_group=\""
                                    + rs.getString(2)
                                    + "\"}",
                            (double) rs.getLong(3),
                            Double::sum);
                }
            }
            try (ResultSet rs =
                    st.executeQuery("SELECT count(*) FROM outbox WHERE status = 'pending'")) {
                rs.next();
                out.put("haven_outbox_depth", (double) rs.getLong(1));
            }
        }
        return out;
    }
}
