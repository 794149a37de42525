package org.haven.gateway.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.JarProcess;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two packaged gateways, A and B, as separate processes on one PostgreSQL (given by HAVEN_DB_URL)
 * with the same HAVEN_SERVER_KEYS: what a scaled-out deployment behind a sticky reverse proxy looks
 * like.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoGatewaysIT {
    private static EmbeddedPostgres postgres;
    private static Path dataA;
    private static Path dataB;
    private static JarProcess a;
    private static JarProcess b;
    private static final List<String> SAID = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        Path root = Files.createTempDirectory(Path.of("target"), "two-gateways-");
        dataA = root.resolve("a");
        dataB = root.resolve("b");
        Map<String, String> env =
                Map.of(
                        "HAVEN_DB_URL",
                        "postgresql://postgres:unused@127.0.0.1:"
                                + postgres.getPort()
                                + "/postgres",
                        "HAVEN_SERVER_KEYS",
                        ServerSecrets.generateBase64());
        // one after the other: the first start creates the team key and the setup code
        a = JarProcess.start("two-gateways-a", dataA, JarProcess.quick(env));
        // as docs/operations.md says: the others get the team key pin the first one wrote
        Map<String, String> pinned = new HashMap<>(env);
        pinned.put(
                "HAVEN_TEAM_KEY_PIN",
                Files.readString(dataA.resolve("secrets").resolve("team-key-pin")).strip());
        b = JarProcess.start("two-gateways-b", dataB, JarProcess.quick(pinned));
        assertFalse(
                Files.exists(dataB.resolve("setup-code.txt")),
                "the second instance made a team key of its own");
        // (the data dir keeps the team key pin, secrets/team-key-pin, which is public: no key)
        assertFalse(
                Files.exists(dataA.resolve("secrets").resolve("server-keys")),
                "HAVEN_SERVER_KEYS was ignored: keys written to the data dir");
        TestHaven.setUpAdmin(a.port(), dataA);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /**
     * Verifies that a case finished over a web chat on A is announced live to an inbox open on B
     * (SSE), and that the coordinator's reply sent from B reaches the person's socket on A.
     */
    @Test
    @Order(1)
    void testCaseFromAIsLiveOnBAndReplyFromBReachesSocketOnA() throws Exception {
        String marker = "cluster-" + UUID.randomUUID();
        SAID.add(marker);
        InboxClient coordinator = TestHaven.loggedIn(b.port(), dataA, TestHaven.ADMIN);
        HttpResponse<Stream<String>> stream =
                coordinator
                        .http()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + b.port()
                                                                + "/inbox/events"))
                                        .timeout(Duration.ofSeconds(90))
                                        .build(),
                                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode());
        ExecutorService reader = Executors.newSingleThreadExecutor();
        try (ChatClient chat = ChatClient.connect(a.port())) {
            Future<String> firstEvent =
                    reader.submit(
                            () ->
                                    stream.body()
                                            .filter(l -> l.startsWith("event: "))
                                            .findFirst()
                                            .orElse(null));
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            assertEquals(
                    "event: case_new",
                    firstEvent.get(20, TimeUnit.SECONDS),
                    "B's inbox was not told of A's case");

            String path = casePath(coordinator, marker);
            String page = coordinator.get(path).body();
            assertTrue(page.contains(marker), "answers not readable on B");
            assertEquals(302, coordinator.postWithCsrf(page, path + "/claim").statusCode());
            page = coordinator.get(path).body();
            String reply = "A coordinator will call you " + UUID.randomUUID();
            HttpResponse<String> sent =
                    coordinator.postWithCsrf(page, path + "/reply", "text", reply, "canned", "");
            assertTrue(
                    sent.headers().firstValue("Location").orElse("").endsWith("m=case.reply.sent"),
                    "reply refused");
            JsonObject pushed = chat.nextOfType("reply");
            assertEquals(
                    reply,
                    pushed.getString("text"),
                    "the reply from B did not reach the socket on A");
        } finally {
            reader.shutdownNow();
        }
    }

    /**
     * Verifies that when A dies mid-intake (killed, no shutdown), the person reconnecting to B with
     * their resume token continues the same intake, and the finished case holds the answers given
     * on A as well as those given on B.
     */
    @Test
    @Order(2)
    void testIntakeContinuesOnBWhenAIsKilled() throws Exception {
        String marker = "failover-" + UUID.randomUUID();
        SAID.add(marker);
        List<String> answers = IntakeDriver.survivorAnswers(marker);
        int beforeKill =
                answers.size() - 2; // up to and including the free-text answer with the marker
        String token;
        try (ChatClient chat = ChatClient.connect(a.port())) {
            chat.start(null);
            token = chat.nextOfType("session").getString("resume");
            for (String input : answers.subList(0, beforeKill)) {
                chat.untilAck(chat.say(input));
            }
            chat.sync(); // A answered everything it was sent
            a.kill();
        }
        assertFalse(a.alive());

        try (ChatClient chat = ChatClient.connect(b.port())) {
            chat.start(token);
            assertEquals(
                    token,
                    chat.nextOfType("session").getString("resume"),
                    "B did not resume the conversation");
            for (String input : answers.subList(beforeKill, answers.size())) {
                chat.untilAck(chat.say(input));
            }
            chat.sync();
        }
        InboxClient coordinator = TestHaven.loggedIn(b.port(), dataA, TestHaven.ADMIN);
        String page = coordinator.get(casePath(coordinator, marker)).body();
        assertTrue(page.contains(marker), "the answer given on A is missing from the case");
        assertTrue(page.contains("Toronto"), "the answer given on B is missing from the case");
    }

    /** Verifies that neither gateway logged what people said, across both tests and the kill. */
    @Test
    @Order(3)
    void testNoPersonalDataInEitherGatewaysLog() throws Exception {
        assertFalse(SAID.isEmpty());
        for (String name : List.of("two-gateways-a.log", "two-gateways-b.log")) {
            String log = Files.readString(Path.of("target", name));
            assertTrue(log.contains("event=started"), name + " is not this run's log");
            for (String secret :
                    List.of("416 555 0199", "Syria", "Toronto", TestHaven.ADMIN_PASSPHRASE)) {
                assertFalse(log.contains(secret), name + " logged " + secret);
            }
            for (String marker : SAID) {
                assertFalse(log.contains(marker), name + " logged an answer");
            }
        }
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
