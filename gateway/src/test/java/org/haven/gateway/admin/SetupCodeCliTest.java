package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.keys.TeamKeyPin;
import org.haven.gateway.support.HavenCli;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code haven setup-code}: a lost first-administrator setup code is reissued against the database
 * (issue 17, scope 7).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SetupCodeCliTest {

    /**
     * Verifies that 'haven setup-code' is refused while a gateway serves; that once they are
     * stopped it prints a new code once (and writes it nowhere), after which the old code is
     * refused and the new one creates the administrator; that a second gateway starts with the new
     * pin printed beside it; and that once an administrator exists it is refused with the reason.
     */
    @Test
    void testLostSetupCodeIsReissuedOnceAndTheOldOneStopsWorking(
            @TempDir Path dataA, @TempDir Path dataB) throws Exception {
        String url = TestPostgres.newDatabase();
        String keys = ServerSecrets.generateBase64();
        Map<String, String> settings = Map.of("HAVEN_DB_URL", url, "HAVEN_SERVER_KEYS", keys);
        Map<String, String> env = new HashMap<>(settings);
        env.put("HAVEN_DATA_DIR", dataA.toString());
        String oldCode;
        try (Haven a = TestHaven.start(dataA, settings);
                Haven b = TestHaven.start(dataB, settings)) {
            oldCode = Files.readString(dataA.resolve("setup-code.txt")).strip();
            HavenCli.Run refused = HavenCli.run(env, "setup-code");
            assertEquals(1, refused.code(), refused.toString());
            assertTrue(
                    refused.err().startsWith("haven: a Haven gateway is running on this database"),
                    refused.toString());
        }
        Files.delete(dataA.resolve("setup-code.txt")); // lost

        HavenCli.Run reissued = HavenCli.run(env, "setup-code");
        assertEquals(0, reissued.code(), reissued.toString());
        List<String> lines = reissued.out().lines().toList();
        String newCode = lines.get(0);
        assertTrue(newCode.matches("[A-Z0-9]{5}(-[A-Z0-9]{5}){3}"), reissued.toString());
        assertFalse(newCode.equals(oldCode));
        assertFalse(
                Files.exists(dataA.resolve("setup-code.txt")),
                "the new code was written to a file");
        String pin = TeamKeyPin.read(TeamKeyPin.file(dataA)).orElseThrow().toString();
        assertTrue(lines.get(2).contains(pin), reissued.toString());

        try (Haven a = TestHaven.start(dataA, settings)) {
            HttpResponse<String> old =
                    new InboxClient(a.port())
                            .post(
                                    "/inbox/setup",
                                    "code",
                                    oldCode,
                                    "username",
                                    TestHaven.ADMIN,
                                    "passphrase",
                                    TestHaven.ADMIN_PASSPHRASE,
                                    "confirm",
                                    TestHaven.ADMIN_PASSPHRASE);
            assertTrue(
                    old.body().contains("That setup code is not right."),
                    "the old code still works: " + old.statusCode());
            Files.writeString(
                    dataA.resolve("setup-code.txt"),
                    newCode.toLowerCase(Locale.ROOT)); // as typed from the printout
            TestHaven.setUpAdmin(a);
            assertEquals(200, TestHaven.loggedIn(a).get("/inbox").statusCode());
        }
        // the second gateway pinned the old key at its first start: it refuses the new one until
        // given the new pin
        Exception stale =
                assertThrows(Exception.class, () -> TestHaven.start(dataB, settings).close());
        assertEquals("Unverified", stale.getClass().getSimpleName(), String.valueOf(stale));
        Map<String, String> pinned = new HashMap<>(settings);
        pinned.put("HAVEN_TEAM_KEY_PIN", pin);
        try (Haven b = TestHaven.start(dataB, pinned)) {
            assertEquals(
                    200,
                    TestHaven.loggedIn(b.port(), dataA, TestHaven.ADMIN)
                            .get("/inbox")
                            .statusCode());
        }

        HavenCli.Run done = HavenCli.run(env, "setup-code");
        assertEquals(1, done.code(), done.toString());
        assertTrue(
                done.err().startsWith("haven: setup is done: an administrator exists"),
                done.toString());
        assertEquals("", done.out());
    }
}
