package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A gateway given other server keys than its cluster's refuses to start (issue 17, scope 6). */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServerKeysCheckTest {

    /**
     * Verifies that of two gateways on one database, the second, given other server keys, refuses
     * to start with one line naming both fingerprints (and never the keys), so that it never serves
     * a resumed web chat "your conversation ended" nor fails a correct login; and that the same
     * gateway given the cluster's keys starts, resumes the conversation begun on the first and lets
     * the administrator log in.
     */
    @Test
    void testSecondGatewayWithOtherKeysRefusesToStart(@TempDir Path dataA, @TempDir Path dataB)
            throws Exception {
        String url = TestPostgres.newDatabase();
        String clusterKeys = ServerSecrets.generateBase64();
        String otherKeys = ServerSecrets.generateBase64();
        try (Haven a =
                TestHaven.start(
                        dataA, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", clusterKeys))) {
            TestHaven.setUpAdmin(a);
            String token;
            try (ChatClient chat = ChatClient.connect(a.port())) {
                chat.start(null);
                token = chat.nextOfType("session").getString("resume");
                chat.sync();
            }

            ServerKeysCheck.Mismatch refused =
                    assertThrows(
                            ServerKeysCheck.Mismatch.class,
                            () ->
                                    TestHaven.start(
                                                    dataB,
                                                    Map.of(
                                                            "HAVEN_DB_URL",
                                                            url,
                                                            "HAVEN_SERVER_KEYS",
                                                            otherKeys))
                                            .close());
            String recorded =
                    ServerKeysCheck.shortHex(
                            ServerKeysCheck.fingerprint(ServerSecrets.fromBase64(clusterKeys)));
            String here =
                    ServerKeysCheck.shortHex(
                            ServerKeysCheck.fingerprint(ServerSecrets.fromBase64(otherKeys)));
            assertEquals(
                    "these server keys are not the cluster's (fingerprint "
                            + recorded
                            + " recorded, "
                            + here
                            + " here); start it with the cluster's HAVEN_SERVER_KEYS",
                    refused.getMessage());

            // as the operator sees it: one line on stderr, a non-zero exit, no key in it
            Map<String, String> env =
                    new HashMap<>(
                            Map.of(
                                    "HAVEN_DB_URL",
                                    url,
                                    "HAVEN_SERVER_KEYS",
                                    otherKeys,
                                    "HAVEN_DATA_DIR",
                                    dataB.toString(),
                                    "HAVEN_HTTP_PORT",
                                    "0",
                                    "HAVEN_HTTP_HOST",
                                    "127.0.0.1"));
            HavenCli.Run serve = HavenCli.run(env, "serve");
            assertEquals(1, serve.code(), serve.toString());
            assertEquals(
                    List.of("haven: " + refused.getMessage()),
                    serve.err().lines().toList(),
                    serve.toString());
            assertFalse(
                    serve.err().contains(otherKeys.substring(0, 16))
                            || serve.err().contains(clusterKeys.substring(0, 16)));

            try (Haven b =
                    TestHaven.start(
                            dataB, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", clusterKeys))) {
                try (ChatClient chat = ChatClient.connect(b.port())) {
                    chat.start(token);
                    assertEquals(
                            token,
                            chat.nextOfType("session").getString("resume"),
                            "the conversation was not resumed");
                }
                assertEquals(
                        200,
                        TestHaven.loggedIn(b.port(), dataA, TestHaven.ADMIN)
                                .get("/inbox")
                                .statusCode());
            }
        }
    }

    /**
     * Verifies that on a database from before the record (an upgrade), the first start records the
     * keys it runs with, and other keys are refused from then on.
     */
    @Test
    void testFirstStartAfterTheUpgradeRecordsTheKeys(@TempDir Path dataA, @TempDir Path dataB)
            throws Exception {
        String url = TestPostgres.newDatabase();
        String clusterKeys = ServerSecrets.generateBase64();
        try (Haven a =
                TestHaven.start(
                        dataA, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", clusterKeys))) {
            TestHaven.setUpAdmin(a);
        }
        TestPostgres.execute(url, "DELETE FROM server_keys_check");
        try (Haven a =
                TestHaven.start(
                        dataA, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", clusterKeys))) {
            assertEquals(
                    1,
                    DatabaseDump.query(
                                    a.database().connectOptions(),
                                    "SELECT id FROM server_keys_check")
                            .size());
        }
        assertThrows(
                ServerKeysCheck.Mismatch.class,
                () ->
                        TestHaven.start(
                                        dataB,
                                        Map.of(
                                                "HAVEN_DB_URL",
                                                url,
                                                "HAVEN_SERVER_KEYS",
                                                ServerSecrets.generateBase64()))
                                .close());
    }
}
