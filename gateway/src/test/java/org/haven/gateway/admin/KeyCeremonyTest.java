package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The key ceremony: adding and removing coordinators, rotating the team key. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KeyCeremonyTest {
    private static final String PASS = "coordinator passphrase here";

    /**
     * Verifies that removing a coordinator rotates the keys of their working group and of the
     * intake group (coordinators hold no team key: issue 20): every entry's data key is re-wrapped
     * to the new group key while the ciphertexts stay byte for byte the same, nothing is sealed to
     * the old key afterwards, the removed person can no longer log in, and a coordinator added
     * later reads old and new cases alike.
     */
    @Test
    void testRemovingCoordinatorRotatesKeyWithoutReencrypting(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            addCoordinator(admin, "rita");
            TestHaven.enrol(haven.port(), dataDir, "rita", PASS);

            String before = "before-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), before);
            InboxClient rita = TestHaven.loggedIn(haven.port(), dataDir, "rita");
            String firstCase = casePath(rita, before);
            assertTrue(
                    rita.get(firstCase).body().contains(before),
                    "a coordinator cannot read a case of her group");

            var db = haven.database().connectOptions();
            String teamKey =
                    DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                            .get(0)
                            .get(0);
            String oldKey = groupKey(db, "toronto");
            List<List<String>> ciphertexts =
                    DatabaseDump.query(
                            db, "SELECT case_id, seq, ciphertext FROM case_entries ORDER BY 1, 2");

            String team = admin.get("/inbox/team").body();
            Matcher m =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\" data-confirm=\"[^\"]*\"><input type=\"hidden\" name=\"csrf\" value=\"[^\"]+\">"
                                            + "<button type=\"submit\" class=\"secondary\" id=\"remove-rita\"")
                            .matcher(team);
            assertTrue(m.find(), "no remove button for rita");
            HttpResponse<String> removed = admin.postWithCsrf(team, m.group(1));
            assertTrue(
                    removed.body().contains("keys of its working groups rotated"), removed.body());

            String newKey = groupKey(db, "toronto");
            assertNotEquals(oldKey, newKey);
            assertEquals(
                    teamKey,
                    DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                            .get(0)
                            .get(0),
                    "the team key rotated");
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db, "SELECT count(*) FROM entry_keys WHERE key_id = '" + oldKey + "'"));
            assertEquals(
                    ciphertexts,
                    DatabaseDump.query(
                            db, "SELECT case_id, seq, ciphertext FROM case_entries ORDER BY 1, 2"),
                    "answers were re-encrypted");
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT (SELECT count(*) FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                                    + " WHERE a.username = 'rita') + (SELECT count(*) FROM group_key_grants g"
                                    + " JOIN accounts a ON a.id = g.account_id WHERE a.username = 'rita')"));
            assertEquals(
                    401,
                    new InboxClient(haven.port())
                            .login(
                                    "rita",
                                    TestHaven.chosen(PASS),
                                    TestHaven.credentials(dataDir, "rita").nextCode())
                            .statusCode());
            assertEquals(
                    302,
                    rita.get("/inbox").statusCode(),
                    "the removed coordinator's session survived");

            String after = "after-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), after);
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM entry_keys WHERE key_id <> '"
                                    + teamKey
                                    + "' AND key_id NOT IN (SELECT key_id FROM group_keys WHERE retired_at IS NULL)"),
                    "something sealed to a retired key");

            assertTrue(admin.get(firstCase).body().contains(before), "the admin lost the old case");
            addCoordinator(admin, "nora");
            TestHaven.enrol(haven.port(), dataDir, "nora", PASS);
            InboxClient nora = TestHaven.loggedIn(haven.port(), dataDir, "nora");
            assertTrue(
                    nora.get(firstCase).body().contains(before),
                    "a new coordinator cannot read an old case");
            assertTrue(
                    nora.get(casePath(nora, after)).body().contains(after),
                    "a new coordinator cannot read a new case");

            // A manual rotation logs everyone else out; after logging in again they read
            // everything.
            team = admin.get("/inbox/team").body();
            assertTrue(
                    admin.postWithCsrf(team, "/inbox/team/rotate")
                            .body()
                            .contains("Team key rotated"));
            assertEquals(302, nora.get("/inbox").statusCode());
            InboxClient noraAgain = TestHaven.loggedIn(haven.port(), dataDir, "nora");
            assertTrue(noraAgain.get(firstCase).body().contains(before));
            assertFalse(noraAgain.get(firstCase).body().contains("cannot be opened"));
        }
    }

    private static String groupKey(PgConnectOptions db, String group) throws Exception {
        return DatabaseDump.query(
                        db,
                        "SELECT key_id FROM group_keys WHERE retired_at IS NULL AND group_id = '"
                                + group
                                + "'")
                .get(0)
                .get(0);
    }

    private static void addCoordinator(InboxClient admin, String username) throws Exception {
        String page = admin.get("/inbox/team").body();
        HttpResponse<String> r =
                admin.postWithCsrf(
                        page,
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "coordinator",
                        "group",
                        "toronto",
                        "agency",
                        "",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS);
        assertTrue(r.body().contains("Account " + username + " created"), r.body());
    }

    private static String casePath(InboxClient client, String marker) throws Exception {
        String page = client.get("/inbox?queue=new&q=" + marker).body();
        Matcher m = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(page);
        assertTrue(m.find(), "case not found by text search");
        return m.group(1);
    }
}
