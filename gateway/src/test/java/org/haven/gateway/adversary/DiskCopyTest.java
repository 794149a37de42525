package org.haven.gateway.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.crypto.DataKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.Haven;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.backup.LogicalBackup;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.DiskAdversary;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adversary of docs/crypto.md's first row: someone with a copy of the data directory (the
 * embedded database's files included), a dump of the database and a {@code haven backup}, and the
 * server keys beside them. What a person said after hand-off, and where they can be reached, must
 * stay out of their reach.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskCopyTest {
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String OUR_NUMBER = "+15145550100";
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String PHONE = "+16135550172";
    private static final List<String> PHONE_FORMS =
            List.of(
                    "+16135550172",
                    "16135550172",
                    "6135550172",
                    "613-555-0172",
                    "613 555 0172",
                    "%2B16135550172");
    private static final Pattern CASE_LINK =
            Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"");

    /**
     * Verifies that after an SMS intake and a web chat intake are handed off, the person writes
     * again, and a coordinator replies and adds a note to each case, a copy of the data directory,
     * a dump and a backup, with the server keys in hand, give back no answer, message, reply, note,
     * phone number or contact detail of either conversation: nothing in clear; every server-keyring
     * ciphertext in the live rows, the dump, the backup and the leftovers in PostgreSQL's files
     * opened with every associated data the database suggests holds none of it; and even with the
     * person's phone number guessed, their conversation state holds no answer. The case entries
     * stay sealed: no team private key is anywhere readable. Leftovers of outbound messages (a
     * reply, the number it went to) in PostgreSQL's files open until the server keyring is rotated;
     * after {@code haven server-keys rotate}, a new copy opens none.
     */
    @Test
    void testDiskDumpAndBackupWithServerKeysRevealNothingSaid(
            @TempDir Path dataDir, @TempDir Path work) throws Exception {
        String smsMarker = "sms-" + UUID.randomUUID();
        String webMarker = "web-" + UUID.randomUUID();
        String smsLater = "later-" + UUID.randomUUID();
        String webLater = "later-" + UUID.randomUUID();
        // ("Syria", an answer too, is also a time zone's name in PostgreSQL's own files: the
        // markers stand for the answers)
        List<String> said =
                new ArrayList<>(
                        List.of(
                                smsMarker,
                                webMarker,
                                smsLater,
                                webLater,
                                "+1 416 555 0199",
                                "416 555 0199"));
        // what passes through the outbox on its way out: a coordinator's reply, and the number it
        // goes to
        List<String> queued = new ArrayList<>(PHONE_FORMS);
        PgConnectOptions db;
        String resumeToken;
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT);
                Haven haven =
                        TestHaven.start(
                                dataDir,
                                TestHaven.embedded(
                                        twilio.smsSettings(
                                                PUBLIC_URL, ACCOUNT, TOKEN, OUR_NUMBER)))) {
            db = haven.database().connectOptions();
            TestHaven.setUpAdmin(haven);
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            List<String> texts = new ArrayList<>(List.of("Hello"));
            texts.addAll(IntakeDriver.survivorAnswers(smsMarker));
            texts.add("Something more I remembered " + smsLater);
            for (String text : texts) {
                HttpResponse<String> r =
                        webhook.postSigned(
                                "/webhooks/twilio/sms",
                                TwilioWebhook.smsForm(
                                        ACCOUNT,
                                        TwilioWebhook.newMessageSid(),
                                        PHONE,
                                        OUR_NUMBER,
                                        text),
                                TOKEN);
                assertEquals(200, r.statusCode());
            }
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                resumeToken =
                        IntakeDriver.run(chat, IntakeDriver.survivorAnswers(webMarker))
                                .resumeToken();
                chat.say("And one more thing " + webLater);
                chat.nextOfType("ack");

                InboxClient inbox = TestHaven.loggedIn(haven);
                List<String> cases = awaitCases(inbox, 2);
                for (String path : cases) {
                    String reply = "reply-" + UUID.randomUUID();
                    String note = "note-" + UUID.randomUUID();
                    queued.add(reply);
                    said.add(note);
                    CaseWork.claimReplyAndNote(inbox, path, reply, note);
                }
                twilio.await(
                        r -> PHONE.equals(r.to()) && r.body().startsWith("Coordinator: reply-"),
                        30);
                boolean got = false;
                for (int i = 0; i < 10 && !got; i++) {
                    got =
                            String.valueOf(chat.nextOfType("reply").getString("text"))
                                    .contains("reply-");
                }
                assertTrue(got, "the web chat got no coordinator reply");
            }
            awaitNothingPending(db);

            // the adversary's copies, taken from the running system
            copyTree(dataDir, work.resolve("disk"));
            Files.writeString(work.resolve("dump.sql"), DatabaseDump.dump(db));
            LogicalBackup.backup(
                    DatabaseUrl.parse(
                            "postgresql://"
                                    + db.getUser()
                                    + ":"
                                    + (db.getPassword() == null ? "" : db.getPassword())
                                    + "@"
                                    + db.getHost()
                                    + ":"
                                    + db.getPort()
                                    + "/"
                                    + db.getDatabase()),
                    work.resolve("backup"));
            adversaryReads(work, db, said, queued, resumeToken);
        }

        // the operator rotates the server keyring (Haven stopped): a copy taken after it opens
        // nothing that was queued
        HavenCli.Run rotated =
                HavenCli.run(Map.of("HAVEN_DATA_DIR", dataDir.toString()), "server-keys", "rotate");
        assertEquals(0, rotated.code(), rotated.toString());
        assertTrue(
                rotated.out().startsWith("server keyring rotated to key 2: "), rotated.toString());
        copyTree(dataDir, work.resolve("disk-after"));
        ServerSecrets after =
                ServerSecrets.loadOrCreate(
                        work.resolve("disk-after").resolve("secrets").resolve("server-keys"));
        assertEquals(Set.of(2), after.keyring().keyIds(), "the old key is still in the key file");
        List<String> opened =
                new DiskAdversary()
                        .addTree(work.resolve("disk-after"))
                        .decryptAll(
                                after.keyring(), aads(Files.readString(work.resolve("dump.sql"))));
        for (String plain : opened) {
            for (String s : said) {
                assertFalse(plain.contains(s), "after the rotation, something said opened");
            }
            for (String s : queued) {
                assertFalse(
                        plain.contains(s),
                        "after the rotation, a leftover of an outbound message or its address opened");
            }
        }
        System.out.println(
                "after the rotation the server keyring opened "
                        + opened.size()
                        + " working ciphertexts, none with"
                        + " anything said or sent");
    }

    private static void adversaryReads(
            Path work,
            PgConnectOptions db,
            List<String> said,
            List<String> queued,
            String resumeToken)
            throws Exception {
        ServerSecrets keys =
                ServerSecrets.loadOrCreate(
                        work.resolve("disk").resolve("secrets").resolve("server-keys"));
        DiskAdversary adversary =
                new DiskAdversary()
                        .addTree(work.resolve("disk"))
                        .addTree(work.resolve("backup"))
                        .add(Files.readAllBytes(work.resolve("dump.sql")));
        List<String> everything = new ArrayList<>(said);
        everything.addAll(queued);
        assertEquals(
                List.of(),
                adversary.inClear(everything),
                "in clear in the disk copy, the dump or the backup");
        // the live rows, the dump and the backup hold no server-keyring ciphertext of anything sent
        // or said
        List<String> liveAads = aads(Files.readString(work.resolve("dump.sql")));
        List<String> live =
                new DiskAdversary()
                        .addTree(work.resolve("backup"))
                        .add(Files.readAllBytes(work.resolve("dump.sql")))
                        .decryptAll(keys.keyring(), liveAads);
        for (String plain : live) {
            for (String s : everything) {
                assertFalse(
                        plain.contains(s),
                        "the dump or the backup opened with the server keys holds something ("
                                + s.length()
                                + ")");
            }
        }

        // every server-keyring ciphertext in the copied files, old row versions included: nothing a
        // person said or
        // wrote, ever; what was queued to go out (a reply, the number) only from leftovers of rows
        // since finished,
        // until the server keyring is rotated (docs/crypto.md)
        List<String> opened = adversary.decryptAll(keys.keyring(), liveAads);
        long leftovers = 0;
        for (String plain : opened) {
            for (String s : said) {
                assertFalse(
                        plain.contains(s),
                        "the server keyring opened something said (" + said.indexOf(s) + ")");
            }
            leftovers += queued.stream().anyMatch(plain::contains) ? 1 : 0;
        }
        System.out.println(
                "in the copied files the server keyring opened "
                        + opened.size()
                        + " working ciphertexts: none with"
                        + " anything said, "
                        + leftovers
                        + " leftovers of outbound messages or their address");

        // the conversation states are under keys derived from each person's address: without it,
        // nothing opens
        List<List<String>> states =
                DatabaseDump.query(
                        db, "SELECT id, channel, encode(state, 'hex') FROM conversations");
        assertEquals(2, states.size());
        for (List<String> row : states) {
            byte[] state = HexFormat.of().parseHex(row.get(2));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> keys.keyring().decrypt(state, aad(row.get(0))));
            String address = "sms".equals(row.get(1)) ? PHONE : resumeToken;
            // an adversary who guessed the number (or held the resume token) opens the state: it
            // holds no answer
            String plain = openState(keys, row.get(1), address, row.get(0), state);
            assertTrue(plain.contains("\"h\":true"), "not a handed-off state");
            for (String s : said) {
                assertFalse(
                        plain.contains(s),
                        "a handed-off state holds something said (" + said.indexOf(s) + ")");
            }
        }
        assertEquals(
                List.of(List.of("0", "0")),
                DatabaseDump.query(
                        db,
                        "SELECT count(*) FILTER (WHERE body IS NOT NULL), count(*) FILTER (WHERE address IS NOT NULL) FROM outbox"));
        assertEquals(
                List.of(List.of("0")),
                DatabaseDump.query(
                        db, "SELECT count(*) FROM conversations WHERE address IS NOT NULL"));
        // the web chat person's own copy since hand-off is there, as ciphertext only (checked with
        // everything above)
        assertTrue(
                Integer.parseInt(
                                DatabaseDump.query(db, "SELECT count(*) FROM person_history")
                                        .get(0)
                                        .get(0))
                        >= 3,
                "the web chat person's own copy is missing");
        assertEquals(
                List.of(List.of("0")),
                DatabaseDump.query(db, "SELECT count(*) FROM pending_setup"));
        assertFalse(
                Files.exists(work.resolve("disk").resolve("setup-code.txt")),
                "the setup code outlived setup");
    }

    /** The associated data the adversary can build from every id the database holds. */
    private static List<String> aads(String dump) {
        List<String> aads = new ArrayList<>(List.of("haven/spool"));
        Matcher ids =
                Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
                        .matcher(dump);
        while (ids.find()) {
            for (String kind : List.of("conversation", "outbox", "address")) {
                aads.add("haven/" + kind + "/" + ids.group());
            }
        }
        return aads.stream().distinct().toList();
    }

    private static byte[] aad(String conversationId) {
        return ("haven/conversation/" + conversationId).getBytes(StandardCharsets.UTF_8);
    }

    private static String openState(
            ServerSecrets keys, String channel, String address, String id, byte[] state)
            throws Exception {
        DataKey key =
                DataKey.fromBytes(
                        keys.contactHash().hash("haven-state|" + channel + ":" + address),
                        SecretKeyAccess.INSECURE);
        String json = new String(key.decrypt(state, aad(id)), StandardCharsets.UTF_8);
        String engine = new JsonObject(json).getString("s");
        return json + new String(Base64.getDecoder().decode(engine), StandardCharsets.UTF_8);
    }

    private static List<String> awaitCases(InboxClient inbox, int n) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<String> links = new ArrayList<>();
            Matcher m = CASE_LINK.matcher(inbox.get("/inbox").body());
            while (m.find()) {
                if (!links.contains(m.group(1))) {
                    links.add(m.group(1));
                }
            }
            if (links.size() >= n || System.nanoTime() > end) {
                assertEquals(n, links.size(), "cases in the queue");
                return links;
            }
            Thread.sleep(200);
        }
    }

    private static void awaitNothingPending(PgConnectOptions db) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!DatabaseDump.query(db, "SELECT count(*) FROM outbox WHERE status = 'pending'")
                .equals(List.of(List.of("0")))) {
            if (System.nanoTime() > end) {
                throw new AssertionError("replies still pending");
            }
            Thread.sleep(200);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p)) {
                    try {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (NoSuchFileException gone) {
                        // removed while copying
                    }
                }
            }
        }
    }
}
