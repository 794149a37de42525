package org.haven.gateway.channel.signal;

import static org.haven.gateway.channel.signal.SignalTestSupport.signalSettings;
import static org.haven.gateway.channel.signal.SignalTestSupport.waitFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.admin.Retention;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.DiskAdversary;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signal in a whole Haven (inbox included) against {@link FakeSignalCli} run as a daemon that
 * downloads attachments into a directory Haven shares ({@code HAVEN_SIGNAL_ATTACHMENTS_DIR}): files
 * sealed into the case and deleted from the daemon, files refused politely, and the resume phrase
 * and the retention purge as on every channel.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SignalAttachmentTest {
    /** The person's ACI: test ACIs start with 516e00 (LogsHaveNoPersonalDataIT looks for them). */
    private static final String ACI = "516e0003-5a4b-4c3d-8e2f-1a2b3c4d5e6f";

    private static final String NUMBER = "+14165550143";
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final int MAX_MEDIA = 4096;
    private static final Pattern CASE_PATH =
            Pattern.compile("href=\"(/inbox/cases/([0-9a-f-]{36}))\"");

    @TempDir Path dataDir;
    @TempDir Path signalDir;
    private Path attachments;
    private Vertx vertx;
    private String databaseUrl;
    private FakeSignalCli daemon;
    private Haven haven;
    private long timestamp = 1_766_000_000_000L;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        attachments = signalDir.resolve("attachments");
        Files.createDirectories(attachments);
        daemon = new FakeSignalCli(vertx, attachments);
        daemon.start();
        Map<String, String> env = signalSettings(daemon);
        databaseUrl = TestPostgres.newDatabase();
        env.put("HAVEN_DB_URL", databaseUrl);
        env.put("HAVEN_PUBLIC_URL", PUBLIC_URL);
        env.put("HAVEN_SIGNAL_ATTACHMENTS_DIR", attachments.toString());
        env.put("HAVEN_SIGNAL_MEDIA_MAX_BYTES", String.valueOf(MAX_MEDIA));
        haven = TestHaven.start(dataDir, env);
        TestHaven.setUpAdmin(haven);
        waitFor(daemon::streaming, "Haven did not open the events stream");
    }

    @AfterEach
    void stop() throws Exception {
        TestPostgres.away(databaseUrl, false);
        if (haven != null) {
            haven.close();
        }
        if (daemon != null) {
            daemon.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Verifies that a voice note sent where an answer was expected is kept (the person is told, the
     * question comes again), held until the hand-off and sealed into the case then, that a photo
     * sent after the hand-off is sealed directly, that a coordinator plays and sees both in the
     * inbox, that the daemon's copies (and a preview) are deleted once handled, and that neither
     * file, the ACI nor the number is in clear in the database dump, the data directory or the
     * logs.
     */
    @Test
    void testVoiceNoteAndPhotoAreSealedIntoTheCaseAndDeletedFromTheDaemon() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        String voiceMarker = "VOICE-" + UUID.randomUUID();
        String photoMarker = "PHOTO-" + UUID.randomUUID();
        byte[] voice = ("\0\0\0\u0018ftypM4A " + voiceMarker).getBytes(StandardCharsets.UTF_8);
        byte[] photo = ("\u00ff\u00d8\u00ff" + photoMarker).getBytes(StandardCharsets.ISO_8859_1);
        String voiceId = "Vn3dE5fG7hI9jK1lM3nO.aac";
        String photoId = "Ph0tO5fG7hI9jK1lM3nP.jpg";
        try (LogCapture logs = new LogCapture()) {
            List<String> said = new ArrayList<>();
            said.add("Hello");
            said.addAll(IntakeDriver.survivorAnswers(marker));
            for (int i = 0; i < said.size(); i++) {
                if (i == 8) {
                    // at the country question: a voice note instead of an answer
                    waitFor(
                            () ->
                                    count("SELECT count(*) FROM outbox WHERE status = 'pending'")
                                            == 0,
                            "replies still pending");
                    FakeSignalCli.Call question = lastSend();
                    daemon.upload(voiceId, voice);
                    daemon.arrive(
                            FakeSignalCli.withFiles(
                                    ACI,
                                    NUMBER,
                                    ++timestamp,
                                    null,
                                    FakeSignalCli.attachment(
                                            voiceId, "audio/aac", null, voice.length)));
                    FakeSignalCli.Call kept =
                            nextSend(c -> text(c).startsWith("Thank you, we kept your file"));
                    assertNotNull(kept, "the person was not told the file was kept");
                    FakeSignalCli.Call again = nextSend(c -> true);
                    assertNotNull(again, "the question was not asked again");
                    assertEquals(text(question), text(again), "not the same question again");
                    waitFor(() -> !daemon.stores(voiceId), "the daemon's copy was not deleted");
                    assertEquals(1, count("SELECT count(*) FROM held_media"), "not held");
                }
                int sends = sends();
                daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, said.get(i)));
                waitFor(() -> sends() > sends, "no reply to message " + i);
            }
            assertNotNull(
                    nextSend(c -> text(c).matches("(?s).*HV-[A-Z2-9]{6}.*")),
                    "no case reference sent");
            assertEquals(0, count("SELECT count(*) FROM held_media"), "held file not handed off");

            // after the hand-off: a photo with words, sealed straight into the case
            daemon.upload(photoId, photo);
            daemon.arrive(
                    FakeSignalCli.withFiles(
                            ACI,
                            NUMBER,
                            ++timestamp,
                            "a photo of the place",
                            FakeSignalCli.attachment(
                                    photoId, "image/jpeg", "IMG_0002.jpg", photo.length)));
            assertNotNull(
                    nextSend(c -> text(c).startsWith("Thank you, we kept your file")),
                    "the photo was not acknowledged");
            waitFor(() -> !daemon.stores(photoId), "the photo or its preview stayed on the daemon");
            assertEquals(2, count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
            assertTrue(
                    daemon.calls().stream()
                            .filter(c -> c.method().equals("getAttachment"))
                            .allMatch(c -> ACI.equals(c.params().getString("recipient"))),
                    "getAttachment named someone else");

            InboxClient inbox = TestHaven.loggedIn(haven);
            String queue = inbox.get("/inbox").body();
            String reference = IntakeDriver.onlyCaseReference(queue);
            Matcher link = CASE_PATH.matcher(queue);
            assertTrue(link.find(), "no case link in the queue");
            String casePage = inbox.get(link.group(1)).body();
            assertTrue(casePage.contains(marker), "free-text answer not shown decrypted");
            Matcher audio = Pattern.compile("<audio [^>]*src=\"([^\"]+)\"").matcher(casePage);
            assertTrue(audio.find(), "no player for the voice note");
            HttpResponse<byte[]> played = fetch(inbox, audio.group(1));
            assertEquals(200, played.statusCode());
            assertArrayEquals(voice, played.body());
            assertEquals("audio/aac", played.headers().firstValue("Content-Type").orElse(""));
            Matcher img =
                    Pattern.compile("<img class=\"attachment\"[^>]*src=\"([^\"]+)\"")
                            .matcher(casePage);
            assertTrue(img.find(), "the photo is not shown");
            assertArrayEquals(photo, fetch(inbox, img.group(1)).body());

            String dump = DatabaseDump.dump(haven.database().connectOptions());
            assertTrue(dump.contains(reference), "dump does not look like a dump of this database");
            for (String secret : List.of(voiceMarker, photoMarker, marker, ACI, NUMBER)) {
                assertFalse(dump.contains(secret), "in clear in the database");
                assertFalse(
                        dump.contains(DatabaseDump.hexOf(secret)),
                        "in clear (hex) in the database");
            }
            List<String> onDisk =
                    new DiskAdversary()
                            .addTree(dataDir)
                            .addTree(signalDir)
                            .inClear(List.of(voiceMarker, photoMarker, marker));
            assertTrue(onDisk.isEmpty(), "in clear on disk: " + onDisk);
            for (String line : logs.lines()) {
                for (String secret :
                        List.of(marker, voiceMarker, photoMarker, ACI, NUMBER, "516e0003")) {
                    assertFalse(line.contains(secret), "logged: " + line);
                }
            }
        }
    }

    /**
     * Verifies that a file of a type not taken, one declared over the size limit, one that proves
     * larger than declared, and a sticker are each refused politely, kept nowhere, and the daemon's
     * copies deleted; the oversize declared one is not even read; and that a file written in a
     * group is not read either (the group is declined and left) but deleted from the daemon.
     */
    @Test
    void testOversizeAndWrongTypeAreRefusedPolitely() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(nextSend(c -> true), "no first question");

        String video = "ViDe05fG7hI9jK1lM3nO.mp4";
        String big = "BiG0E5fG7hI9jK1lM3nO.aac";
        String liar = "LiaRE5fG7hI9jK1lM3nO.jpg";
        daemon.upload(video, new byte[100]);
        daemon.upload(big, new byte[MAX_MEDIA + 1]);
        daemon.upload(liar, new byte[MAX_MEDIA + 1]);
        JsonObject sticker = FakeSignalCli.message(ACI, NUMBER, ++timestamp, null);
        sticker.getJsonObject("envelope")
                .getJsonObject("dataMessage")
                .put(
                        "sticker",
                        new JsonObject()
                                .put("packId", "00112233445566778899aabbccddeeff")
                                .put("stickerId", 3));
        List<JsonObject> sent =
                List.of(
                        FakeSignalCli.withFiles(
                                ACI,
                                NUMBER,
                                ++timestamp,
                                null,
                                FakeSignalCli.attachment(video, "video/mp4", "clip.mp4", 100)),
                        FakeSignalCli.withFiles(
                                ACI,
                                NUMBER,
                                ++timestamp,
                                null,
                                FakeSignalCli.attachment(big, "audio/aac", null, MAX_MEDIA + 1)),
                        FakeSignalCli.withFiles(
                                ACI,
                                NUMBER,
                                ++timestamp,
                                null,
                                FakeSignalCli.attachment(liar, "image/jpeg", "a.jpg", 10)),
                        sticker);
        for (JsonObject e : sent) {
            daemon.arrive(e);
            assertNotNull(
                    nextSend(c -> text(c).startsWith("Sorry, we could not keep this file")),
                    "not refused politely");
        }
        for (String id : List.of(video, big, liar)) {
            waitFor(() -> !daemon.stores(id), "a refused file stayed on the daemon");
        }
        assertEquals(0, count("SELECT count(*) FROM held_media"));
        assertEquals(0, count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
        List<String> read =
                daemon.calls().stream()
                        .filter(c -> c.method().equals("getAttachment"))
                        .map(c -> c.params().getString("id"))
                        .toList();
        assertEquals(List.of(liar), read, "a file refused by its declaration was read");

        String group = "R3JvdXBXaXRoQUZpbGVJbkl0MDAwMDAwMDAwMDAwMDA=";
        String inGroup = "GrOuP5fG7hI9jK1lM3nO.jpg";
        daemon.joined(group);
        daemon.upload(inGroup, new byte[] {(byte) 0xff, (byte) 0xd8, 9});
        JsonObject groupPhoto = FakeSignalCli.groupMessage(ACI, NUMBER, ++timestamp, null, group);
        groupPhoto
                .getJsonObject("envelope")
                .getJsonObject("dataMessage")
                .put(
                        "attachments",
                        new JsonArray()
                                .add(FakeSignalCli.attachment(inGroup, "image/jpeg", null, 3)));
        daemon.arrive(groupPhoto);
        waitFor(() -> !daemon.member(group), "the group was not left");
        waitFor(() -> !daemon.stores(inGroup), "the group's file stayed on the daemon");
        assertTrue(
                daemon.calls().stream()
                        .noneMatch(
                                c ->
                                        c.method().equals("getAttachment")
                                                && inGroup.equals(c.params().getString("id"))),
                "a file written in a group was read");
        assertEquals(0, count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
    }

    /**
     * Verifies that a file sent while the database is away is neither lost nor left on the daemon:
     * the receiving gateway loses its role with the database and closes the events stream, so the
     * message waits (on Signal's server, with an on-connection daemon); once the database is back
     * the gateway takes the role again, drains it, holds the file for the hand-off, tells the
     * person, and deletes the daemon's copy. (A message already in hand when the database went is
     * spooled, text only, and its files deleted: {@code signal_media_not_kept}.)
     */
    @Test
    void testFileDuringDatabaseOutageIsKeptOnceTheDatabaseIsBack() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(nextSend(c -> true), "no first question");
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0,
                "the first reply is still pending");
        TestPostgres.away(databaseUrl, true);
        waitFor(() -> !daemon.streaming(), "the receiving role outlived the database");
        String id = "OuTaG5fG7hI9jK1lM3nO.jpg";
        daemon.upload(id, new byte[] {(byte) 0xff, (byte) 0xd8, 7});
        daemon.arrive(
                FakeSignalCli.withFiles(
                        ACI,
                        NUMBER,
                        ++timestamp,
                        null,
                        FakeSignalCli.attachment(id, "image/jpeg", null, 3)));
        TestPostgres.away(databaseUrl, false);
        assertNotNull(
                nextSend(c -> text(c).startsWith("Thank you, we kept your file")),
                "the file sent during the outage was not kept");
        waitFor(() -> !daemon.stores(id), "the file stayed on the daemon");
        assertEquals(1, count("SELECT count(*) FROM held_media"));
    }

    /**
     * Verifies that a message in hand when the database goes away goes into the spool with its
     * words only, its file not left in clear on the daemon but deleted (said in the log), and that
     * the words reach the dialogue once the database is back.
     */
    @Test
    void testFileInHandWhenTheDatabaseGoesIsDeletedAndItsWordsSpooled() throws Exception {
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello"));
        assertNotNull(nextSend(c -> true), "no first question");
        waitFor(
                () -> count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0,
                "the first reply is still pending");
        int before = sends();
        try (LogCapture logs = new LogCapture()) {
            String id = "InHaN5fG7hI9jK1lM3nO.jpg";
            daemon.upload(id, new byte[] {(byte) 0xff, (byte) 0xd8, 8});
            daemon.delayAttachments(3_000);
            daemon.arrive(
                    FakeSignalCli.withFiles(
                            ACI,
                            NUMBER,
                            ++timestamp,
                            "yes",
                            FakeSignalCli.attachment(id, "image/jpeg", null, 3)));
            assertNotNull(daemon.next("getAttachment", 30), "the file was not read");
            TestPostgres.away(databaseUrl, true);
            waitFor(() -> !daemon.stores(id), "the file stayed on the daemon");
            assertTrue(
                    logs.lines().stream()
                            .anyMatch(
                                    l -> l.contains("event=signal_media_not_kept reason=spooled")),
                    "the file not kept was not said in the log");
            daemon.delayAttachments(0);
            TestPostgres.away(databaseUrl, false);
            waitFor(() -> sends() > before, "the spooled words got no reply");
        }
        assertEquals(0, count("SELECT count(*) FROM held_media"));
        assertEquals(0, count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'"));
    }

    /**
     * Verifies that files left over in the daemon's attachments directory (older than an hour: a
     * gateway killed between the download and the deletion) are deleted when Haven connects to the
     * daemon again, and that a fresh one, perhaps of a message in hand, is not.
     */
    @Test
    void testLeftOverFilesAreDeletedOnReconnection() throws Exception {
        Path old = attachments.resolve("LeFtO5fG7hI9jK1lM3nO.aac");
        Path fresh = attachments.resolve("FrEsH5fG7hI9jK1lM3nO.aac");
        Files.write(old, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(
                old,
                FileTime.from(Instant.now().minus(SignalAttachments.LEFT_OVER).minusSeconds(60)));
        Files.write(fresh, new byte[] {4, 5, 6});
        daemon.stop();
        Thread.sleep(1000); // Haven notices the restart
        daemon.start();
        waitFor(daemon::streaming, "Haven did not connect again");
        waitFor(() -> !Files.exists(old), "the left-over file stayed");
        assertTrue(Files.exists(fresh), "a fresh file was deleted");
    }

    /**
     * Verifies that the resume phrase works on Signal as on SMS: a web chat intake's phrase written
     * on Signal brings the conversation there (welcome back, to the ACI), the case follows to
     * Signal, and the coordinator's next reply goes to the person's ACI.
     */
    @Test
    void testResumePhraseMovesTheConversationToSignal() throws Exception {
        String marker = "phrase-" + UUID.randomUUID();
        String phrase;
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.Transcript t =
                    IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            phrase = phraseIn(t.frames());
        }
        InboxClient admin = TestHaven.loggedIn(haven);
        String path = casePath(admin, marker);
        assertEquals(302, admin.postWithCsrf(admin.get(path).body(), path + "/claim").statusCode());

        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, phrase));
        FakeSignalCli.Call welcome = nextSend(c -> text(c).startsWith("Welcome back"));
        assertNotNull(welcome, "the phrase did not bring the conversation to Signal");
        assertEquals(new JsonArray().add(ACI), welcome.params().getJsonArray("recipient"));
        String page = admin.get(path).body();
        assertTrue(page.contains("<dd>signal</dd>"), "the case's channel did not follow");
        String reply = "On Signal now " + UUID.randomUUID();
        admin.postWithCsrf(page, path + "/reply", "text", reply, "canned", "");
        FakeSignalCli.Call out = nextSend(c -> text(c).contains(reply));
        assertNotNull(out, "the coordinator's reply did not go to Signal");
        assertEquals(new JsonArray().add(ACI), out.params().getJsonArray("recipient"));
    }

    /**
     * Verifies that the retention purge deletes a closed Signal case beyond the period with its
     * conversation and sealed file, so that the same person writing again starts afresh.
     */
    @Test
    void testRetentionPurgeDeletesAClosedSignalCase() throws Exception {
        String marker = "old-" + UUID.randomUUID();
        List<String> said = new ArrayList<>();
        said.add("Hello");
        said.addAll(IntakeDriver.survivorAnswers(marker));
        for (String text : said) {
            int sends = sends();
            daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, text));
            waitFor(() -> sends() > sends, "no reply");
        }
        assertNotNull(nextSend(c -> text(c).matches("(?s).*HV-[A-Z2-9]{6}.*")), "no reference");
        String photoId = "OldPh5fG7hI9jK1lM3nO.jpg";
        daemon.upload(photoId, new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        daemon.arrive(
                FakeSignalCli.withFiles(
                        ACI,
                        NUMBER,
                        ++timestamp,
                        null,
                        FakeSignalCli.attachment(photoId, "image/jpeg", null, 5)));
        waitFor(
                () -> count("SELECT count(*) FROM case_entries WHERE kind = 'attachment'") == 1,
                "the photo was not sealed");

        InboxClient admin = TestHaven.loggedIn(haven);
        String path = casePath(admin, marker);
        UUID caseId = UUID.fromString(path.substring("/inbox/cases/".length()));
        assertEquals(
                302,
                admin.postWithCsrf(admin.get(path).body(), path + "/status", "status", "closed")
                        .statusCode());
        DatabaseDump.execute(
                haven.database().connectOptions(),
                "UPDATE cases SET closed_at = now() - interval '400 days' WHERE id = '"
                        + caseId
                        + "'");
        Retention.Purge purge =
                new Retention(haven.database().db(), 365, TestHaven.auditKey(dataDir))
                        .purge(false, "system:retention")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS);
        assertEquals(1, purge.cases());
        assertEquals(1, purge.conversations());
        assertEquals(0, count("SELECT count(*) FROM cases WHERE channel = 'signal'"));
        assertEquals(0, count("SELECT count(*) FROM conversations"));
        assertEquals(0, count("SELECT count(*) FROM case_entries"));

        while (daemon.next("send", 2) != null) {
            // what was sent before the purge
        }
        daemon.arrive(FakeSignalCli.message(ACI, NUMBER, ++timestamp, "Hello again"));
        FakeSignalCli.Call first = nextSend(c -> true);
        assertNotNull(first, "the person writing again got no answer");
        assertTrue(text(first).contains("1) "), "not the first question: " + text(first));
        waitFor(() -> count("SELECT count(*) FROM conversations") == 1, "no new conversation");
        assertEquals(0, count("SELECT count(*) FROM cases"), "the old case came back");
    }

    private HttpResponse<byte[]> fetch(InboxClient inbox, String path) throws Exception {
        return inbox.http()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + haven.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
    }

    private String casePath(InboxClient admin, String marker) throws Exception {
        String page = admin.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = CASE_PATH.matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }

    private static String phraseIn(List<JsonObject> frames) {
        Pattern p = Pattern.compile("5 words: ([^\\n]+)\\n");
        for (JsonObject f : frames) {
            Matcher m = p.matcher(String.valueOf(f.getString("text")));
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no phrase given: " + frames);
    }

    private static String text(FakeSignalCli.Call c) {
        return String.valueOf(c.params().getString("message"));
    }

    private int sends() {
        return (int) daemon.calls().stream().filter(c -> c.method().equals("send")).count();
    }

    private FakeSignalCli.Call lastSend() {
        List<FakeSignalCli.Call> all =
                daemon.calls().stream().filter(c -> c.method().equals("send")).toList();
        return all.get(all.size() - 1);
    }

    private FakeSignalCli.Call nextSend(Predicate<FakeSignalCli.Call> wanted) throws Exception {
        return SignalTestSupport.nextSend(daemon, wanted, 60);
    }

    private long count(String sql) {
        return SignalTestSupport.count(haven.database().connectOptions(), sql);
    }
}
