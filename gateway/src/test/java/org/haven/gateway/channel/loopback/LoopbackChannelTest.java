package org.haven.gateway.channel.loopback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.haven.gateway.Haven;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;
import org.haven.gateway.config.ConfigLoader;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rehearsal of adding a channel (issue 23): {@link LoopbackChannel}, written in this test
 * package only and registered as a {@link LoopbackKind} in the test resources' services file, is
 * built by {@code Haven.start} like the real channels once its setting is given, and runs a whole
 * intake through the gateway's real parts (dialogue step, sealed case, outbox).
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
    private Haven haven;
    private LoopbackSender sender;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of("HAVEN_LOOPBACK_TOKEN", TOKEN));
        sender = LoopbackChannel.lastSender();
        assertNotNull(sender, "the configured channel was not built");
    }

    @AfterEach
    void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    /**
     * Verifies that the registered channel kinds are the real channels' (and this test's), each
     * with its own settings prefix, so that the configuration keeps their settings.
     */
    @Test
    void testChannelKindsAreRegistered() {
        assertEquals(
                Set.of("telegram_", "twilio_", "signal_", "whatsapp_", "loopback_"),
                ChannelKind.registered().stream()
                        .map(ChannelKind::settingsPrefix)
                        .collect(Collectors.toSet()));
        assertTrue(ConfigLoader.isSetting("HAVEN_LOOPBACK_TOKEN"));
        assertFalse(ConfigLoader.isSetting("HAVEN_LOOPBAK_TOKEN"));
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
                            haven.database().connectOptions(),
                            "SELECT count(*) FROM cases WHERE channel = 'loopback'"));
            assertEquals(
                    List.of(List.of(String.valueOf(said.size()))),
                    DatabaseDump.query(
                            haven.database().connectOptions(), "SELECT count(*) FROM inbound_seen"),
                    "a retried message was applied twice");
            String dump = DatabaseDump.dump(haven.database().connectOptions());
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
                        haven.database().connectOptions(), "SELECT count(*) FROM conversations"));
    }

    /** Verifies that without its setting the channel is not built, as the real channels are not. */
    @Test
    void testUnconfiguredChannelIsNotBuilt() {
        HavenConfig bare = ConfigLoader.load(Map.of("HAVEN_DATA_DIR", dataDir.toString()), null);
        assertTrue(new LoopbackKind().create(new ChannelContext(null, null, null, bare)).isEmpty());
    }

    private HttpResponse<String> post(String token, String id, String text) throws Exception {
        JsonObject body = new JsonObject().put("from", ADDRESS).put("text", text);
        if (id != null) {
            body.put("id", id);
        }
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:" + haven.port() + LoopbackChannel.PATH))
                        .header(LoopbackChannel.TOKEN_HEADER, token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
