package org.haven.gateway.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the server keeps of a conversation around its hand-off, and for how long. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HandOffTest {
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String OUR_NUMBER = "+15145550100";

    /**
     * Verifies that conversations that never became a case are deleted, with their outbox rows,
     * once the resume window has passed since their last message (they were kept for ever), and
     * that a conversation still inside the window and a handed-off one are kept.
     */
    @Test
    void testUnfinishedConversationsGoWhenTheResumeWindowPasses(@TempDir Path dataDir)
            throws Exception {
        String url = TestPostgres.newDatabase();
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
            TestHaven.setUpAdmin(haven);
            IntakeDriver.completeIntake(haven.port(), "kept-" + UUID.randomUUID());
            for (int i = 0; i < 2; i++) {
                try (ChatClient chat = ChatClient.connect(haven.port())) {
                    IntakeDriver.run(chat, IntakeDriver.survivorAnswers("partial").subList(0, 5));
                }
            }
            PgConnectOptions db = haven.database().connectOptions();
            assertEquals(
                    List.of(List.of("3", "2")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*), count(*) FILTER (WHERE case_id IS NULL) FROM conversations"));
            // one unfinished conversation last wrote two days ago, the resume window is one day
            DatabaseDump.query(
                    db,
                    "UPDATE conversations SET updated_at = now() - interval '2 days' WHERE id = (SELECT id FROM"
                            + " conversations WHERE case_id IS NULL ORDER BY created_at LIMIT 1) RETURNING id");
            DatabaseDump.query(
                    db,
                    "UPDATE conversations SET updated_at = now() - interval '2 days' WHERE case_id IS NOT NULL"
                            + " RETURNING id");
            int expired =
                    new Retention(haven.database().db(), 365, TestHaven.auditKey(dataDir))
                            .expireUnfinished(Duration.ofDays(1))
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
            assertEquals(1, expired);
            assertEquals(
                    List.of(List.of("2", "1")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*), count(*) FILTER (WHERE case_id IS NULL) FROM conversations"));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM outbox o WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.id = o.conversation_id)"));
        }
    }

    /**
     * Verifies that a conversation handed off before version 16, which kept the person's number
     * under the server keyring, has it sealed into its case at the next start and cleared from the
     * conversation, and that a coordinator's reply still reaches that number.
     */
    @Test
    void testLegacyAddressIsSealedIntoItsCaseAtStart(@TempDir Path dataDir) throws Exception {
        String url = TestPostgres.newDatabase();
        String phone = "+16135550166";
        Map<String, String> settings =
                Map.of(
                        "HAVEN_DB_URL",
                        url,
                        "HAVEN_PUBLIC_URL",
                        PUBLIC_URL,
                        "HAVEN_TWILIO_ACCOUNT_SID",
                        ACCOUNT,
                        "HAVEN_TWILIO_AUTH_TOKEN",
                        TOKEN,
                        "HAVEN_TWILIO_FROM",
                        OUR_NUMBER);
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT)) {
            Map<String, String> withApi = new HashMap<>(settings);
            withApi.put("HAVEN_TWILIO_API_URL", twilio.url());
            String casePath;
            try (Haven haven = TestHaven.start(dataDir, withApi)) {
                TestHaven.setUpAdmin(haven);
                TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
                List<String> texts = new ArrayList<>(List.of("Hello"));
                texts.addAll(IntakeDriver.survivorAnswers("legacy-" + UUID.randomUUID()));
                for (String text : texts) {
                    assertEquals(
                            200,
                            webhook.postSigned(
                                            "/webhooks/twilio/sms",
                                            TwilioWebhook.smsForm(
                                                    ACCOUNT,
                                                    TwilioWebhook.newMessageSid(),
                                                    phone,
                                                    OUR_NUMBER,
                                                    text),
                                            TOKEN)
                                    .statusCode());
                }
                casePath = caseLink(TestHaven.loggedIn(haven).get("/inbox").body());
                // what a version before 16 left: no contact entry, the number under the server
                // keyring in the conversation
                ServerSecrets keys =
                        ServerSecrets.loadOrCreate(
                                dataDir.resolve("secrets").resolve("server-keys"));
                PgConnectOptions db = haven.database().connectOptions();
                String conversation =
                        DatabaseDump.query(db, "SELECT id FROM conversations").get(0).get(0);
                byte[] legacy =
                        keys.keyring()
                                .encrypt(
                                        phone.getBytes(StandardCharsets.UTF_8),
                                        Outbox.aad("address", UUID.fromString(conversation)));
                DatabaseDump.query(
                        db, "DELETE FROM case_entries WHERE kind = 'contact' RETURNING seq");
                DatabaseDump.query(
                        db,
                        "UPDATE conversations SET address = '\\x"
                                + HexFormat.of().formatHex(legacy)
                                + "'::bytea RETURNING id");
            }
            try (Haven haven = TestHaven.start(dataDir, withApi)) {
                PgConnectOptions db = haven.database().connectOptions();
                assertEquals(
                        List.of(List.of("0", "1")),
                        DatabaseDump.query(
                                db,
                                "SELECT (SELECT count(*) FROM conversations"
                                        + " WHERE address IS NOT NULL), (SELECT count(*) FROM case_entries WHERE kind = 'contact')"));
                InboxClient inbox = TestHaven.loggedIn(haven);
                assertEquals(
                        302,
                        inbox.postWithCsrf(inbox.get(casePath).body(), casePath + "/claim")
                                .statusCode());
                String reply = "reply-" + UUID.randomUUID();
                String location =
                        inbox.postWithCsrf(
                                        inbox.get(casePath).body(),
                                        casePath + "/reply",
                                        "text",
                                        reply,
                                        "canned",
                                        "")
                                .headers()
                                .firstValue("Location")
                                .orElse("");
                assertTrue(location.endsWith("m=case.reply.sent"), location);
                twilio.await(r -> phone.equals(r.to()) && r.body().contains(reply), 30);
            }
        }
    }

    private static String caseLink(String queue) {
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue);
        assertTrue(m.find(), "no case in the queue");
        return m.group(1);
    }
}
