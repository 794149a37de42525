package org.haven.gateway.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.haven.crypto.OpenPgpSigningKey;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.Haven;
import org.haven.gateway.cases.CaseMove;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.GroupKeys;
import org.haven.gateway.keys.InstallBeforeGroupKeys;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.FakeTwilio;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TwilioWebhook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compartments (issue 20), as docs/crypto.md's "one stolen coordinator passphrase" adversary tests
 * them: with a copy of the database and one coordinator's passphrase, read straight from the
 * database with Haven's own formats (no inbox, no permission check in the way).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CompartmentsTest {
    private static final String PASS = "a long one-time passphrase";
    private static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String OUR_NUMBER = "+15145550100";
    private static final String PUBLIC_URL = "http://haven.example.org";
    private static final String PHONE = "+16135550172";
    private static final String TORONTO_CASES =
            "SELECT id FROM cases WHERE working_group = 'toronto'";

    /**
     * Verifies that with a database dump and the Toronto coordinator's passphrase only Toronto
     * cases open, and that a Montreal case refuses with the cryptographic error: none of its
     * entries is sealed to any key the passphrase opens (the coordinator holds no team key).
     */
    @Test
    void testStolenTorontoPassphraseOpensTorontoCasesOnly(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TorontoMontreal cities = torontoAndMontreal(haven, "");
            InboxClient admin = cities.admin();
            String toronto = cities.toronto();
            String montreal = cities.montreal();
            PgConnectOptions db = haven.database().connectOptions();
            String stolen = PASS; // the one-time passphrase the box is still under

            List<RecipientPrivateKey> keys = keysOf(db, "tara", stolen);
            assertEquals(0, teamGrants(db, "tara"), "a coordinator holds the team key");
            assertTrue(answersOf(db, toronto, keys).contains(toronto), "Toronto does not open");
            assertNotSealedToKeysHeld(() -> answersOf(db, montreal, keys));
            Set<String> held =
                    keys.stream().map(k -> k.publicKey().keyId()).collect(Collectors.toSet());
            for (String keyId : recipientsOf(db, "montreal")) {
                assertFalse(held.contains(keyId), "a Montreal entry is sealed to a key tara holds");
            }
            // and the other way round
            List<RecipientPrivateKey> marc = keysOf(db, "marc", stolen);
            assertTrue(answersOf(db, montreal, marc).contains(montreal));
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, toronto, marc));
        }
    }

    /**
     * Verifies that moving a case from Toronto to Montreal re-seals it: Montreal's coordinator
     * reads it afterwards, Toronto's no longer can (its wraps are gone), and the move is audited.
     */
    @Test
    void testMovedCaseOpensForNewGroupOnly(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            String marker = "moved-" + UUID.randomUUID();
            intake(haven, marker, "Toronto");
            PgConnectOptions db = haven.database().connectOptions();
            String stolen = PASS; // the one-time passphrase the box is still under
            assertTrue(answersOf(db, marker, keysOf(db, "tara", stolen)).contains(marker));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> answersOf(db, marker, keysOf(db, "marc", stolen)));

            String caseId = onlyCase(db, "toronto");
            String page = admin.get("/inbox/cases/" + caseId).body();
            assertTrue(page.contains("/inbox/cases/" + caseId + "/move"), "no move form");
            HttpResponse<String> moved =
                    admin.postWithCsrf(
                            page, "/inbox/cases/" + caseId + "/move", "group", "montreal");
            assertEquals(302, moved.statusCode());
            assertEquals(
                    List.of(List.of("montreal")),
                    DatabaseDump.query(
                            db, "SELECT working_group FROM cases WHERE id = '" + caseId + "'"));

            assertTrue(answersOf(db, marker, keysOf(db, "marc", stolen)).contains(marker));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> answersOf(db, marker, keysOf(db, "tara", stolen)),
                    "the old group still opens the moved case");
            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM audit_log WHERE action = 'case_moved:montreal'"
                                    + " AND case_id = '"
                                    + caseId
                                    + "'"));
            // moving it back takes keys that open it: tara's no longer do (the cryptographic
            // refusal, whatever the permission checks say)
            Throwable back =
                    assertThrows(
                            ExecutionException.class,
                            () ->
                                    new CaseMove(
                                                    haven.database().db(),
                                                    haven.teamKeys(),
                                                    TestHaven.auditKey(dataDir))
                                            .move(
                                                    UUID.fromString(caseId),
                                                    "toronto",
                                                    keysOf(db, "tara", stolen),
                                                    "tara")
                                            .toCompletionStage()
                                            .toCompletableFuture()
                                            .get(30, TimeUnit.SECONDS));
            assertTrue(back.getCause() instanceof CaseMove.CannotOpen, back.toString());
            // a later message is sealed to the new group's key
            assertTrue(recipientsOf(db, "montreal").containsAll(currentKey(db, "montreal")));
        }
    }

    /**
     * Verifies that removing a Toronto coordinator rotates the Toronto key, the intake group's and
     * the export signing key (every coordinator holds those two), and nothing else: the team key,
     * Montreal's key and Montreal's entry keys are untouched; the remaining Toronto coordinator
     * reads on with the new key; the removed one's old keys open nothing sealed afterwards.
     */
    @Test
    void testRemovalRotatesOnlyThatGroupsKeys(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            addCoordinator(admin, "tara", "toronto");
            addCoordinator(admin, "tom", "toronto");
            addCoordinator(admin, "marc", "montreal");
            String toronto = "toronto-" + UUID.randomUUID();
            String montreal = "montreal-" + UUID.randomUUID();
            intake(haven, toronto, "Toronto");
            intake(haven, montreal, "Montreal");
            PgConnectOptions db = haven.database().connectOptions();
            String stolen = PASS; // the one-time passphrase the box is still under
            List<RecipientPrivateKey> taraBefore = keysOf(db, "tara", stolen);

            Map<String, String> before = groupKeys(db);
            String teamBefore = teamKey(db);
            List<List<String>> montrealWraps = wrapsOf(db, "montreal");

            String page = admin.get("/inbox/team").body();
            Matcher remove =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\" data-confirm=\"[^\"]*\"><input type=\"hidden\" name=\"csrf\""
                                            + " value=\"[^\"]+\"><button type=\"submit\" class=\"secondary\" id=\"remove-tara\"")
                            .matcher(page);
            assertTrue(remove.find(), "no remove button for tara");
            String removed = admin.postWithCsrf(page, remove.group(1)).body();
            assertTrue(
                    removed.contains(
                            "keys of its working groups rotated (export, intake, toronto)"),
                    "removal did not rotate the group keys");

            Map<String, String> after = groupKeys(db);
            assertNotEquals(before.get("toronto"), after.get("toronto"));
            assertNotEquals(before.get("intake"), after.get("intake"));
            assertEquals(before.get("montreal"), after.get("montreal"), "Montreal's key rotated");
            for (String g : before.keySet()) {
                if (!List.of("toronto", "intake", "export").contains(g)) {
                    assertEquals(before.get(g), after.get(g), g + "'s key rotated");
                }
            }
            assertEquals(teamBefore, teamKey(db), "the team key rotated");
            assertEquals(montrealWraps, wrapsOf(db, "montreal"), "Montreal's entries re-wrapped");

            // tom reads on with the new key; tara's old keys open nothing sealed from now on
            assertTrue(answersOf(db, toronto, keysOf(db, "tom", stolen)).contains(toronto));
            String later = "later-" + UUID.randomUUID();
            intake(haven, later, "Toronto");
            assertTrue(answersOf(db, later, keysOf(db, "tom", stolen)).contains(later));
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, later, taraBefore));
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, toronto, taraBefore));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM group_key_grants g JOIN accounts a ON a.id = g.account_id"
                                    + " WHERE a.username = 'tara'"));
        }
    }

    /**
     * Verifies the upgrade of an installation from before group keys (simulated: the group keys,
     * their grants and wraps deleted, and each coordinator granted the team key, as before): its
     * cases keep opening with the team key, new cases are sealed to the team key; the next team key
     * rotation moves each coordinator to their groups' keys (sealing the old cases to them too) and
     * grants the new team key to administrators only, after which a Toronto passphrase opens
     * Toronto's cases, old and new, and no longer Montreal's.
     */
    @Test
    void testUpgradeMovesCoordinatorsToGroupKeysAtNextRotation(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TorontoMontreal cities = torontoAndMontreal(haven, "old-");
            InboxClient admin = cities.admin();
            String toronto = cities.toronto();
            String montreal = cities.montreal();
            PgConnectOptions db = haven.database().connectOptions();
            String stolen = PASS;

            // back to the state of an installation from before group keys: its first team key
            // pinned as such (hvpin1-), coordinators holding it
            InstallBeforeGroupKeys.pin(haven.teamKeys());
            String teamId = teamKey(db);
            RecipientPrivateKey team =
                    keysOf(db, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE).stream()
                            .filter(k -> k.publicKey().keyId().equals(teamId))
                            .findFirst()
                            .orElseThrow();
            DatabaseDump.execute(
                    db, "DELETE FROM entry_keys WHERE key_id IN (SELECT key_id FROM group_keys)");
            DatabaseDump.execute(db, "DELETE FROM group_key_grants");
            DatabaseDump.execute(db, "DELETE FROM group_keys");
            for (String who : List.of("tara", "marc")) {
                List<String> a =
                        DatabaseDump.query(
                                        db,
                                        "SELECT id, encode(public_key, 'hex') FROM accounts WHERE username = '"
                                                + who
                                                + "'")
                                .get(0);
                long id = Long.parseLong(a.get(0));
                byte[] grant =
                        KeyGrants.grant(
                                team,
                                teamId,
                                id,
                                RecipientPublicKey.fromBytes(HexFormat.of().parseHex(a.get(1))));
                DatabaseDump.execute(
                        db,
                        "INSERT INTO team_key_grants (account_id, key_id, sealed) VALUES ("
                                + id
                                + ", '"
                                + teamId
                                + "', '\\x"
                                + HexFormat.of().formatHex(grant)
                                + "'::bytea)");
            }
            String between = "between-" + UUID.randomUUID();
            intake(haven, between, "Toronto");
            assertTrue(recipientsOf(db, "toronto").equals(Set.of(teamId)), "not team-only");
            // not compartmented yet: tara's team key opens Montreal too
            assertTrue(answersOf(db, montreal, keysOf(db, "tara", stolen)).contains(montreal));

            String page = admin.get("/inbox/team").body();
            assertTrue(
                    admin.postWithCsrf(page, "/inbox/team/rotate")
                            .body()
                            .contains("Team key rotated"));

            assertEquals(0, teamGrants(db, "tara"), "tara still holds the team key");
            assertEquals(0, teamGrants(db, "marc"), "marc still holds the team key");
            assertEquals(1, teamGrants(db, TestHaven.ADMIN));
            List<RecipientPrivateKey> tara = keysOf(db, "tara", stolen);
            assertTrue(answersOf(db, toronto, tara).contains(toronto), "old Toronto case");
            assertTrue(answersOf(db, between, tara).contains(between), "case from before");
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, montreal, tara));
            List<RecipientPrivateKey> marc = keysOf(db, "marc", stolen);
            assertTrue(answersOf(db, montreal, marc).contains(montreal));
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, toronto, marc));
            String after = "after-" + UUID.randomUUID();
            intake(haven, after, "Toronto");
            assertTrue(answersOf(db, after, tara).contains(after));
            assertThrows(GeneralSecurityException.class, () -> answersOf(db, after, marc));
        }
    }

    /**
     * Verifies that someone who can write the database cannot have a team key rotation grant a
     * coordinator another group's key: on an installation set up with group keys (its team key
     * administrators only), a planted {@code team_key_grants} row for Montreal's coordinator (which
     * nobody can tell from a real one without his passphrase) and an {@code account_groups} row for
     * Toronto move nobody when an administrator rotates the team key. The grant is refused and
     * audited, no Toronto key is granted to him, and with a dump and his passphrase Toronto's cases
     * refuse with the cryptographic error while Montreal's still open.
     */
    @Test
    void testDatabaseWriterPlantedTeamGrantMovesNobodyAtRotation(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TorontoMontreal cities = torontoAndMontreal(haven, "");
            InboxClient admin = cities.admin();
            String toronto = cities.toronto();
            String montreal = cities.montreal();
            PgConnectOptions db = haven.database().connectOptions();
            long marc = accountId(db, "marc");
            String teamId = teamKey(db);

            // the database writer's move: a grant they cannot make for real, and a membership
            byte[] planted = new byte[99];
            new SecureRandom().nextBytes(planted);
            DatabaseDump.execute(
                    db,
                    "INSERT INTO team_key_grants (account_id, key_id, sealed) VALUES ("
                            + marc
                            + ", '"
                            + teamId
                            + "', '\\x"
                            + HexFormat.of().formatHex(planted)
                            + "'::bytea)");
            DatabaseDump.execute(
                    db,
                    "INSERT INTO account_groups (account_id, group_id) VALUES ("
                            + marc
                            + ", 'toronto')");

            String page = admin.get("/inbox/team").body();
            assertTrue(
                    admin.postWithCsrf(page, "/inbox/team/rotate")
                            .body()
                            .contains("Team key rotated"));

            assertNotEquals(teamId, teamKey(db), "the team key did not rotate");
            assertEquals(0, teamGrants(db, "marc"), "marc holds the team key");
            assertLockedOut(db, "toronto", toronto, "marc", marc);
            assertTrue(answersOf(db, montreal, keysOf(db, "marc", PASS)).contains(montreal));
            assertTrue(answersOf(db, toronto, keysOf(db, "tara", PASS)).contains(toronto));
            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM audit_log WHERE actor = 'system:keys'"
                                    + " AND action = 'team_grant_refused:"
                                    + marc
                                    + "'"));
        }
    }

    /**
     * Verifies that someone who can write the database cannot add a coordinator to a group: a row
     * written into {@code account_groups} (tara into Montreal) does not bring Montreal's key when
     * an administrator's removal of another Montreal coordinator rotates it. The refusal is
     * audited, and with a dump and tara's passphrase Montreal's cases still refuse with the
     * cryptographic error; Montreal's genuine coordinator reads on.
     */
    @Test
    void testDatabaseWriterCannotAddACoordinatorToAGroup(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            addCoordinator(admin, "mia", "montreal");
            String montreal = "montreal-" + UUID.randomUUID();
            intake(haven, montreal, "Montreal");
            PgConnectOptions db = haven.database().connectOptions();
            long tara = accountId(db, "tara");

            // the database writer's move
            DatabaseDump.execute(
                    db,
                    "INSERT INTO account_groups (account_id, group_id) VALUES ("
                            + tara
                            + ", 'montreal')");

            String page = admin.get("/inbox/team").body();
            assertTrue(
                    page.contains("id=\"unsigned-group-tara-montreal\""),
                    "the Team page shows the planted membership as genuine");
            assertFalse(page.contains("id=\"unsigned-group-tara-toronto\""));
            Matcher remove =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\"[^>]*><input type=\"hidden\" name=\"csrf\""
                                            + " value=\"[^\"]+\"><button type=\"submit\" class=\"secondary\" id=\"remove-mia\"")
                            .matcher(page);
            assertTrue(remove.find(), "no remove button for mia");
            assertTrue(
                    admin.postWithCsrf(page, remove.group(1))
                            .body()
                            .contains("keys of its working groups rotated"),
                    "removal did not rotate the group keys");

            assertLockedOut(db, "montreal", montreal, "tara", tara);
            assertTrue(answersOf(db, montreal, keysOf(db, "marc", PASS)).contains(montreal));
            assertEquals(
                    List.of(List.of("1")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM audit_log WHERE action = 'group_grant_refused:montreal:"
                                    + tara
                                    + "'"));
        }
    }

    /**
     * Verifies that an administrator adds an existing coordinator to a working group on the Team
     * page: with a dump and its passphrase the coordinator then opens that group's cases; removed
     * again, the group's key rotates (that group's alone) and its passphrase opens neither the
     * group's cases from before nor those after. Both changes are audited.
     */
    @Test
    void testAddedCoordinatorOpensGroupAndRemovedOneCannot(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            String montreal = "montreal-" + UUID.randomUUID();
            intake(haven, montreal, "Montreal");
            PgConnectOptions db = haven.database().connectOptions();
            long tara = accountId(db, "tara");
            assertThrows(
                    GeneralSecurityException.class,
                    () -> answersOf(db, montreal, keysOf(db, "tara", PASS)));

            String page = admin.get("/inbox/team").body();
            String added =
                    admin.postWithCsrf(
                                    page,
                                    "/inbox/team/accounts/" + tara + "/groups",
                                    "group",
                                    "montreal")
                            .body();
            assertTrue(added.contains("tara now belongs to montreal"), "not added");
            assertTrue(answersOf(db, montreal, keysOf(db, "tara", PASS)).contains(montreal));
            List<RecipientPrivateKey> taraWithMontreal = keysOf(db, "tara", PASS);

            Map<String, String> before = groupKeys(db);
            page = admin.get("/inbox/team").body();
            assertTrue(page.contains("id=\"remove-group-tara-montreal\""), "no removal button");
            String removed =
                    admin.postWithCsrf(
                                    page,
                                    "/inbox/team/accounts/" + tara + "/groups/remove",
                                    "group",
                                    "montreal")
                            .body();
            assertTrue(removed.contains("tara no longer belongs to montreal"), "not removed");
            Map<String, String> after = groupKeys(db);
            assertNotEquals(before.get("montreal"), after.get("montreal"), "Montreal's key stayed");
            for (String g : before.keySet()) {
                if (!g.equals("montreal")) {
                    assertEquals(before.get(g), after.get(g), g + "'s key rotated");
                }
            }
            assertThrows(
                    GeneralSecurityException.class,
                    () -> answersOf(db, montreal, keysOf(db, "tara", PASS)));
            String later = "later-" + UUID.randomUUID();
            intake(haven, later, "Montreal");
            assertThrows(
                    GeneralSecurityException.class, () -> answersOf(db, later, taraWithMontreal));
            assertTrue(answersOf(db, later, keysOf(db, "marc", PASS)).contains(later));
            assertTrue(answersOf(db, montreal, keysOf(db, "marc", PASS)).contains(montreal));
            assertEquals(
                    List.of(List.of("2")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM audit_log WHERE action IN ('group_member_added:montreal:"
                                    + tara
                                    + "', 'group_member_removed:montreal:"
                                    + tara
                                    + "')"));
        }
    }

    /**
     * Verifies that a group key whose record does not verify (its signature rewritten in the
     * database) is not a recipient, and that the rejection is audited ({@code
     * key_rejected:group:<key id>}), like a rejected team or agency key.
     */
    @Test
    void testRejectedGroupKeyIsAudited(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            addCoordinator(admin, "tara", "toronto");
            PgConnectOptions db = haven.database().connectOptions();
            String keyId = currentKey(db, "toronto").iterator().next();
            DatabaseDump.execute(
                    db,
                    "UPDATE group_keys SET key_signature = '\\x"
                            + "00".repeat(64)
                            + "'::bytea WHERE key_id = '"
                            + keyId
                            + "'");
            String marker = "rejected-" + UUID.randomUUID();
            intake(haven, marker, "Toronto");
            assertFalse(recipientsOf(db, "toronto").contains(keyId), "sealed to a rejected key");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String audited =
                    "SELECT count(*) FROM audit_log WHERE action = 'key_rejected:group:"
                            + keyId
                            + "'";
            while (DatabaseDump.query(db, audited).equals(List.of(List.of("0")))) {
                assertTrue(System.nanoTime() < deadline, "the rejected group key is not audited");
                Thread.sleep(200);
            }
            assertEquals(List.of(List.of("1")), DatabaseDump.query(db, audited));
        }
    }

    /**
     * Verifies that a case's group rewritten in the database (Toronto to Montreal) opens none of
     * its entries to Montreal's coordinator: they stay sealed to Toronto's key, which only a move
     * by someone who opens the case re-seals.
     */
    @Test
    void testDatabaseWriterChangingACasesGroupOpensNothing(@TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            String marker = "rewritten-" + UUID.randomUUID();
            intake(haven, marker, "Toronto");
            PgConnectOptions db = haven.database().connectOptions();
            DatabaseDump.execute(
                    db,
                    "UPDATE cases SET working_group = 'montreal' WHERE working_group = 'toronto'");
            assertNotSealedToKeysHeld(() -> answersOf(db, marker, keysOf(db, "marc", PASS)));
            assertTrue(answersOf(db, marker, keysOf(db, "tara", PASS)).contains(marker));
        }
    }

    /**
     * Verifies the accepted limit of the rewrite above: once a case's group is rewritten in the
     * database (Toronto to Montreal), the entries appended afterwards (the person writes again) are
     * sealed to the group the column names, so Montreal's coordinator opens that later message and
     * Toronto's does not, while the entries from before stay Toronto's alone.
     */
    @Test
    void testDatabaseWriterChangingACasesGroupRedirectsOnlyLaterEntries(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            String marker = "rewritten-" + UUID.randomUUID();
            String later = "later-" + UUID.randomUUID();
            PgConnectOptions db = haven.database().connectOptions();
            String caseId;
            List<String> said = answersWithCity(marker, "Toronto");
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, said);
                caseId = awaitOneCase(db, TORONTO_CASES);
                DatabaseDump.execute(
                        db,
                        "UPDATE cases SET working_group = 'montreal' WHERE id = '" + caseId + "'");
                chat.untilAck(chat.say("one more thing " + later));
            }
            awaitKinds(db, caseId, Set.of("answers", "message_in"));
            List<RecipientPrivateKey> tara = keysOf(db, "tara", PASS);
            List<RecipientPrivateKey> marc = keysOf(db, "marc", PASS);
            for (StoredEntry e : entriesOf(db, caseId)) {
                boolean before = e.kind().equals("answers");
                List<RecipientPrivateKey> opens = before ? tara : marc;
                List<RecipientPrivateKey> refuses = before ? marc : tara;
                assertTrue(e.open(opens).contains(before ? marker : later), e.kind());
                assertNotSealedToKeysHeld(() -> e.open(refuses), e.kind());
            }
        }
    }

    /**
     * Verifies scope 4: a case with no group yet (the person asked for a person at the city
     * question) is sealed to the intake group's key, which every coordinator holds, so with a dump
     * the Toronto coordinator's passphrase and, separately, the Montreal coordinator's each open
     * every one of its entries (the answers and a later message). Once an administrator moves it to
     * Toronto its intake-group wraps are gone: the Montreal coordinator's keys refuse every entry
     * with the cryptographic error, and Toronto's open them all.
     */
    @Test
    void testCaseWithNoGroupYetOpensForEveryCoordinatorUntilMoved(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            InboxClient admin = taraAndMarc(haven);
            String marker = "nogroup-" + UUID.randomUUID();
            String later = "later-" + UUID.randomUUID();
            List<String> said = answersWithCity(marker, "Talk to a person"); // instead of the city
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, said);
                chat.untilAck(chat.say("one more thing " + later));
            }
            PgConnectOptions db = haven.database().connectOptions();
            List<List<String>> noGroup =
                    DatabaseDump.query(db, "SELECT id FROM cases WHERE working_group IS NULL");
            assertEquals(1, noGroup.size(), "the case has a group");
            String caseId = noGroup.get(0).get(0);
            awaitKinds(db, caseId, Set.of("answers", "message_in"));
            String intakeKey = currentKey(db, "intake").iterator().next();
            for (StoredEntry e : entriesOf(db, caseId)) {
                assertEquals(Set.of(teamKey(db), intakeKey), e.sealed().keySet(), e.kind());
            }
            for (String who : List.of("tara", "marc")) {
                Map<String, String> opened = openAll(db, caseId, keysOf(db, who, PASS));
                assertTrue(opened.get("answers").contains(marker), who + ": answers");
                assertTrue(opened.get("message_in").contains(later), who + ": later message");
            }

            String page = admin.get("/inbox/cases/" + caseId).body();
            assertTrue(page.contains("/inbox/cases/" + caseId + "/move"), "no move form");
            assertEquals(
                    302,
                    admin.postWithCsrf(page, "/inbox/cases/" + caseId + "/move", "group", "toronto")
                            .statusCode());
            assertEquals(List.of(List.of(caseId)), DatabaseDump.query(db, TORONTO_CASES));

            List<RecipientPrivateKey> marc = keysOf(db, "marc", PASS);
            for (StoredEntry e : entriesOf(db, caseId)) {
                assertFalse(e.sealed().containsKey(intakeKey), "an intake-group wrap is left");
                assertNotSealedToKeysHeld(() -> e.open(marc), e.kind());
            }
            Map<String, String> tara = openAll(db, caseId, keysOf(db, "tara", PASS));
            assertTrue(tara.get("answers").contains(marker));
            assertTrue(tara.get("message_in").contains(later));
        }
    }

    /**
     * Verifies that every entry of a Toronto case, not only its answers, is sealed to the team key
     * and Toronto's key exactly, and so opens with the Toronto coordinator's keys and with none of
     * the Montreal coordinator's: an SMS intake's answers and contact (the number), the person's
     * later message after hand-off, and a reply and a private note written by an administrator.
     */
    @Test
    void testEveryEntryOfATorontoCaseOpensForTorontoOnly(@TempDir Path dataDir) throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT);
                Haven haven =
                        TestHaven.start(
                                dataDir,
                                twilio.smsSettings(PUBLIC_URL, ACCOUNT, TOKEN, OUR_NUMBER))) {
            InboxClient admin = taraAndMarc(haven);
            String marker = "every-" + UUID.randomUUID();
            String later = "later-" + UUID.randomUUID();
            TwilioWebhook webhook = new TwilioWebhook(haven.port(), PUBLIC_URL);
            List<String> texts = new ArrayList<>(List.of("Hello"));
            texts.addAll(IntakeDriver.survivorAnswers(marker));
            texts.add("Something more " + later);
            for (String text : texts) {
                String form =
                        TwilioWebhook.smsForm(
                                ACCOUNT, TwilioWebhook.newMessageSid(), PHONE, OUR_NUMBER, text);
                assertEquals(
                        200, webhook.postSigned("/webhooks/twilio/sms", form, TOKEN).statusCode());
            }
            PgConnectOptions db = haven.database().connectOptions();
            String caseId = awaitOneCase(db, TORONTO_CASES);
            awaitKinds(db, caseId, Set.of("answers", "contact", "message_in"));

            String path = "/inbox/cases/" + caseId;
            String reply = "reply-" + UUID.randomUUID();
            String note = "note-" + UUID.randomUUID();
            CaseWork.claimReplyAndNote(admin, path, reply, note);
            Set<String> kinds = Set.of("answers", "contact", "message_in", "message_out", "note");
            awaitKinds(db, caseId, kinds);

            List<StoredEntry> entries = entriesOf(db, caseId);
            assertEquals(
                    kinds,
                    entries.stream().map(StoredEntry::kind).collect(Collectors.toSet()),
                    "another kind of entry");
            Set<String> sealedTo = Set.of(teamKey(db), currentKey(db, "toronto").iterator().next());
            List<RecipientPrivateKey> tara = keysOf(db, "tara", PASS);
            List<RecipientPrivateKey> marc = keysOf(db, "marc", PASS);
            for (StoredEntry e : entries) {
                assertEquals(sealedTo, e.sealed().keySet(), e.kind() + "'s recipients");
                assertNotSealedToKeysHeld(() -> e.open(marc), e.kind());
            }
            Map<String, String> opened = openAll(db, caseId, tara);
            assertTrue(opened.get("answers").contains(marker), "answers");
            assertTrue(opened.get("contact").contains(PHONE), "contact");
            assertTrue(opened.get("message_in").contains(later), "later message");
            assertTrue(opened.get("message_out").contains(reply), "reply");
            assertTrue(opened.get("note").contains(note), "note");
        }
    }

    /**
     * Verifies what else one stolen coordinator passphrase opens with a dump: the current export
     * key, which every coordinator is granted (Toronto's and Montreal's alike), and from it the
     * organisation's export signing key, the very key the inbox publishes for lawyers to verify
     * exports with (so the thief can sign a forged export); and that the export key opens no case
     * entry: none is sealed to it.
     */
    @Test
    void testStolenPassphraseOpensExportSigningKeyButNoEntry(@TempDir Path dataDir)
            throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            torontoAndMontreal(haven, "");
            PgConnectOptions db = haven.database().connectOptions();
            String exportId = currentKey(db, "export").iterator().next();
            RecipientPrivateKey export =
                    keysOf(db, "tara", PASS).stream()
                            .filter(k -> k.publicKey().keyId().equals(exportId))
                            .findFirst()
                            .orElseThrow(() -> new AssertionError("tara holds no export key"));
            assertTrue(
                    keysOf(db, "marc", PASS).stream()
                            .anyMatch(k -> k.publicKey().keyId().equals(exportId)),
                    "marc holds no export key");

            // the derivation docs/crypto.md gives ("OpenPGP export"), against what the inbox serves
            OpenPgpSigningKey forger =
                    OpenPgpSigningKey.derive(export, "Haven case exports (key " + exportId + ")");
            InboxClient admin = TestHaven.loggedIn(haven); // a session holding the export key
            assertEquals(
                    admin.get("/inbox/export-signing-key.asc").body(),
                    forger.armoredPublicKey(),
                    "the stolen export key does not give the published signing key");

            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM entry_keys WHERE key_id = '" + exportId + "'"));
            List<List<String>> cases = DatabaseDump.query(db, "SELECT id FROM cases");
            assertEquals(2, cases.size());
            for (List<String> c : cases) {
                for (StoredEntry e : entriesOf(db, c.get(0))) {
                    assertThrows(
                            GeneralSecurityException.class,
                            () -> e.open(List.of(export)),
                            "the export key opens a " + e.kind() + " entry");
                }
            }
        }
    }

    /**
     * Sets up an administrator, Tara a coordinator in Toronto and Marc one in Montreal; the
     * administrator's client.
     */
    private static InboxClient taraAndMarc(Haven haven) throws Exception {
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        addCoordinator(admin, "tara", "toronto");
        addCoordinator(admin, "marc", "montreal");
        return admin;
    }

    /**
     * Asserts that {@code opening} fails with the cryptographic refusal of an entry sealed to none
     * of the keys it is given.
     */
    private static void assertNotSealedToKeysHeld(Executable opening) {
        assertNotSealedToKeysHeld(opening, null);
    }

    /** The same, {@code message} naming what was opened should it open. */
    private static void assertNotSealedToKeysHeld(Executable opening, String message) {
        GeneralSecurityException refused =
                assertThrows(GeneralSecurityException.class, opening, message);
        assertEquals("entry is not sealed to any key held", refused.getMessage(), message);
    }

    /** An administrator's client and the markers of one case in each city. */
    private record TorontoMontreal(InboxClient admin, String toronto, String montreal) {}

    /**
     * Sets up an administrator, Tara in Toronto and Marc in Montreal, and one intake in each city
     * (markers starting {@code prefix}).
     */
    private static TorontoMontreal torontoAndMontreal(Haven haven, String prefix) throws Exception {
        InboxClient admin = taraAndMarc(haven);
        String toronto = prefix + "toronto-" + UUID.randomUUID();
        String montreal = prefix + "montreal-" + UUID.randomUUID();
        intake(haven, toronto, "Toronto");
        intake(haven, montreal, "Montreal");
        return new TorontoMontreal(admin, toronto, montreal);
    }

    /**
     * Asserts that {@code login} holds no grant of {@code group}'s key and that, with a copy of the
     * database and their passphrase, the case marked {@code marker} refuses with the cryptographic
     * error, not a permission check.
     */
    private static void assertLockedOut(
            PgConnectOptions db, String group, String marker, String login, long accountId)
            throws Exception {
        assertEquals(
                List.of(List.of("0")),
                DatabaseDump.query(
                        db,
                        "SELECT count(*) FROM group_key_grants g JOIN group_keys k ON k.key_id ="
                                + " g.key_id WHERE k.group_id = '"
                                + group
                                + "' AND g.account_id = "
                                + accountId),
                login + " was granted " + group + "'s key");
        assertNotSealedToKeysHeld(() -> answersOf(db, marker, keysOf(db, login, PASS)));
    }

    private static long accountId(PgConnectOptions db, String username) throws Exception {
        return Long.parseLong(
                DatabaseDump.query(
                                db, "SELECT id FROM accounts WHERE username = '" + username + "'")
                        .get(0)
                        .get(0));
    }

    static void addCoordinator(InboxClient admin, String username, String group) throws Exception {
        String page = admin.get("/inbox/team").body();
        assertTrue(
                admin.postWithCsrf(
                                page,
                                "/inbox/team/accounts",
                                "username",
                                username,
                                "role",
                                "coordinator",
                                "group",
                                group,
                                "agency",
                                "",
                                "passphrase",
                                PASS,
                                "confirm",
                                PASS)
                        .body()
                        .contains("Account " + username + " created"),
                "account " + username + " not created");
    }

    /**
     * A survivor's answers carrying {@code marker}, with {@code city} given at the last question
     * (the city's).
     */
    private static List<String> answersWithCity(String marker, String city) {
        List<String> said = new ArrayList<>(IntakeDriver.survivorAnswers(marker));
        said.set(said.size() - 1, city);
        return said;
    }

    private static void intake(Haven haven, String marker, String city) throws Exception {
        List<String> said = answersWithCity(marker, city);
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, said);
        }
    }

    /**
     * What the thief does with a copy of the database: opens the personal key box with the
     * passphrase, then every grant sealed to it (team and group keys).
     */
    static List<RecipientPrivateKey> keysOf(PgConnectOptions db, String username, String pass)
            throws Exception {
        List<List<String>> account =
                DatabaseDump.query(
                        db,
                        "SELECT id, encode(sealed_private_key, 'hex') FROM accounts WHERE username = '"
                                + username
                                + "'");
        long id = Long.parseLong(account.get(0).get(0));
        RecipientPrivateKey personal =
                RecipientPrivateKey.fromBytes(
                        PassphraseBox.open(
                                HexFormat.of().parseHex(account.get(0).get(1)), pass.toCharArray()),
                        SecretKeyAccess.INSECURE);
        List<RecipientPrivateKey> keys = new ArrayList<>();
        for (List<String> g :
                DatabaseDump.query(
                        db,
                        "SELECT key_id, encode(sealed, 'hex') FROM team_key_grants WHERE account_id = "
                                + id)) {
            keys.add(KeyGrants.open(HexFormat.of().parseHex(g.get(1)), g.get(0), id, personal));
        }
        for (List<String> g :
                DatabaseDump.query(
                        db,
                        "SELECT k.group_id, g.key_id, encode(g.sealed, 'hex') FROM group_key_grants g"
                                + " JOIN group_keys k ON k.key_id = g.key_id WHERE g.account_id = "
                                + id)) {
            keys.add(
                    GroupKeys.openGrant(
                            HexFormat.of().parseHex(g.get(2)), g.get(1), g.get(0), id, personal));
        }
        return keys;
    }

    private static int teamGrants(PgConnectOptions db, String username) throws Exception {
        return Integer.parseInt(
                DatabaseDump.query(
                                db,
                                "SELECT count(*) FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                                        + " WHERE a.username = '"
                                        + username
                                        + "'")
                        .get(0)
                        .get(0));
    }

    /** The key ids the entries of a group's cases are sealed to. */
    private static Set<String> recipientsOf(PgConnectOptions db, String group) throws Exception {
        return DatabaseDump.query(
                        db,
                        "SELECT DISTINCT k.key_id FROM entry_keys k JOIN cases c ON c.id = k.case_id"
                                + " WHERE c.working_group = '"
                                + group
                                + "'")
                .stream()
                .map(r -> r.get(0))
                .collect(Collectors.toSet());
    }

    private static Set<String> currentKey(PgConnectOptions db, String group) throws Exception {
        return DatabaseDump.query(
                        db,
                        "SELECT key_id FROM group_keys WHERE retired_at IS NULL AND group_id = '"
                                + group
                                + "'")
                .stream()
                .map(r -> r.get(0))
                .collect(Collectors.toSet());
    }

    private static List<List<String>> wrapsOf(PgConnectOptions db, String group) throws Exception {
        return DatabaseDump.query(
                db,
                "SELECT k.case_id, k.seq, k.key_id, encode(k.sealed_key, 'hex') FROM entry_keys k"
                        + " JOIN cases c ON c.id = k.case_id WHERE c.working_group = '"
                        + group
                        + "' ORDER BY 1, 2, 3");
    }

    private static Map<String, String> groupKeys(PgConnectOptions db) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (List<String> r :
                DatabaseDump.query(
                        db, "SELECT group_id, key_id FROM group_keys WHERE retired_at IS NULL")) {
            out.put(r.get(0), r.get(1));
        }
        return out;
    }

    private static String teamKey(PgConnectOptions db) throws Exception {
        return DatabaseDump.query(db, "SELECT key_id FROM team_keys WHERE retired_at IS NULL")
                .get(0)
                .get(0);
    }

    private static String onlyCase(PgConnectOptions db, String group) throws Exception {
        List<List<String>> rows =
                DatabaseDump.query(
                        db, "SELECT id FROM cases WHERE working_group = '" + group + "'");
        assertEquals(1, rows.size());
        return rows.get(0).get(0);
    }

    /** One stored entry of a case, with its data key sealed to each recipient key id. */
    private record StoredEntry(
            UUID caseId, int seq, String kind, byte[] ciphertext, Map<String, byte[]> sealed) {
        /** The plaintext, with whichever of {@code keys} it is sealed to; else the refusal. */
        String open(List<RecipientPrivateKey> keys) throws GeneralSecurityException {
            return new String(
                    EntrySealing.open(caseId, seq, kind, ciphertext, sealed, keys),
                    StandardCharsets.UTF_8);
        }
    }

    /** Every {@code case_entries} row of a case, in order (an entry with no wrap has none). */
    private static List<StoredEntry> entriesOf(PgConnectOptions db, String caseId)
            throws Exception {
        Map<Integer, StoredEntry> bySeq = new TreeMap<>();
        for (List<String> r :
                DatabaseDump.query(
                        db,
                        "SELECT e.seq, e.kind, encode(e.ciphertext, 'hex'), k.key_id,"
                                + " encode(k.sealed_key, 'hex') FROM case_entries e LEFT JOIN entry_keys k"
                                + " ON k.case_id = e.case_id AND k.seq = e.seq WHERE e.case_id = '"
                                + caseId
                                + "'")) {
            StoredEntry e =
                    bySeq.computeIfAbsent(
                            Integer.parseInt(r.get(0)),
                            seq ->
                                    new StoredEntry(
                                            UUID.fromString(caseId),
                                            seq,
                                            r.get(1),
                                            HexFormat.of().parseHex(r.get(2)),
                                            new HashMap<>()));
            if (r.get(3) != null) {
                e.sealed().put(r.get(3), HexFormat.of().parseHex(r.get(4)));
            }
        }
        return new ArrayList<>(bySeq.values());
    }

    /**
     * Every entry of a case opened with {@code keys}, the texts of each kind joined; fails with the
     * cryptographic refusal of the first entry that does not open.
     */
    private static Map<String, String> openAll(
            PgConnectOptions db, String caseId, List<RecipientPrivateKey> keys) throws Exception {
        Map<String, String> byKind = new HashMap<>();
        for (StoredEntry e : entriesOf(db, caseId)) {
            byKind.merge(e.kind(), e.open(keys), (a, b) -> a + "\n" + b);
        }
        return byKind;
    }

    /** Waits until the case holds an entry of each of {@code kinds}. */
    private static void awaitKinds(PgConnectOptions db, String caseId, Set<String> kinds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!DatabaseDump.query(
                        db,
                        "SELECT DISTINCT kind FROM case_entries WHERE case_id = '" + caseId + "'")
                .stream()
                .map(r -> r.get(0))
                .collect(Collectors.toSet())
                .containsAll(kinds)) {
            assertTrue(System.nanoTime() < deadline, "the case never held " + kinds);
            Thread.sleep(200);
        }
    }

    /** Waits until {@code sql} (one column of case ids) finds a case; its id. */
    private static String awaitOneCase(PgConnectOptions db, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<List<String>> rows;
        while ((rows = DatabaseDump.query(db, sql)).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "no case");
            Thread.sleep(200);
        }
        assertEquals(1, rows.size());
        return rows.get(0).get(0);
    }

    /**
     * Opens the answers entry of the case whose answers carry {@code marker}, with whichever of
     * {@code keys} it is sealed to; the cryptographic refusal when none of them opens it.
     */
    static String answersOf(PgConnectOptions db, String marker, List<RecipientPrivateKey> keys)
            throws Exception {
        List<List<String>> entries =
                DatabaseDump.query(
                        db,
                        "SELECT e.case_id, e.seq, encode(e.ciphertext, 'hex'), k.key_id,"
                                + " encode(k.sealed_key, 'hex') FROM case_entries e JOIN entry_keys k"
                                + " ON k.case_id = e.case_id AND k.seq = e.seq WHERE e.kind = 'answers'");
        Map<String, Map<String, byte[]>> sealed = new HashMap<>();
        Map<String, List<String>> byCase = new HashMap<>();
        for (List<String> r : entries) {
            sealed.computeIfAbsent(r.get(0), c -> new HashMap<>())
                    .put(r.get(3), HexFormat.of().parseHex(r.get(4)));
            byCase.putIfAbsent(r.get(0), r);
        }
        GeneralSecurityException last = new GeneralSecurityException("no answers entry");
        for (Map.Entry<String, List<String>> c : byCase.entrySet()) {
            List<String> r = c.getValue();
            try {
                String text =
                        new String(
                                EntrySealing.open(
                                        UUID.fromString(r.get(0)),
                                        Integer.parseInt(r.get(1)),
                                        "answers",
                                        HexFormat.of().parseHex(r.get(2)),
                                        sealed.get(c.getKey()),
                                        keys),
                                StandardCharsets.UTF_8);
                if (text.contains(marker)) {
                    return text;
                }
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw last;
    }
}
