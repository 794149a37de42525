package org.haven.gateway.channel.whatsapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention purge and the expiry of unfinished conversations on WhatsApp, as on the other
 * channels: a closed case past the period goes with its conversation, its sealed voice note, its
 * window and its outbox; an intake left with a voice note held goes with the note once the resume
 * window has passed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WhatsAppRetentionTest {
    private static final Pattern CASE_PATH =
            Pattern.compile("href=\"/inbox/cases/([0-9a-f-]{36})\"");

    /**
     * Verifies that a WhatsApp case closed beyond the period, with a voice note sealed into it, is
     * gone from the database after the purge (case, entries, attachment, conversation, window,
     * outbox), that a WhatsApp case closed inside the period stays, and that an unfinished WhatsApp
     * intake whose voice note is held goes with the note when it expires.
     */
    @Test
    void testPurgeAndExpiryTakeWhatsAppCasesWithTheirMedia(@TempDir Path dataDir) throws Exception {
        String oldMarker = "old-" + UUID.randomUUID();
        String newMarker = "new-" + UUID.randomUUID();
        String oldPhone = "whatsapp:+16135550181";
        String newPhone = "whatsapp:+16135550182";
        String idlePhone = "whatsapp:+16135550183";
        try (FakeTwilio twilio = WhatsAppIntakeTest.startTwilio();
                Haven haven = WhatsAppIntakeTest.startHaven(dataDir, twilio)) {
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = WhatsAppIntakeTest.webhook(haven);
            intakeWithVoiceNote(twilio, webhook, oldPhone, oldMarker, true);
            intakeWithVoiceNote(twilio, webhook, newPhone, newMarker, true);
            intakeWithVoiceNote(twilio, webhook, idlePhone, "idle", false);

            InboxClient admin = TestHaven.loggedIn(haven);
            UUID oldCase = caseId(admin, oldMarker);
            UUID newCase = caseId(admin, newMarker);
            close(admin, oldCase);
            close(admin, newCase);
            PgConnectOptions db = haven.database().connectOptions();
            String oldConversation =
                    one(db, "SELECT conversation_id FROM cases WHERE id = '" + oldCase + "'");
            assertEquals(
                    "1",
                    one(
                            db,
                            "SELECT count(*) FROM case_entries WHERE kind = 'attachment' AND case_id = '"
                                    + oldCase
                                    + "'"),
                    "the voice note is not sealed into the case");
            assertEquals(
                    "1",
                    one(
                            db,
                            "SELECT count(*) FROM reply_windows WHERE conversation_id = '"
                                    + oldConversation
                                    + "'"));
            assertEquals("1", one(db, "SELECT count(*) FROM held_media"));
            DatabaseDump.query(
                    db,
                    "UPDATE cases SET closed_at = now() - interval '400 days' WHERE id = '"
                            + oldCase
                            + "' RETURNING id");

            Retention retention =
                    new Retention(haven.database().db(), 365, TestHaven.auditKey(dataDir));
            Retention.Purge purge =
                    retention
                            .purge(false, "system:retention")
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
            assertEquals(1, purge.cases());
            assertEquals(1, purge.conversations());
            for (String table :
                    List.of(
                            "cases WHERE id = '" + oldCase + "'",
                            "case_entries WHERE case_id = '" + oldCase + "'",
                            "entry_keys WHERE case_id = '" + oldCase + "'",
                            "conversations WHERE id = '" + oldConversation + "'",
                            "reply_windows WHERE conversation_id = '" + oldConversation + "'",
                            "outbox WHERE conversation_id = '" + oldConversation + "'")) {
                assertEquals("0", one(db, "SELECT count(*) FROM " + table), table);
            }
            assertEquals(
                    "1",
                    one(
                            db,
                            "SELECT count(*) FROM case_entries WHERE kind = 'attachment' AND case_id = '"
                                    + newCase
                                    + "'"),
                    "the case closed inside the period lost its voice note");
            String dump = withoutAuditLog(DatabaseDump.dump(db));
            assertFalse(dump.contains(oldCase.toString()), "the purged case is still there");
            assertFalse(dump.contains(oldConversation), "its conversation is still there");

            // the unfinished intake: its voice note is held under the server keyring until the
            // resume window passes, then goes with the conversation
            DatabaseDump.query(
                    db,
                    "UPDATE conversations SET updated_at = now() - interval '2 days'"
                            + " WHERE case_id IS NULL RETURNING id");
            int expired =
                    retention
                            .expireUnfinished(Duration.ofDays(1))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
            assertEquals(1, expired);
            assertEquals("0", one(db, "SELECT count(*) FROM held_media"));
            assertEquals(
                    "1",
                    one(db, "SELECT count(*) FROM reply_windows"),
                    "a window outlived its conversation, or the kept case lost its own");
        }
    }

    /**
     * Runs an intake over WhatsApp with a voice note at the country question; to the hand-off when
     * {@code finish}, else stopping right after the note.
     */
    private static void intakeWithVoiceNote(
            FakeTwilio twilio, TwilioWebhook webhook, String phone, String marker, boolean finish)
            throws Exception {
        List<String> texts = new ArrayList<>(List.of("Hello"));
        texts.addAll(IntakeDriver.survivorAnswers(marker));
        for (int i = 0; i < texts.size(); i++) {
            if (i == 8) {
                String sid = WhatsAppIntakeTest.mediaSid();
                String url =
                        twilio.addMedia(
                                sid,
                                "audio/ogg",
                                ("OggS\0\0" + marker).getBytes(StandardCharsets.UTF_8));
                post(webhook, WhatsAppIntakeTest.form(sid, phone, "", url, "audio/ogg"));
                if (!finish) {
                    return;
                }
            }
            post(
                    webhook,
                    WhatsAppIntakeTest.form(
                            TwilioWebhook.newMessageSid(), phone, texts.get(i), null, null));
        }
    }

    private static void post(TwilioWebhook webhook, String form) throws Exception {
        WhatsAppIntakeTest.postAccepted(webhook, form);
    }

    private static UUID caseId(InboxClient admin, String marker) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Matcher m = CASE_PATH.matcher(admin.get("/inbox?queue=new&q=" + marker).body());
            if (m.find()) {
                return UUID.fromString(m.group(1));
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("case not found by its marker");
            }
            Thread.sleep(200);
        }
    }

    private static void close(InboxClient admin, UUID caseId) throws Exception {
        String path = "/inbox/cases/" + caseId;
        HttpResponse<String> r =
                admin.postWithCsrf(admin.get(path).body(), path + "/status", "status", "closed");
        assertEquals(302, r.statusCode(), r.body());
    }

    private static String one(PgConnectOptions db, String sql) throws Exception {
        return DatabaseDump.query(db, sql).get(0).get(0);
    }

    private static String withoutAuditLog(String dump) {
        // audit entries keep the ids of purged cases (identifiers only, never content): by design
        int start = dump.indexOf("-- audit_log\n");
        if (start < 0) {
            return dump;
        }
        int end = dump.indexOf("\n-- ", start + 1);
        return dump.substring(0, start) + (end < 0 ? "" : dump.substring(end + 1));
    }
}
