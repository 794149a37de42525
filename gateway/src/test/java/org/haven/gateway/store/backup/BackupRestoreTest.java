package org.haven.gateway.store.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.haven.gateway.Haven;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The backup and restore of docs/operations.md, end to end on real databases. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BackupRestoreTest {

    /**
     * Verifies that a backup restored into a fresh PostgreSQL, with the server key file kept apart,
     * gives a Haven where the administrator logs in with their passphrase, opens the case and reads
     * its answers; that the backup holds no answer in clear; that the restored database takes new
     * intakes (sequences moved on); and that restoring over a non-empty database is refused.
     */
    @Test
    void testRestoredDatabaseOpensTheCase(@TempDir Path work) throws Exception {
        String marker = "backup-" + UUID.randomUUID();
        Path original = work.resolve("original");
        Path backup = work.resolve("backup");
        String reference;
        // the source and the fresh database: two databases of the shared test server (a server each
        // took two initdb)
        String source = TestPostgres.newDatabase();
        DatabaseUrl sourceUrl = DatabaseUrl.parse(source);
        try (Haven haven = TestHaven.start(original, Map.of("HAVEN_DB_URL", source))) {
            TestHaven.setUpAdmin(haven);
            IntakeDriver.completeIntake(haven.port(), marker);
            reference =
                    IntakeDriver.onlyCaseReference(TestHaven.loggedIn(haven).get("/inbox").body());
        }
        LogicalBackup.Summary made = LogicalBackup.backup(sourceUrl, backup);
        assertTrue(
                made.rows().get("cases") >= 1 && made.rows().get("accounts") >= 1,
                made.rows().toString());
        assertThrows(
                IOException.class,
                () -> LogicalBackup.backup(sourceUrl, backup),
                "wrote into a non-empty directory");
        String everything = readAll(backup);
        assertTrue(everything.contains(reference), "the backup does not hold the case");
        assertFalse(
                everything.contains(marker) || everything.contains(hex(marker)),
                "an answer in clear in the backup");
        assertFalse(
                everything.contains("416 555 0199") || everything.contains(hex("+1 416 555 0199")),
                "a number in clear");

        String fresh = TestPostgres.newDatabase();
        DatabaseUrl freshUrl = DatabaseUrl.parse(fresh);
        LogicalBackup.Summary restored = LogicalBackup.restore(freshUrl, backup);
        assertEquals(LogicalBackup.backup(freshUrl, work.resolve("again")).rows(), restored.rows());
        assertThrows(
                IOException.class,
                () -> LogicalBackup.restore(freshUrl, backup),
                "restored over existing data");

        // a new node: empty data dir, the server key file restored separately
        Path keys = original.resolve("secrets").resolve("server-keys");
        Path node = work.resolve("restored-node");
        try (Haven haven =
                TestHaven.start(
                        node,
                        Map.of("HAVEN_DB_URL", fresh, "HAVEN_SERVER_KEYS_FILE", keys.toString()))) {
            assertFalse(
                    Files.exists(node.resolve("setup-code.txt")),
                    "a new team key was made instead of the restored one");
            InboxClient admin = TestHaven.loggedIn(haven.port(), original, TestHaven.ADMIN);
            String queue = admin.get("/inbox").body();
            assertEquals(reference, IntakeDriver.onlyCaseReference(queue));
            Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue);
            assertTrue(m.find());
            HttpResponse<String> page = admin.get(m.group(1));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains(marker), "the restored case's answers are unreadable");
            assertTrue(
                    page.body().contains("+1 416 555 0199"),
                    "the restored contact number is unreadable");

            IntakeDriver.completeIntake(haven.port(), "after-restore-" + UUID.randomUUID());
            assertTrue(
                    admin.get("/inbox").body().split("HV-", -1).length > 2,
                    "no new case after the restore");
        }
    }

    private static String readAll(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                if (f.toString().endsWith(".gz")) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        in.transferTo(out);
                        all.append(out.toString(StandardCharsets.UTF_8));
                    }
                } else {
                    all.append(Files.readString(f));
                }
            }
        }
        return all.toString();
    }

    private static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
