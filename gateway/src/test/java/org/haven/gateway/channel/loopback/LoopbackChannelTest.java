package org.haven.gateway.channel.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Redaction;
import org.haven.gateway.config.Settings;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseStore;
import org.haven.gateway.store.Database;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rehearsal of adding a channel (issue 23): {@link LoopbackChannel}, written in this test
 * package only, runs a whole intake through the gateway's real parts (dialogue step, sealed case,
 * outbox) on an embedded PostgreSQL. {@code Haven.start} builds its channels from a fixed list, so
 * this test wires the parts a channel uses the way {@code Haven.start} does, and registers the
 * channel with the same loop (secret settings, routes, sender).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LoopbackChannelTest {
    /**
     * Fixed, so that LogsHaveNoPersonalDataIT finds it here and looks for it in every test's
     * output.
     */
    private static final String TOKEN = "loopback-shared-token-7c1e9a";

    /** Shaped like a phone number (555-01xx), so that LogsHaveNoPersonalDataIT looks for it too. */
    private static final String ADDRESS = "+16135550163";

    @TempDir Path dataDir;
    private Vertx vertx;
    private Database database;
    private Outbox outbox;
    private HttpServer server;
    private LoopbackSender sender;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        HavenConfig loaded =
                ConfigLoader.load(
                        Map.of(
                                "HAVEN_DATA_DIR",
                                dataDir.toString(),
                                "HAVEN_DB_URL",
                                TestPostgres.newDatabase()),
                        null);
        // ConfigLoader keeps only the settings it knows (the channels' prefixes among them): a real
        // channel adds its prefix there; this one is handed its setting directly
        HavenConfig config =
                new HavenConfig(
                        loaded.httpHost(),
                        0,
                        loaded.dataDir(),
                        loaded.database(),
                        loaded.publicUrl(),
                        loaded.quickExitUrl(),
                        loaded.duressWord(),
                        loaded.resumeWindow(),
                        loaded.sessionIdleTimeout(),
                        new Settings(Map.of(LoopbackChannel.TOKEN_SETTING, TOKEN)));

        // the parts a channel uses, built as Haven.start builds them
        database = Database.open(vertx, config.database(), config.dataDir());
        ServerSecrets secrets = ServerSecrets.loadOrCreate(dataDir.resolve("server-keys"));
        await(new AuditLog(database.db(), secrets.auditKey()).keyChain());
        TeamKeys teamKeys =
                new TeamKeys(
                        vertx,
                        new AccountStore(database.pool()),
                        dataDir,
                        Optional.empty(),
                        secrets.auditKey());
        await(teamKeys.initialise());
        CaseStore cases = new CaseStore(database.pool(), teamKeys);
        EngineSettings engineSettings = new EngineSettings(null, config.resumeWindow());
        Engine engine = new Engine(Intake.defaultIntake(), engineSettings);
        outbox = new Outbox(vertx, database.pool(), secrets.keyring());
        Conversations conversations =
                new Conversations(
                        database.db(), engine, secrets, teamKeys, cases, outbox, Clock.systemUTC());
        outbox.coordinatorPrefix(conversations::coordinatorPrefix);
        Router router = Router.router(vertx);

        // registered as Haven.start registers every channel
        ChannelContext context = new ChannelContext(vertx, conversations, outbox, config, database);
        List<Channel> channels = new ArrayList<>();
        LoopbackChannel.create(context).ifPresent(channels::add);
        for (Channel channel : channels) {
            channel.secretSettings()
                    .forEach(key -> config.settings().get(key).ifPresent(Redaction::register));
            channel.mount(router);
            channel.sender().ifPresent(outbox::register);
        }
        assertEquals(1, channels.size(), "the configured channel was not built");
        sender = ((LoopbackChannel) channels.get(0)).loopbackSender();
        outbox.start();
        server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            await(server.close());
        }
        if (outbox != null) {
            await(outbox.stop());
        }
        if (database != null) {
            database.close();
        }
        await(vertx.close());
    }

    /**
     * Verifies that a whole intake written on the new channel becomes a queued case on that
     * channel, that every reply reaches the person through the channel's sender (the first question
     * first, the case reference last), that a provider's retry of a message is applied once, and
     * that neither the person's address, their free-text answer nor the channel's token is in clear
     * in the database, nor any answer in the logs.
     */
    @Test
    void testIntakeOnANewChannelReachesAQueuedCase() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        try (LogCapture logs = new LogCapture()) {
            List<String> said = new ArrayList<>();
            said.add("Hello");
            said.addAll(IntakeDriver.survivorAnswers(marker));
            for (int i = 0; i < said.size(); i++) {
                assertEquals(200, post(TOKEN, "m-" + i, said.get(i)).statusCode(), "message " + i);
                if (i == 0) {
                    LoopbackSender.Delivered first = sender.next(30);
                    assertNotNull(first, "no reply to the first message");
                    assertTrue(ADDRESS.equals(first.address()), "the reply went elsewhere");
                    assertTrue(
                            first.text().contains("1) "),
                            "the first question's options are not numbered: " + first.text());
                    // the provider retries: the step is not applied again, and nothing more is sent
                    // for it
                    assertEquals(200, post(TOKEN, "m-0", said.get(0)).statusCode());
                }
            }
            List<LoopbackSender.Delivered> delivered = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (delivered.stream().noneMatch(d -> d.text().matches("(?s).*HV-[A-Z2-9]{6}.*"))
                    && System.nanoTime() < end) {
                LoopbackSender.Delivered d = sender.next(1);
                if (d != null) {
                    delivered.add(d);
                }
            }
            assertTrue(
                    delivered.stream().anyMatch(d -> d.text().matches("(?s).*HV-[A-Z2-9]{6}.*")),
                    "no case reference sent");
            assertTrue(
                    delivered.stream().allMatch(d -> ADDRESS.equals(d.address())),
                    "a reply went elsewhere");

            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            database.connectOptions(),
                            "SELECT count(*) FROM cases WHERE channel = 'loopback'"));
            assertEquals(
                    List.of(List.of(String.valueOf(said.size()))),
                    DatabaseDump.query(
                            database.connectOptions(), "SELECT count(*) FROM inbound_seen"),
                    "a retried message was applied twice");
            String dump = DatabaseDump.dump(database.connectOptions());
            // the working group (Toronto) is a routing fact, stored in clear by design
            Map<String, String> secret =
                    Map.of(
                            "address",
                            ADDRESS,
                            "free-text answer",
                            marker,
                            "token",
                            TOKEN,
                            "country",
                            "Syria",
                            "city",
                            "Toronto");
            for (String kind : List.of("address", "free-text answer", "token")) {
                assertFalse(dump.contains(secret.get(kind)), kind + " in clear in the database");
            }
            List<String> lines = logs.lines();
            assertTrue(
                    lines.stream()
                            .anyMatch(
                                    l ->
                                            l.contains("event=case_queued")
                                                    && l.contains("channel=loopback")),
                    "no case_queued");
            secret.forEach(
                    (kind, value) ->
                            assertTrue(
                                    lines.stream().noneMatch(l -> l.contains(value)),
                                    kind + " logged"));
        }
    }

    /**
     * Verifies that a message without the channel's token is refused before it is parsed, and
     * nothing is sent.
     */
    @Test
    void testMessageWithAWrongTokenIsRefused() throws Exception {
        assertEquals(403, post("not-" + TOKEN, "m-1", "Hello").statusCode());
        assertEquals(400, post(TOKEN, null, "Hello").statusCode());
        assertNull(sender.next(2), "a refused message was answered");
        assertEquals(
                List.of(List.of("0")),
                DatabaseDump.query(
                        database.connectOptions(), "SELECT count(*) FROM conversations"));
    }

    /** Verifies that without its setting the channel is not built, as the real channels are not. */
    @Test
    void testUnconfiguredChannelIsNotBuilt() {
        HavenConfig bare = ConfigLoader.load(Map.of("HAVEN_DATA_DIR", dataDir.toString()), null);
        assertTrue(LoopbackChannel.create(new ChannelContext(vertx, null, null, bare)).isEmpty());
    }

    private HttpResponse<String> post(String token, String id, String text) throws Exception {
        JsonObject body = new JsonObject().put("from", ADDRESS).put("text", text);
        if (id != null) {
            body.put("id", id);
        }
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + server.actualPort()
                                                + LoopbackChannel.PATH))
                        .header(LoopbackChannel.TOKEN_HEADER, token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
