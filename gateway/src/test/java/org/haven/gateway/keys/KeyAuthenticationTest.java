package org.haven.gateway.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.Signer;
import org.haven.gateway.Haven;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.backup.LogicalBackup;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.MetricsScrape;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recipient keys against a database writer: rows written straight into {@code team_keys}, {@code
 * agencies} and {@code accounts} as the superuser (a DBA, an SQL injection) never become
 * recipients. Each rejection is logged ({@code event=key_rejected}), audited and counted.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KeyAuthenticationTest {
    private static final String PASS = "a coordinator's passphrase";
    @TempDir Path dataDir;
    private String url;
    private Haven haven;
    private LogCapture logs;

    @BeforeEach
    void start() throws Exception {
        logs = new LogCapture();
        url = TestPostgres.newDatabase();
        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url));
        TestHaven.setUpAdmin(haven);
    }

    @AfterEach
    void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
        logs.close();
    }

    /**
     * Verifies that a foreign key inserted as the newest team key, with no signature, is never
     * sealed to: the gateway's own 10 s refresh rejects it (logged, audited, counted), the next
     * intake's entries are sealed to the genuine team key only, and the row is reported once,
     * however often the keys are loaded again.
     */
    @Test
    void testForeignTeamKeyIsNeverARecipient() throws Exception {
        String genuine = currentTeamKey();
        String foreign = insertTeamKey(RecipientKeyPair.generate(), null, null, null, null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (query("SELECT 1 FROM audit_log WHERE action = 'key_rejected:team:" + foreign + "'")
                .isEmpty()) {
            assertTrue(
                    System.nanoTime() < deadline,
                    "the periodic refresh did not reject the foreign key");
            Thread.sleep(200);
        }
        reload();

        UUID caseId = intake(IntakeDriver.survivorAnswers("team-" + UUID.randomUUID()));
        assertEquals(Set.of(genuine), entryKeyIds(caseId));
        assertRejected("team", foreign);
    }

    /**
     * Verifies that a foreign team key that claims to succeed the genuine one, with signatures that
     * are valid but made with the writer's own keys (and, in a second row, garbage), is never
     * sealed to either, also after a restart, and that the Team page says key records failed.
     */
    @Test
    void testForgedSuccessorTeamKeyIsNeverARecipient() throws Exception {
        String genuine = currentTeamKey();
        long ada =
                Long.parseLong(
                        query("SELECT id FROM accounts WHERE username = 'ada'").get(0).get(0));
        RecipientKeyPair next = RecipientKeyPair.generate();
        Signer nextSigner = Signer.derive(next.privateKey());
        Signer forger = Signer.derive(RecipientKeyPair.generate().privateKey());
        byte[] record =
                KeyRecords.team(
                        next.publicKey().keyId(),
                        next.publicKey().toBytes(),
                        nextSigner.signatureKey().toBytes(),
                        genuine,
                        KeyRecords.accountSigner(ada));
        String forged =
                insertTeamKey(
                        next,
                        nextSigner.signatureKey().toBytes(),
                        genuine,
                        ada,
                        forger.sign(record),
                        forger.sign(record));
        RecipientKeyPair other = RecipientKeyPair.generate();
        String garbage =
                insertTeamKey(
                        other, new byte[32], genuine, ada, new byte[64], new byte[] {1, 2, 3});
        reload();

        UUID first = intake(IntakeDriver.survivorAnswers("forged-" + UUID.randomUUID()));
        assertEquals(Set.of(genuine), entryKeyIds(first));
        assertRejected("team", forged);
        assertRejected("team", garbage);
        assertTrue(
                TestHaven.loggedIn(haven)
                        .get("/inbox/team")
                        .body()
                        .contains("id=\"keys-rejected\""));

        restart(Map.of());
        UUID second = intake(IntakeDriver.survivorAnswers("forged-" + UUID.randomUUID()));
        assertEquals(Set.of(genuine), entryKeyIds(second));
    }

    /**
     * Verifies that a foreign public key swapped into an agency's row is not a recipient: the next
     * referral whose client consented to share is sealed to the team key only, records no agency
     * key, and the swap is logged, audited and counted once and shown on the Team page; and that
     * adding a worker to that agency is refused rather than granting the foreign key.
     */
    @Test
    void testForeignAgencyKeyIsNeverARecipient() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        String code = createAgency(admin, "Clinic");
        String agencyId = query("SELECT id FROM agencies WHERE name = 'Clinic'").get(0).get(0);
        UUID before = intake(IntakeDriver.agencyAnswers(code, "agency-" + UUID.randomUUID()));
        assertEquals(2, entryKeyIds(before).size(), "a genuine agency key is a recipient");

        RecipientPublicKey foreign = RecipientKeyPair.generate().publicKey();
        TestPostgres.execute(
                url,
                "UPDATE agencies SET key_id = '"
                        + foreign.keyId()
                        + "', public_key = "
                        + bytea(foreign.toBytes())
                        + " WHERE id = "
                        + agencyId);
        UUID after = intake(IntakeDriver.agencyAnswers(code, "agency-" + UUID.randomUUID()));
        UUID again = intake(IntakeDriver.agencyAnswers(code, "agency-" + UUID.randomUUID()));
        for (UUID c : List.of(after, again)) {
            assertEquals(Set.of(currentTeamKey()), entryKeyIds(c));
            assertNull(
                    query("SELECT agency_key_id FROM cases WHERE id = '" + c + "'").get(0).get(0));
        }
        assertRejected("agency", agencyId);
        String team = admin.get("/inbox/team").body();
        assertTrue(
                team.contains("id=\"agency-key-rejected-" + agencyId + "\""),
                "the Team page does not say the key was rejected");

        HttpResponse<String> worker =
                admin.postWithCsrf(
                        team,
                        "/inbox/team/accounts",
                        "username",
                        "agnes",
                        "role",
                        "agency",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS,
                        "agency",
                        agencyId);
        assertTrue(worker.body().contains("failed verification"), worker.body());
        assertEquals(List.of(List.of("0")), query("SELECT count(*) FROM agency_key_grants"));
    }

    /**
     * Verifies that a coordinator whose public key was swapped for a foreign one, and an account
     * row inserted with a foreign key, are not granted the new team key when an administrator
     * rotates it (the genuine administrator is), and that both are logged, audited and marked on
     * the Team page.
     */
    @Test
    void testSwappedAccountKeyGetsNoGrantAtRotation() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        createCoordinator(admin, "cora");
        String cora = query("SELECT id FROM accounts WHERE username = 'cora'").get(0).get(0);
        TestPostgres.execute(
                url,
                "UPDATE accounts SET public_key = "
                        + bytea(RecipientKeyPair.generate().publicKey().toBytes())
                        + " WHERE id = "
                        + cora);
        TestPostgres.execute(
                url,
                "INSERT INTO accounts (username, role, passphrase_hash, public_key) VALUES ('mallory', 'admin', 'x', "
                        + bytea(RecipientKeyPair.generate().publicKey().toBytes())
                        + ")");
        String mallory = query("SELECT id FROM accounts WHERE username = 'mallory'").get(0).get(0);

        String page = admin.get("/inbox/team").body();
        assertTrue(
                page.contains("id=\"key-rejected-" + cora + "\""),
                "the Team page does not mark the swapped account");
        HttpResponse<String> rotated = admin.postWithCsrf(page, "/inbox/team/rotate");
        assertTrue(rotated.body().contains("Team key rotated"), rotated.body());
        String newKey = currentTeamKey();
        assertEquals(
                List.of(List.of("ada")),
                query(
                        "SELECT a.username FROM team_key_grants g JOIN accounts a ON a.id = g.account_id"
                                + " WHERE g.key_id = '"
                                + newKey
                                + "'"));
        assertRejected("account", cora);
        assertRejected("account", mallory);
    }

    /**
     * Verifies that what administrators do is signed and verifies: after a rotation and adding an
     * agency, new entries are sealed to the new team key (and a consenting referral also to the
     * agency's key), nothing is rejected, and all of it still verifies after a restart.
     */
    @Test
    void testLegitimateRotationAndAgencyCreationVerify() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        createCoordinator(admin, "cora");
        String old = currentTeamKey();
        HttpResponse<String> rotated =
                admin.postWithCsrf(admin.get("/inbox/team").body(), "/inbox/team/rotate");
        assertTrue(rotated.body().contains("Team key rotated"), rotated.body());
        String rotatedKey = currentTeamKey();
        assertFalse(rotatedKey.equals(old));
        // the administrators' key: cora, a coordinator, holds her groups' keys instead (issue 20)
        assertEquals(
                List.of(List.of("1")),
                query("SELECT count(*) FROM team_key_grants WHERE key_id = '" + rotatedKey + "'"));
        assertEquals(
                List.of(List.of("3")),
                query(
                        "SELECT count(*) FROM group_key_grants g JOIN accounts a ON a.id = g.account_id"
                                + " WHERE a.username = 'cora'"),
                "cora's grants: her group, the intake group and the export key");
        String code = createAgency(admin, "Shelter");
        String agencyKey =
                query("SELECT key_id FROM agencies WHERE name = 'Shelter'").get(0).get(0);

        UUID referral = intake(IntakeDriver.agencyAnswers(code, "legit-" + UUID.randomUUID()));
        assertEquals(new TreeSet<>(Set.of(rotatedKey, agencyKey)), entryKeyIds(referral));
        restart(Map.of());
        UUID survivor = intake(IntakeDriver.survivorAnswers("legit-" + UUID.randomUUID()));
        assertEquals(Set.of(rotatedKey), entryKeyIds(survivor));
        UUID referral2 = intake(IntakeDriver.agencyAnswers(code, "legit-" + UUID.randomUUID()));
        assertEquals(new TreeSet<>(Set.of(rotatedKey, agencyKey)), entryKeyIds(referral2));
        assertEquals(List.of(), rejections());
        assertEquals(
                List.of(List.of("0")),
                query("SELECT count(*) FROM audit_log WHERE action LIKE 'key_rejected%'"));
    }

    /**
     * Verifies that the pin is written at first start (mode 0600, shown on the Team page), survives
     * a restart unchanged, and is what start-up checks: with the first team key's signing key
     * rewritten in the database, or with HAVEN_TEAM_KEY_PIN naming another key, Haven refuses to
     * start; with HAVEN_TEAM_KEY_PIN right, it starts.
     */
    @Test
    void testPinSurvivesRestartAndGuardsStart() throws Exception {
        Path pinFile = dataDir.resolve("secrets").resolve("team-key-pin");
        String pin = Files.readString(pinFile).strip();
        assertTrue(pin.matches("hvpin2-[0-9a-f]{64}"), pin);
        assertEquals(
                Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(pinFile));
        assertTrue(
                TestHaven.loggedIn(haven).get("/inbox/team").body().contains(pin),
                "the Team page does not show the pin");

        restart(Map.of());
        assertEquals(pin, Files.readString(pinFile).strip());
        restart(Map.of("HAVEN_TEAM_KEY_PIN", pin));
        haven.close();
        haven = null;

        Exception wrongPin =
                assertThrows(
                        Exception.class,
                        () ->
                                TestHaven.start(
                                        dataDir,
                                        Map.of(
                                                "HAVEN_DB_URL",
                                                url,
                                                "HAVEN_TEAM_KEY_PIN",
                                                "hvpin1-" + "ab".repeat(32))));
        assertTrue(
                String.valueOf(wrongPin.getMessage()).contains("matches the pin"),
                String.valueOf(wrongPin));

        byte[] otherSigning =
                Signer.derive(RecipientKeyPair.generate().privateKey()).signatureKey().toBytes();
        TestPostgres.execute(url, "UPDATE team_keys SET signing_key = " + bytea(otherSigning));
        Exception rewritten =
                assertThrows(
                        Exception.class,
                        () -> TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url)));
        assertTrue(
                String.valueOf(rewritten.getMessage()).contains("matches the pin"),
                String.valueOf(rewritten));
        assertEquals(pin, Files.readString(pinFile).strip());
    }

    /**
     * Verifies that a gateway that has lost its pin (no file, no setting) pins the first team key
     * found as setup pinned it, administrators only ({@code hvpin2-}, from the key's own signature
     * of its record), and says so at WARN.
     */
    @Test
    void testPinOnFirstUseKeepsAdministratorsOnly() throws Exception {
        Path pinFile = dataDir.resolve("secrets").resolve("team-key-pin");
        String pin = Files.readString(pinFile).strip();
        assertTrue(pin.startsWith("hvpin2-"), pin);
        haven.close();
        haven = null;
        Files.delete(pinFile);
        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url));
        assertEquals(pin, Files.readString(pinFile).strip());
        assertTrue(haven.teamKeys().verified().administratorsOnly());
        assertTrue(
                logs.lines().stream()
                        .anyMatch(l -> l.contains("event=team_key_pinned_on_first_use")),
                "not said");
    }

    /**
     * Verifies that a backup whose agency row was tampered with (a foreign public key written into
     * the copy), restored into a fresh database and started with the installation's pin and server
     * keys, does not seal to the foreign key and reports it.
     */
    @Test
    void testRestoredBackupWithSwappedKeyIsRejected() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        String code = createAgency(admin, "Legal clinic");
        List<String> row =
                query(
                                "SELECT id, encode(public_key, 'hex') FROM agencies WHERE name = 'Legal clinic'")
                        .get(0);
        haven.close();
        haven = null;
        Path backup = dataDir.resolve("backup");
        LogicalBackup.backup(DatabaseUrl.parse(url), backup);
        RecipientPublicKey foreign = RecipientKeyPair.generate().publicKey();
        Path copy = backup.resolve("agencies.copy.gz");
        String text =
                new String(
                        new GZIPInputStream(Files.newInputStream(copy)).readAllBytes(),
                        StandardCharsets.UTF_8);
        assertTrue(text.contains(row.get(1)));
        String tampered = text.replace(row.get(1), HexFormat.of().formatHex(foreign.toBytes()));
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(copy))) {
            out.write(tampered.getBytes(StandardCharsets.UTF_8));
        }
        url = TestPostgres.newDatabase();
        LogicalBackup.restore(DatabaseUrl.parse(url), backup);

        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url));
        UUID referral = intake(IntakeDriver.agencyAnswers(code, "restored-" + UUID.randomUUID()));
        assertEquals(Set.of(currentTeamKey()), entryKeyIds(referral));
        assertRejected("agency", row.get(0));
    }

    /**
     * Verifies the upgrade of an installation from before signed key records (simulated by clearing
     * every signature, signing key and the pin file): the first start pins the current team key by
     * an upgrade pin, unsigned agency keys are not used and a foreign team key is rejected
     * meanwhile; the administrator's next login signs the records and replaces the pin by the same
     * full pin setup showed; then agency keys are recipients again, a second administrator's first
     * login completes their own record so that what they sign verifies, and a record left unsigned
     * after the upgrade is rejected.
     */
    @Test
    void testUpgradeFromUnsignedRecords() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        createCoordinator(admin, "cora");
        HttpResponse<String> bob =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/accounts",
                        "username",
                        "bob",
                        "role",
                        "admin",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS);
        assertTrue(bob.body().contains("Account bob created"), bob.body());
        TestHaven.enrol(haven.port(), dataDir, "bob", PASS);
        String code = createAgency(admin, "Clinic");
        String agencyKey = query("SELECT key_id FROM agencies WHERE name = 'Clinic'").get(0).get(0);
        Path pinFile = dataDir.resolve("secrets").resolve("team-key-pin");
        String team = currentTeamKey();
        List<String> root =
                query(
                                "SELECT encode(public_key, 'hex'), encode(signing_key, 'hex') FROM team_keys"
                                        + " WHERE key_id = '"
                                        + team
                                        + "'")
                        .get(0);
        // an installation from before signed records is from before group keys too: hvpin1-
        String fullPin =
                TeamKeyPin.of(
                                HexFormat.of().parseHex(root.get(0)),
                                HexFormat.of().parseHex(root.get(1)))
                        .toString();
        haven.close();
        haven = null;
        TestPostgres.execute(
                url,
                "UPDATE team_keys SET signing_key = NULL, previous_key_id = NULL, signed_by = NULL,"
                        + " previous_signature = NULL, admin_signature = NULL",
                "UPDATE accounts SET signing_key = NULL, key_signer = NULL, key_signature = NULL",
                "UPDATE agencies SET key_signer = NULL, key_signature = NULL");
        Files.delete(pinFile);

        haven = TestHaven.start(dataDir, Map.of("HAVEN_DB_URL", url));
        assertTrue(
                Files.readString(pinFile).strip().startsWith("hvpin0-"), "no upgrade pin written");
        String foreign = insertTeamKey(RecipientKeyPair.generate(), null, null, null, null, null);
        reload();
        UUID waiting = intake(IntakeDriver.agencyAnswers(code, "upgrade-" + UUID.randomUUID()));
        assertEquals(
                Set.of(team),
                entryKeyIds(waiting),
                "an unsigned agency key was used before the upgrade was signed");
        assertRejected("team", foreign);

        admin = TestHaven.loggedIn(haven);
        assertEquals(fullPin, Files.readString(pinFile).strip());
        UUID signed = intake(IntakeDriver.agencyAnswers(code, "upgrade-" + UUID.randomUUID()));
        assertEquals(new TreeSet<>(Set.of(team, agencyKey)), entryKeyIds(signed));

        InboxClient bobClient = TestHaven.loggedIn(haven.port(), dataDir, "bob");
        assertEquals(
                List.of(List.of("t")),
                query(
                        "SELECT signing_key IS NOT NULL AND key_signer = 'team:"
                                + team
                                + "' FROM accounts WHERE username = 'bob'"));
        String shelter = createAgency(bobClient, "Shelter");
        String shelterKey =
                query("SELECT key_id FROM agencies WHERE name = 'Shelter'").get(0).get(0);
        assertEquals(
                new TreeSet<>(Set.of(team, shelterKey)),
                entryKeyIds(
                        intake(
                                IntakeDriver.agencyAnswers(
                                        shelter, "upgrade-" + UUID.randomUUID()))));
        HttpResponse<String> rotated =
                bobClient.postWithCsrf(bobClient.get("/inbox/team").body(), "/inbox/team/rotate");
        assertTrue(rotated.body().contains("Team key rotated"), rotated.body());
        // ada and bob: cora, a coordinator, holds her groups' keys (issue 20)
        assertEquals(
                List.of(List.of("2")),
                query(
                        "SELECT count(*) FROM team_key_grants WHERE key_id = '"
                                + currentTeamKey()
                                + "'"));

        TestPostgres.execute(
                url,
                "UPDATE agencies SET key_signer = NULL, key_signature = NULL WHERE name = 'Clinic'");
        UUID unsigned = intake(IntakeDriver.agencyAnswers(code, "upgrade-" + UUID.randomUUID()));
        assertEquals(Set.of(currentTeamKey()), entryKeyIds(unsigned));
        assertRejected(
                "agency", query("SELECT id FROM agencies WHERE name = 'Clinic'").get(0).get(0));
    }

    private void reload() throws Exception {
        haven.teamKeys()
                .reload()
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /**
     * Stops Haven and starts it again on the same data dir and database, with {@code extra}
     * settings.
     */
    private void restart(Map<String, String> extra) throws Exception {
        haven.close();
        Map<String, String> env = new HashMap<>(extra);
        env.put("HAVEN_DB_URL", url);
        haven = TestHaven.start(dataDir, env);
    }

    /** The current team key's id, as the genuine setup made it. */
    private String currentTeamKey() throws Exception {
        return query(
                        "SELECT key_id FROM team_keys WHERE retired_at IS NULL AND signing_key IS NOT NULL"
                                + " ORDER BY created_at DESC LIMIT 1")
                .get(0)
                .get(0);
    }

    /**
     * Inserts {@code pair}'s public half as the newest team key, as a database writer would, with
     * the given columns (null: NULL); its id.
     */
    private String insertTeamKey(
            RecipientKeyPair pair,
            byte[] signingKey,
            String previous,
            Long signedBy,
            byte[] previousSignature,
            byte[] adminSignature)
            throws Exception {
        RecipientPublicKey pub = pair.publicKey();
        TestPostgres.execute(
                url,
                "INSERT INTO team_keys (key_id, public_key, signing_key, previous_key_id, signed_by,"
                        + " previous_signature, admin_signature, created_at) VALUES ('"
                        + pub.keyId()
                        + "', "
                        + bytea(pub.toBytes())
                        + ", "
                        + bytea(signingKey)
                        + ", "
                        + (previous == null ? "NULL" : "'" + previous + "'")
                        + ", "
                        + signedBy
                        + ", "
                        + bytea(previousSignature)
                        + ", "
                        + bytea(adminSignature)
                        + ", now() + interval '1 hour')");
        return pub.keyId();
    }

    private static String createAgency(InboxClient admin, String name) throws Exception {
        HttpResponse<String> r =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(), "/inbox/team/agencies", "name", name);
        Matcher m = Pattern.compile("referral code (\\d{3}-\\d{4})").matcher(r.body());
        assertTrue(m.find(), "no referral code issued: " + r.body());
        return m.group(1);
    }

    private static void createCoordinator(InboxClient admin, String username) throws Exception {
        HttpResponse<String> r =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "coordinator",
                        "group",
                        "toronto",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS);
        assertTrue(r.body().contains("Account " + username + " created"), r.body());
    }

    /**
     * Fails unless {@code kind} record {@code id} was logged, audited and counted as rejected, once
     * each.
     */
    private void assertRejected(String kind, String id) throws Exception {
        String line = "event=key_rejected kind=" + kind + " id=" + id;
        assertEquals(
                1,
                logs.lines().stream().filter(l -> l.contains(line)).count(),
                "log lines " + line + ": " + rejections());
        assertEquals(
                List.of(List.of("1")),
                query(
                        "SELECT count(*) FROM audit_log WHERE action = 'key_rejected:"
                                + kind
                                + ":"
                                + id
                                + "' AND actor = 'system:keys'"));
        HttpResponse<String> metrics = MetricsScrape.get(haven.port());
        Matcher m =
                Pattern.compile("haven_keys_rejected_total\\{kind=\"" + kind + "\"[^}]*} (\\d+)")
                        .matcher(metrics.body());
        assertTrue(m.find(), "no rejection counter for " + kind);
        assertTrue(Double.parseDouble(m.group(1)) >= 1);
    }

    private List<String> rejections() {
        return logs.lines().stream().filter(l -> l.contains("key_rejected")).toList();
    }

    /** Runs an intake over the web chat; the id of the case it made (the newest). */
    private UUID intake(List<String> answers) throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, answers);
        }
        return UUID.fromString(
                query("SELECT id FROM cases ORDER BY created_at DESC LIMIT 1").get(0).get(0));
    }

    /** Every key id any entry of a case is sealed to. */
    /**
     * The team and agency keys a case is sealed to (its working group's key, issue 20, is left out:
     * CompartmentsTest covers it).
     */
    private Set<String> entryKeyIds(UUID caseId) throws Exception {
        Set<String> ids = new TreeSet<>();
        query(
                        "SELECT DISTINCT key_id FROM entry_keys WHERE case_id = '"
                                + caseId
                                + "' AND key_id NOT IN (SELECT key_id FROM group_keys)")
                .forEach(r -> ids.add(r.get(0)));
        return ids;
    }

    private List<List<String>> query(String sql) throws Exception {
        return DatabaseDump.query(haven.database().connectOptions(), sql);
    }

    private static String bytea(byte[] b) {
        return b == null ? "NULL" : "'\\x" + HexFormat.of().formatHex(b) + "'::bytea";
    }
}
