package org.haven.gateway.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.admin.CannedReplySeed;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.store.CannedReplyStore.CannedReply;
import org.haven.gateway.store.CannedReplyStore.Version;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CannedReplyStore} against a real PostgreSQL migrated by Haven: replies with a title and a
 * text per language (right-to-left ones as written), in an order administrators change, edited and
 * deleted in every language at once, and seeded from the intake script's {@code canned_*} messages
 * once per database.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CannedReplyStoreTest {
    @TempDir static Path dataDir;
    private static Vertx vertx;
    private static String migrated;
    private Database database;
    private Db db;

    @BeforeAll
    static void migrate() throws Exception {
        vertx = Vertx.vertx();
        migrated = TestPostgres.newDatabase();
        Database.open(vertx, Optional.of(DatabaseUrl.parse(migrated)), dataDir).close();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeEach
    void open() throws Exception {
        String url = TestPostgres.copyOf(migrated);
        database = Database.open(vertx, Optional.of(DatabaseUrl.parse(url)), dataDir);
        db = database.db();
    }

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Map<String, Version> versions(String... codeTitleText) {
        Map<String, Version> m = new LinkedHashMap<>();
        for (int i = 0; i < codeTitleText.length; i += 3) {
            m.put(codeTitleText[i], new Version(codeTitleText[i + 1], codeTitleText[i + 2]));
        }
        return m;
    }

    private List<Long> order() throws Exception {
        return await(CannedReplyStore.list(db)).stream().map(CannedReply::id).toList();
    }

    /**
     * Verifies that replies come back in the order added, each with its title and text per language
     * exactly as written (Arabic and Farsi included), and that one is found by id.
     */
    @Test
    void testAddedRepliesComeBackInOrderPerLanguage() throws Exception {
        long a =
                await(
                        CannedReplyStore.add(
                                db,
                                versions(
                                        "en",
                                        "Received",
                                        "We have your message.",
                                        "fr",
                                        "Reçu",
                                        "Nous avons votre message.",
                                        "ar",
                                        "تم الاستلام",
                                        "وصلت رسالتك.",
                                        "fa",
                                        "دریافت شد",
                                        "پیام شما رسید.",
                                        "es",
                                        "Recibido",
                                        "Tenemos su mensaje.")));
        long b = await(CannedReplyStore.add(db, versions("fr", "Rappel", "Quand vous appeler?")));
        assertEquals(List.of(a, b), order());
        CannedReply first = await(CannedReplyStore.list(db)).get(0);
        assertEquals(Set.of("ar", "en", "es", "fa", "fr"), first.versions().keySet());
        assertEquals("وصلت رسالتك.", first.in("ar").orElseThrow().text());
        assertEquals("دریافت شد", first.in("fa").orElseThrow().title());
        assertEquals(new Version("Reçu", "Nous avons votre message."), first.in("fr").get());
        CannedReply second = await(CannedReplyStore.find(db, b)).orElseThrow();
        assertTrue(second.in("en").isEmpty(), "a language never written");
        assertEquals("Quand vous appeler?", second.in("fr").orElseThrow().text());
        assertTrue(await(CannedReplyStore.find(db, b + 1000)).isEmpty());
    }

    /**
     * Verifies that an edit replaces every language at once (a language left out is gone), and that
     * a delete removes the reply in every language; both answer false for an unknown id.
     */
    @Test
    void testEditReplacesLanguagesAndDeleteRemovesAll() throws Exception {
        long id =
                await(
                        CannedReplyStore.add(
                                db, versions("en", "Call", "When?", "fr", "Appel", "Quand?")));
        assertTrue(
                await(
                        CannedReplyStore.replace(
                                db, id, versions("en", "Call time", "When may we call?"))));
        CannedReply edited = await(CannedReplyStore.find(db, id)).orElseThrow();
        assertEquals(new Version("Call time", "When may we call?"), edited.in("en").get());
        assertTrue(edited.in("fr").isEmpty(), "the French left out is still there");
        assertFalse(await(CannedReplyStore.replace(db, id + 1000, versions("en", "x", "y"))));
        assertTrue(await(CannedReplyStore.delete(db, id)));
        assertTrue(await(CannedReplyStore.find(db, id)).isEmpty());
        assertEquals(
                0L,
                await(db.query("SELECT count(*) FROM canned_reply_texts").execute())
                        .iterator()
                        .next()
                        .getLong(0),
                "texts left behind");
        assertFalse(await(CannedReplyStore.delete(db, id)));
    }

    /**
     * Verifies that a reply moves one place up or down, that the first does not move up nor the
     * last down, and that a reply added after moves stays last.
     */
    @Test
    void testMoveUpAndDown() throws Exception {
        long a = await(CannedReplyStore.add(db, versions("en", "A", "a")));
        long b = await(CannedReplyStore.add(db, versions("en", "B", "b")));
        long c = await(CannedReplyStore.add(db, versions("en", "C", "c")));
        assertTrue(await(CannedReplyStore.move(db, c, true)));
        assertEquals(List.of(a, c, b), order());
        assertTrue(await(CannedReplyStore.move(db, a, false)));
        assertEquals(List.of(c, a, b), order());
        assertFalse(await(CannedReplyStore.move(db, c, true)), "the first moved up");
        assertFalse(await(CannedReplyStore.move(db, b, false)), "the last moved down");
        assertFalse(await(CannedReplyStore.move(db, 999_999, true)));
        long d = await(CannedReplyStore.add(db, versions("en", "D", "d")));
        assertEquals(List.of(c, a, b, d), order());
    }

    /** Verifies that a reply without a language, or with an empty title or text, is refused. */
    @Test
    void testIncompleteRepliesAreRefused() throws Exception {
        for (Map<String, Version> bad :
                List.of(
                        versions(),
                        versions("en", "", "text"),
                        versions("en", "title", " "),
                        versions("EN!", "title", "text"),
                        versions("en", "title", "x".repeat(CannedReplyStore.MAX_TEXT + 1)))) {
            ExecutionException e =
                    assertThrows(
                            ExecutionException.class, () -> await(CannedReplyStore.add(db, bad)));
            assertTrue(e.getCause() instanceof IllegalArgumentException, e.toString());
        }
        assertEquals(List.of(), order());
    }

    /**
     * Verifies that the intake script's canned_* messages seed the store once, in the script's
     * order and in each of its languages; that a second start (also two at once) adds nothing; and
     * that replies an administrator deleted are not brought back.
     */
    @Test
    void testScriptCannedMessagesSeedTheStoreOnce() throws Exception {
        Engine engine = new Engine(Intake.defaultIntake(), EngineSettings.defaults());
        ActiveScript script = new ActiveScript(() -> engine);
        List<Boolean> starts =
                await(
                        Future.all(
                                        CannedReplySeed.seedOnce(db, script),
                                        CannedReplySeed.seedOnce(db, script))
                                .map(f -> List.of(f.<Boolean>resultAt(0), f.<Boolean>resultAt(1))));
        assertEquals(1, starts.stream().filter(x -> x).count(), "seeded " + starts);
        List<CannedReply> seeded = await(CannedReplyStore.list(db));
        assertEquals(3, seeded.size());
        assertEquals(
                "Thank you for writing to us. A coordinator has your message and will contact you soon.",
                seeded.get(0).in("en").orElseThrow().text());
        assertTrue(seeded.get(1).in("fr").orElseThrow().text().startsWith("À quel moment"));
        for (String l : List.of("en", "fr", "ar", "es", "fa", "ti", "uk")) {
            for (CannedReply r : seeded) {
                assertTrue(r.in(l).isPresent(), "no " + l + " text");
                assertFalse(r.in(l).get().title().isBlank());
                assertTrue(r.in(l).get().title().length() <= 61, r.in(l).get().title());
            }
        }
        for (CannedReply r : seeded) {
            await(CannedReplyStore.delete(db, r.id()));
        }
        assertFalse(await(CannedReplySeed.seedOnce(db, script)), "seeded again");
        assertEquals(List.of(), order());
    }
}
