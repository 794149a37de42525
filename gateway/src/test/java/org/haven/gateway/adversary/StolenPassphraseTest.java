package org.haven.gateway.adversary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.pgclient.PgConnectOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.Haven;
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
     * grants of their working groups' keys (never the team key) and so every case of those groups,
     * as the threat model says (CompartmentsTest shows it opens no other group's); and that once
     * the coordinator is removed (their groups' keys rotate), the same passphrase with a new copy
     * opens no case that arrived afterwards, even with the old keys kept from the first copy.
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
            List<RecipientPrivateKey> oldKeys = CompartmentsTest.keysOf(db, "rita", stolen);
            assertTrue(
                    CompartmentsTest.answersOf(db, before, oldKeys).contains(before),
                    "the group keys from rita's grants open no case");

            // rita is removed: her groups' keys rotate, her grants go
            page = admin.get("/inbox/team").body();
            Matcher remove =
                    Pattern.compile(
                                    "action=\"(/inbox/team/accounts/\\d+/remove)\" data-confirm=\"[^\"]*\"><input type=\"hidden\" name=\"csrf\""
                                            + " value=\"[^\"]+\"><button type=\"submit\" class=\"secondary\" id=\"remove-rita\"")
                            .matcher(page);
            assertTrue(remove.find(), "no remove button for rita");
            HttpResponse<String> removed = admin.postWithCsrf(page, remove.group(1));
            assertTrue(
                    removed.body().contains("keys of its working groups rotated"),
                    "removal did not rotate the group keys");
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
                            "SELECT (SELECT count(*) FROM team_key_grants g JOIN accounts a"
                                    + " ON a.id = g.account_id WHERE a.username = 'rita')"
                                    + " + (SELECT count(*) FROM group_key_grants g JOIN accounts a"
                                    + " ON a.id = g.account_id WHERE a.username = 'rita')"),
                    "rita still holds a grant");
            assertThrows(
                    GeneralSecurityException.class,
                    () -> CompartmentsTest.answersOf(db, after, oldKeys),
                    "the keys rita held open a case that came after her removal");
        }
    }
}
