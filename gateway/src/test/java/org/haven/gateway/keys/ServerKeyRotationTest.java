package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code haven server-keys rotate} and {@code retire}: a new working key, everything moved under
 * it, the old one gone.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ServerKeyRotationTest {

    /**
     * Verifies that a single node's rotation is refused while a gateway serves on the database (it
     * holds the old key in memory and would keep writing under it), and that once stopped, the
     * rotation leaves one new key in the key file, every second-factor secret under it, and a
     * gateway that starts on it where the administrator logs in and reads the case.
     */
    @Test
    void testSingleNodeRotationWaitsForTheGatewayToStopAndKeepsEverythingReadable(
            @TempDir Path dataDir) throws Exception {
        String url = TestPostgres.newDatabase();
        Map<String, String> env = Map.of("HAVEN_DB_URL", url, "HAVEN_DATA_DIR", dataDir.toString());
        String marker = "rotation-" + UUID.randomUUID();
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
            TestHaven.setUpAdmin(haven);
            IntakeDriver.completeIntake(haven.port(), marker);
            HavenCli.Run refused = HavenCli.run(env, "server-keys", "rotate");
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(
                    refused.err().contains("a Haven gateway is running on this database"),
                    refused.toString());
        }
        HavenCli.Run rotated = HavenCli.run(env, "server-keys", "rotate");
        assertEquals(0, rotated.code(), rotated.toString());
        assertTrue(rotated.out().contains("accounts.totp_secret=1"), rotated.toString());
        ServerSecrets keys =
                ServerSecrets.loadOrCreate(dataDir.resolve("secrets").resolve("server-keys"));
        assertEquals(Set.of(2), keys.keyring().keyIds());
        try (Haven haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url))) {
            String queue = TestHaven.loggedIn(haven).get("/inbox").body();
            assertTrue(queue.contains("HV-"), "the administrator's second factor no longer opens");
            assertEquals(
                    List.of(List.of("operator")),
                    DatabaseDump.query(
                            haven.database().connectOptions(),
                            "SELECT actor FROM audit_log WHERE action = 'server_keys_rotated:2'"));
        }
    }

    /**
     * Verifies the two steps of a cluster's rotation, whose gateways get the keys as
     * HAVEN_SERVER_KEYS: 'rotate' prints the keys with a new one added (the database is not
     * touched), gateways run on those, 'retire' moves everything under the new key and prints it
     * alone, and a gateway on the key alone still opens every second-factor secret, while one given
     * the keys from before the rotation refuses to start.
     */
    @Test
    void testClusterRotationInTwoSteps(@TempDir Path dataDir) throws Exception {
        String url = TestPostgres.newDatabase();
        String first = ServerSecrets.generateBase64();
        try (Haven haven =
                TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", first))) {
            TestHaven.setUpAdmin(haven);
        }
        Map<String, String> env =
                new HashMap<>(
                        Map.of(
                                "HAVEN_DB_URL",
                                url,
                                "HAVEN_DATA_DIR",
                                dataDir.toString(),
                                "HAVEN_SERVER_KEYS",
                                first));
        HavenCli.Run added = HavenCli.run(env, "server-keys", "rotate");
        assertEquals(0, added.code(), added.toString());
        String both = added.out().lines().findFirst().orElseThrow();
        assertEquals(Set.of(1, 2), ServerSecrets.fromBase64(both).keyring().keyIds());
        try (Haven haven =
                TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", both))) {
            TestHaven.loggedIn(haven);
        }
        env.put("HAVEN_SERVER_KEYS", both);
        HavenCli.Run retired = HavenCli.run(env, "server-keys", "retire");
        assertEquals(0, retired.code(), retired.toString());
        String only = retired.out().lines().findFirst().orElseThrow();
        assertEquals(Set.of(2), ServerSecrets.fromBase64(only).keyring().keyIds());
        try (Haven haven =
                TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", only))) {
            assertTrue(
                    TestHaven.loggedIn(haven).get("/inbox").statusCode() == 200,
                    "the second factor no longer opens");
        }
        // the keys from before the rotation open nothing any more: a gateway given them refuses to
        // start
        ServerKeysCheck.Mismatch stale =
                Assertions.assertThrows(
                        ServerKeysCheck.Mismatch.class,
                        () ->
                                TestHaven.start(
                                                dataDir,
                                                Map.of(
                                                        "HAVEN_DB_URL",
                                                        url,
                                                        "HAVEN_SERVER_KEYS",
                                                        first))
                                        .close());
        assertTrue(
                stale.getMessage().contains("key 2 recorded, keys [1] here"), stale.getMessage());
        env.put("HAVEN_SERVER_KEYS", only);
        HavenCli.Run again = HavenCli.run(env, "server-keys", "retire");
        assertEquals(1, again.code(), again.toString());
        assertTrue(again.err().contains("hold one key only"), again.toString());
    }
}
