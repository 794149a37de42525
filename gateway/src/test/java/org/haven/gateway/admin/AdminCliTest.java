package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The administrator's commands run in-process through picocli, against a real PostgreSQL ({@code
 * HAVEN_DB_URL}).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminCliTest {
    @TempDir static Path dataDir;
    private static Map<String, String> env;

    @BeforeAll
    static void database() throws Exception {
        env =
                Map.of(
                        "HAVEN_DB_URL",
                        TestPostgres.newDatabase(),
                        "HAVEN_DATA_DIR",
                        dataDir.toString());
        TestHaven.auditKey(dataDir); // the server keys a server's first start would have made
    }

    /**
     * Verifies that audit verify without the server keys (which hold the audit key) fails with one
     * line, checking nothing.
     */
    @Test
    void testAuditVerifyFailsWithoutServerKeys(@TempDir Path elsewhere) {
        HavenCli.Run run =
                HavenCli.run(
                        Map.of(
                                "HAVEN_DB_URL",
                                env.get("HAVEN_DB_URL"),
                                "HAVEN_DATA_DIR",
                                elsewhere.toString()),
                        "audit",
                        "verify");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().startsWith("haven: no server keys in "), run.toString());
        assertEquals("", run.out());
    }

    /** Verifies that every command prints its help and exits 0 with --help. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "audit",
                "audit verify",
                "audit list",
                "retention",
                "retention show",
                "retention set",
                "retention purge",
                "serve",
                "intake",
                "intake check",
                "account",
                "account list",
                "account add",
                "account remove",
                "agency",
                "agency list",
                "agency add",
                "team-key",
                "team-key rotate"
            })
    void testHelpIsPrintedForEveryCommand(String command) {
        List<String> args =
                new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
        args.add("--help");
        HavenCli.Run run = HavenCli.run(env, args.toArray(new String[0]));
        assertEquals(0, run.code(), run.toString());
        assertTrue(
                run.out().startsWith("Usage: haven" + (command.isEmpty() ? "" : " " + command)),
                run.toString());
    }

    /**
     * Verifies that {@code intake check} passes the shipped script and names file:line for a broken
     * one.
     */
    @Test
    void testIntakeCheckReportsFindingsWithLines(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("intake.yaml");
        String shipped =
                new String(
                        AdminCliTest.class
                                .getResourceAsStream("/intake/default.yaml")
                                .readAllBytes(),
                        StandardCharsets.UTF_8);
        Files.writeString(
                dir.resolve("directory.yaml"),
                new String(
                        AdminCliTest.class
                                .getResourceAsStream("/intake/directory.yaml")
                                .readAllBytes(),
                        StandardCharsets.UTF_8));
        Files.writeString(script, shipped);
        HavenCli.Run ok = HavenCli.run(env, "intake", "check", script.toString());
        assertEquals(0, ok.code(), ok.toString());
        assertTrue(ok.out().contains("intake script ok"), ok.toString());
        Files.writeString(script, shipped.replaceFirst("go to: contact_way", "go to: nowhere"));
        HavenCli.Run bad = HavenCli.run(env, "intake", "check", script.toString());
        assertEquals(1, bad.code(), bad.toString());
        assertTrue(bad.out().matches("(?s).*intake\\.yaml:\\d+: .*nowhere.*"), bad.toString());
        // the segment budget is enforced for every text, messages included (issue 25: a 12-segment
        // help text passed)
        Files.writeString(script, shipped);
        HavenCli.Run tight =
                HavenCli.run(env, "intake", "check", script.toString(), "--segments", "1");
        assertEquals(1, tight.code(), tight.toString());
        assertTrue(tight.out().contains("message 'help' in 'ar' takes"), tight.toString());
    }

    /**
     * Verifies that bad input exits non-zero with one line naming the problem, and no stack trace.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "audit list --limit 0|--limit must be from 1 to 10000",
                "audit list --limit many|Invalid value for option '--limit'",
                "audit list --since yesterday|--since must be a date like 2026-01-31",
                "audit list --case HV-ABC123|--case must be a case id",
                "audit frobnicate|Unmatched argument at index 1: 'frobnicate'",
                "audit|audit needs a command: verify or list",
                "retention|retention needs a command: show, set or purge",
                "retention set|Missing required parameter: 'DAYS'",
                "retention set ten|DAYS must be a whole number from 1 to 36500, got 'ten'",
                "retention set 0|DAYS must be a whole number from 1 to 36500, got '0'",
                "retention purge --force|Unknown option: '--force'",
                "intake check /nonexistent/intake.yaml|no such file: /nonexistent/intake.yaml",
                "intake|intake needs a command: check",
                "account|account needs a command: list, add, remove or passphrase",
                "account passphrase|Missing required option: '--username=NAME'",
                "account passphrase --username rita --passphrase x|Unknown option",
                "account add --username rita|Missing required option: '--role=ROLE'",
                "account add --username rita --role boss|--role must be coordinator, admin or agency, got 'boss'",
                "account add --username rita --role admin --group toronto|--group is for coordinators only",
                "account add --username rita --role coordinator --agency 1|--agency is for agency workers only",
                "account add --username rita --role agency --agency many|Invalid value for option '--agency'",
                "account add --username rita --role admin --passphrase x|Unknown option",
                "account remove|Missing required argument",
                "account remove --username rita --id 3|mutually exclusive",
                "agency|agency needs a command: list or add",
                "agency add|Missing required option: '--name=NAME'",
                "team-key|team-key needs a command: rotate",
                "team-key rotate --now|Unknown option: '--now'"
            })
    void testBadInputFailsWithOneClearLine(String command, String message) {
        HavenCli.Run run = HavenCli.run(env, command.split(" "));
        assertEquals(2, run.code(), run.toString());
        assertEquals("", run.out(), run.toString());
        String[] lines = run.err().split("\n");
        assertEquals(1, lines.length, run.toString());
        assertTrue(lines[0].startsWith("haven: ") && lines[0].contains(message), run.toString());
        assertTrue(lines[0].endsWith("--help)"), run.toString());
    }

    /** Verifies that invalid configuration is one line and exit 2, naming the setting. */
    @Test
    void testInvalidConfigurationFailsWithOneLine() {
        HavenCli.Run run =
                HavenCli.run(
                        Map.of("HAVEN_DB_URL", "mysql://x", "HAVEN_DATA_DIR", dataDir.toString()),
                        "retention",
                        "show");
        assertEquals(2, run.code(), run.toString());
        assertEquals(
                "haven: invalid configuration: HAVEN_DB_URL must start with postgresql://\n",
                run.err());
        HavenCli.Run days =
                HavenCli.run(
                        Map.of(
                                "HAVEN_DB_URL",
                                env.get("HAVEN_DB_URL"),
                                "HAVEN_RETENTION_DAYS",
                                "forever"),
                        "retention",
                        "show");
        assertEquals(2, days.code(), days.toString());
        assertTrue(
                days.err().contains("HAVEN_RETENTION_DAYS must be a whole number of days"),
                days.toString());
        HavenCli.Run token =
                HavenCli.run(
                        Map.of(
                                "HAVEN_DB_URL",
                                env.get("HAVEN_DB_URL"),
                                "HAVEN_METRICS_TOKEN",
                                "tiny-secret"),
                        "audit",
                        "verify");
        assertEquals(2, token.code(), token.toString());
        assertEquals(
                "haven: invalid configuration: HAVEN_METRICS_TOKEN must be at least 16 characters\n",
                token.err());
    }

    /** Verifies that an unreachable database is one line and exit 1, without the password. */
    @Test
    void testUnreachableDatabaseFailsWithOneLine() {
        HavenCli.Run run =
                HavenCli.run(
                        Map.of(
                                "HAVEN_DB_URL",
                                "postgresql://haven:s3cret-pw@127.0.0.1:1/haven",
                                "HAVEN_DATA_DIR",
                                dataDir.toString()),
                        "audit",
                        "verify");
        assertEquals(1, run.code(), run.toString());
        assertTrue(run.err().startsWith("haven: cannot open the database"), run.toString());
        assertFalse(run.toString().contains("s3cret-pw"));
    }

    /**
     * Verifies that retention shows the configured default, takes a stored period, and audits the
     * change.
     */
    @Test
    void testRetentionSetOverridesTheConfiguredPeriod() {
        Map<String, String> with = new HashMap<>(env);
        with.put("HAVEN_DB_URL", uncheckedNewDatabase());
        with.put("HAVEN_RETENTION_DAYS", "30");
        HavenCli.Run shown = HavenCli.run(with, "retention", "show");
        assertEquals(0, shown.code(), shown.toString());
        assertTrue(
                shown.out().startsWith("retention: 30 days (HAVEN_RETENTION_DAYS"),
                shown.toString());

        HavenCli.Run set = HavenCli.run(with, "retention", "set", "90");
        assertEquals(0, set.code(), set.toString());
        assertEquals("retention set to 90 days\n", set.out());
        HavenCli.Run again = HavenCli.run(with, "retention", "show");
        assertTrue(
                again.out().startsWith("retention: 90 days (set by an administrator"),
                again.toString());

        HavenCli.Run dry = HavenCli.run(with, "retention", "purge", "--dry-run");
        assertEquals(0, dry.code(), dry.toString());
        assertTrue(
                dry.out()
                        .startsWith(
                                "would delete 0 closed case(s) and 0 conversation(s) closed before "),
                dry.toString());
        assertTrue(dry.out().contains("(retention 90 days)"), dry.toString());

        HavenCli.Run purge = HavenCli.run(with, "retention", "purge");
        assertEquals(0, purge.code(), purge.toString());
        assertTrue(purge.out().startsWith("deleted 0 closed case(s)"), purge.toString());

        HavenCli.Run list = HavenCli.run(with, "audit", "list", "--actor", "cli");
        assertEquals(0, list.code(), list.toString());
        String[] lines = list.out().split("\n");
        assertEquals(2, lines.length, list.toString()); // the dry run is not audited
        assertTrue(lines[0].matches("1\t\\S+\tcli\tretention_set:90\t-"), list.toString());
        assertTrue(lines[1].matches("2\t\\S+\tcli\tretention_purge:0\t-"), list.toString());
        assertEquals(0, HavenCli.run(with, "audit", "verify").code());
    }

    /**
     * Verifies that audit list filters by actor, action, case, date and limit, oldest of the newest
     * N first.
     */
    @Test
    void testAuditListFilters() throws Exception {
        String url = TestPostgres.newDatabase();
        Map<String, String> with =
                Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString());
        assertEquals(0, HavenCli.run(with, "audit", "verify").code()); // migrates
        String caseId = "6f1c7a52-3c1e-4c55-9a3e-0d6a3c1b9e11";
        // appended through the chain by the application's own code path
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir)) {
            AuditLog log = new AuditLog(db.db(), TestHaven.auditKey(dataDir));
            for (String[] e :
                    new String[][] {
                        {"ada", "login", null},
                        {"cora", "login", null},
                        {"cora", "case_view", caseId},
                        {"cora", "status_closed", caseId},
                        {"ada", "case_view", caseId},
                        {"cora", "logout", null}
                    }) {
                log.record(e[0], e[1], e[2] == null ? null : UUID.fromString(e[2]))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close();
        }
        assertEquals(
                List.of(
                        "2 cora login",
                        "3 cora case_view",
                        "4 cora status_closed",
                        "6 cora logout"),
                brief(HavenCli.run(with, "audit", "list", "--actor", "cora")));
        assertEquals(
                List.of("3 cora case_view", "5 ada case_view"),
                brief(HavenCli.run(with, "audit", "list", "--action", "case_")));
        assertEquals(
                List.of("3 cora case_view", "4 cora status_closed", "5 ada case_view"),
                brief(HavenCli.run(with, "audit", "list", "--case", caseId)));
        assertEquals(
                List.of("5 ada case_view", "6 cora logout"),
                brief(HavenCli.run(with, "audit", "list", "--limit", "2")));
        assertEquals(
                List.of(), brief(HavenCli.run(with, "audit", "list", "--since", "2999-01-01")));
        assertEquals(
                6,
                brief(HavenCli.run(with, "audit", "list", "--since", "2000-01-01T00:00:00Z"))
                        .size());
    }

    private static List<String> brief(HavenCli.Run run) {
        assertEquals(0, run.code(), run.toString());
        return run.out()
                .lines()
                .map(
                        l -> {
                            String[] f = l.split("\t");
                            return f[0] + " " + f[2] + " " + f[3];
                        })
                .toList();
    }

    private static String uncheckedNewDatabase() {
        try {
            return TestPostgres.newDatabase();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
