package org.haven.gateway.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.Haven;
import org.haven.gateway.keys.EntrySealing;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adversary of docs/crypto.md's "one stolen coordinator passphrase" row: someone who learned a
 * coordinator's passphrase (shoulder-surfing, a reused password), first without anything else, then
 * with a copy of the database as well.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StolenPassphraseTest {
    private static final String PASS = "a long one-time passphrase";

    /**
     * Verifies that a coordinator's passphrase alone opens no inbox session (the second factor is
     * asked for); that with a copy of the database it opens the coordinator's personal key, their
     * grant of the team key and so every case sealed to it, as the threat model says; and that once
     * the coordinator is removed (the team key rotates), the same passphrase with a new copy opens
     * no case that arrived afterwards, even with the old team key kept from the first copy.
     */
    @Test
    void testPassphraseAloneOpensNothingAndWithTheDatabaseOnlyWhatItsHolderCouldRead(
            @TempDir Path dataDir) throws Exception {
        try (Haven haven = TestHaven.start(dataDir, Map.of())) {
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            String page = admin.get("/inbox/team").body();
            assertTrue(
                    admin.postWithCsrf(
                                    page,
                                    "/inbox/team/accounts",
                                    "username",
                                    "rita",
                                    "role",
                                    "coordinator",
                                    "group",
                                    "toronto",
                                    "agency",
                                    "",
                                    "passphrase",
                                    PASS,
                                    "confirm",
                                    PASS)
                            .body()
                            .contains("Account rita created"));
            TestHaven.enrol(haven.port(), dataDir, "rita", PASS);
            String stolen = TestHaven.chosen(PASS);
            String before = "before-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), before);

            // the passphrase alone: no session without the second factor
            InboxClient thief = new InboxClient(haven.port());
            assertEquals(401, thief.login("rita", stolen, "000000").statusCode());
            assertEquals(401, thief.login("rita", stolen, "").statusCode());
            assertEquals(
                    "/inbox/login",
                    thief.get("/inbox").headers().firstValue("Location").orElse(""));

            // the passphrase and a copy of the database: what rita could read
            PgConnectOptions db = haven.database().connectOptions();
            RecipientPrivateKey oldTeamKey = teamKeyOf(db, "rita", stolen);
            assertTrue(
                    answersOf(db, before, oldTeamKey).contains(before),
                    "the team key from rita's grant opens no case");

            // rita is removed: the team key rotates, her grants go
            page = admin.get("/inbox/team").body();
            Matcher remove =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\" data-confirm=\"[^\"]*\"><input type=\"hidden\" name=\"csrf\""
                                            + " value=\"[^\"]+\"><button type=\"submit\" class=\"secondary\" id=\"remove-rita\"")
                            .matcher(page);
            assertTrue(remove.find(), "no remove button for rita");
            HttpResponse<String> removed = admin.postWithCsrf(page, remove.group(1));
            assertTrue(
                    removed.body().contains("team key rotated"),
                    "removal did not rotate the team key");
            String after = "after-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), after);

            assertEquals(
                    List.of(List.of("2")),
                    DatabaseDump.query(
                            db, "SELECT count(*) FROM case_entries WHERE kind = 'answers'"));
            assertEquals(
                    List.of(List.of("0")),
                    DatabaseDump.query(
                            db,
                            "SELECT count(*) FROM team_key_grants g JOIN accounts a"
                                    + " ON a.id = g.account_id WHERE a.username = 'rita'"),
                    "rita still holds a grant");
            assertThrows(
                    GeneralSecurityException.class,
                    () -> answersOf(db, after, oldTeamKey),
                    "the team key rita held opens a case that came after her removal");
        }
    }

    /**
     * What the thief does with a copy of the database: opens the personal key box, then the team
     * key grant.
     */
    private static RecipientPrivateKey teamKeyOf(
            PgConnectOptions db, String username, String passphrase) throws Exception {
        List<List<String>> rows =
                DatabaseDump.query(
                        db,
                        "SELECT a.id, encode(a.sealed_private_key, 'hex'), g.key_id,"
                                + " encode(g.sealed, 'hex') FROM accounts a JOIN team_key_grants g ON g.account_id = a.id"
                                + " JOIN team_keys k ON k.key_id = g.key_id AND k.retired_at IS NULL WHERE a.username = '"
                                + username
                                + "'");
        assertEquals(1, rows.size(), "no grant of the current team key");
        List<String> row = rows.get(0);
        byte[] raw =
                PassphraseBox.open(HexFormat.of().parseHex(row.get(1)), passphrase.toCharArray());
        RecipientPrivateKey personal = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
        return KeyGrants.open(
                HexFormat.of().parseHex(row.get(3)),
                row.get(2),
                Long.parseLong(row.get(0)),
                personal);
    }

    /**
     * Opens the answers entry of the case whose answers the intake marked with {@code marker},
     * found by trying each case.
     */
    private static String answersOf(PgConnectOptions db, String marker, RecipientPrivateKey key)
            throws Exception {
        List<List<String>> entries =
                DatabaseDump.query(
                        db,
                        "SELECT e.case_id, e.seq, encode(e.ciphertext, 'hex'), k.key_id,"
                                + " encode(k.sealed_key, 'hex') FROM case_entries e JOIN entry_keys k ON k.case_id = e.case_id AND k.seq = e.seq"
                                + " WHERE e.kind = 'answers' ORDER BY e.created_at DESC");
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
                                        key),
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
