package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.crypto.OpenPgpRecipient;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.Gpg;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LawyerExport;
import org.haven.gateway.support.TestClock;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.Html;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting a case for a lawyer, against a real server, as the coordinator and the lawyer would:
 * the key shown for confirmation, the passphrase asked again, unusable keys refused with their
 * reason, and the downloaded file decrypted with the real gpg, which reports a good signature from
 * the signing key the page showed. The lawyer's keys were made with gpg ({@code
 * crypto/src/test/resources/openpgp/make-fixtures.sh}).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CaseExportTest {
    private static final String PASS = "a long enough passphrase";
    private static final Pattern SIGNER =
            Pattern.compile("id=\"signer-fingerprint\">([0-9A-F ]+)</code>");
    @TempDir static Path dataDir;
    @TempDir Path gpgDir;
    private static Haven haven;
    private static InboxClient cora;
    private static String path;
    private static String marker;
    private static String note;

    @BeforeAll
    static void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of());
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        String team = admin.get("/inbox/team").body();
        HttpResponse<String> created =
                admin.postWithCsrf(
                        team,
                        "/inbox/team/accounts",
                        "username",
                        "cora",
                        "role",
                        "coordinator",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS,
                        "agency",
                        "",
                        "group",
                        "toronto");
        assertTrue(created.body().contains("Account cora created"), created.body());
        TestHaven.enrol(haven.port(), dataDir, "cora", PASS);
        cora = TestHaven.loggedIn(haven.port(), dataDir, "cora");
        marker = "export-" + UUID.randomUUID();
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
        }
        Matcher m =
                Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                        .matcher(cora.get("/inbox?queue=new&q=" + marker).body());
        assertTrue(m.find(), "case not found by text search");
        path = m.group(1);
        cora.postWithCsrf(cora.get(path).body(), path + "/claim");
        note = "private-note-" + UUID.randomUUID();
        cora.postWithCsrf(cora.get(path).body(), path + "/note", "text", note);
        assertTrue(cora.get(path).body().contains(note));
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    private static String fixture(String name) throws Exception {
        return LawyerExport.fixture(name);
    }

    /**
     * gpg's fingerprints of the fixture keys (fixtures.txt): name to {primary, encryption subkey}.
     */
    private static Map<String, String[]> gpgFingerprints() throws Exception {
        Map<String, String[]> out = new HashMap<>();
        for (String line : fixture("fixtures.txt").split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.strip().split(" ");
                out.put(f[0], new String[] {f[1], f.length > 2 ? f[2] : ""});
            }
        }
        return out;
    }

    private static HttpResponse<String> review(String key) throws Exception {
        return LawyerExport.review(cora, path, key);
    }

    private static HttpResponse<String> confirm(
            String reviewPage, String key, String passphrase, boolean notes) throws Exception {
        return notes
                ? LawyerExport.confirm(cora, reviewPage, path, key, passphrase, "notes", "yes")
                : LawyerExport.confirm(cora, reviewPage, path, key, passphrase);
    }

    private static List<String> audit(String like) throws Exception {
        return DatabaseDump.query(
                        haven.database().connectOptions(),
                        "SELECT action FROM audit_log WHERE action LIKE '" + like + "' ORDER BY id")
                .stream()
                .map(r -> r.get(0))
                .toList();
    }

    /**
     * Verifies the whole export as the lawyer receives it: the pasted key is shown with gpg's
     * fingerprints, user id, dates and algorithms; confirmed with the passphrase, the download
     * decrypts with the real gpg, which reports a good signature from the signing key the page
     * showed (and the Team page and the download give); the file says the triage in words and
     * leaves private notes out unless asked; the audit log records the key and the choice.
     */
    @Test
    void testExportIsConfirmedSignedAndVerifiedByGpg() throws Exception {
        Assumptions.assumeTrue(Gpg.find() != null, "gpg is not installed");
        String key = fixture("lawyer-public.asc");
        String[] gpg = gpgFingerprints().get("lawyer");
        int exports = audit("export:%").size();
        assertTrue(
                cora.get(path).body().contains("id=\"export-review\""),
                "no export form on the case page");

        HttpResponse<String> review = review(key);
        assertEquals(200, review.statusCode(), review.body());
        String page = review.body();
        assertTrue(
                page.contains(
                        "<code id=\"key-fingerprint\">"
                                + OpenPgpRecipient.grouped(gpg[0])
                                + "</code>"),
                page);
        assertTrue(
                page.contains(
                        "<code id=\"key-encryption-fingerprint\">"
                                + OpenPgpRecipient.grouped(gpg[1])
                                + "</code>"),
                page);
        assertTrue(page.contains("Haven Fixture Lawyer &lt;lawyer@example.org&gt;"), page);
        assertTrue(page.contains("ed25519") && page.contains("cv25519"), page);
        assertTrue(page.contains("Include private notes"), page);
        Matcher shown = SIGNER.matcher(page);
        assertTrue(shown.find(), page);
        String signer = shown.group(1).replace(" ", "");

        HttpResponse<String> download = confirm(page, key, TestHaven.chosen(PASS), false);
        assertEquals(200, download.statusCode(), download.body());
        assertTrue(download.body().startsWith("-----BEGIN PGP MESSAGE-----"), download.body());
        assertFalse(download.body().contains(marker));
        assertTrue(
                download.headers().firstValue("Content-Disposition").orElse("").contains(".asc"));

        String teamPage = TestHaven.loggedIn(haven).get("/inbox/team").body();
        assertTrue(
                teamPage.contains(
                        "<code id=\"team-signer-fingerprint\">"
                                + OpenPgpRecipient.grouped(signer)
                                + "</code>"),
                "the Team page shows another signing key");
        try (Gpg lawyer = LawyerExport.lawyer(gpgDir, cora)) {
            Gpg.Decrypted file = lawyer.decrypt(download.body());
            assertTrue(file.status().contains("[GNUPG:] GOODSIG "), file.status());
            assertTrue(file.status().contains("[GNUPG:] VALIDSIG " + signer + " "), file.status());
            String text = file.text();
            assertTrue(text.contains(marker), text);
            assertTrue(text.contains("Triage: Likely within the mandate\n"), text);
            assertFalse(text.contains("LIKELY_IN_MANDATE"), text);
            assertFalse(text.contains(note), "a private note went out unasked");
            assertTrue(text.contains("Private notes: not included (1 left out)"), text);

            Gpg.Decrypted withNotes =
                    lawyer.decrypt(
                            confirm(review(key).body(), key, TestHaven.chosen(PASS), true).body());
            assertTrue(
                    withNotes.status().contains("[GNUPG:] VALIDSIG " + signer + " "),
                    withNotes.status());
            assertTrue(withNotes.text().contains(note), withNotes.text());
            assertTrue(withNotes.text().contains("Private notes: included (1)"), withNotes.text());
        }
        String uid = ";uid=Haven Fixture Lawyer <lawyer@example.org>";
        List<String> recorded = audit("export:%");
        assertEquals(
                List.of(
                        "export:key=" + gpg[0] + ";subkey=" + gpg[1] + ";notes=excluded" + uid,
                        "export:key=" + gpg[0] + ";subkey=" + gpg[1] + ";notes=included" + uid),
                recorded.subList(exports, recorded.size()));
    }

    /**
     * Verifies that a wrong passphrase exports nothing, is audited, and returns to the confirmation
     * with the pasted key kept, from where the right passphrase exports.
     */
    @Test
    void testWrongPassphraseReturnsToConfirmation() throws Exception {
        String key = fixture("lawyer-public.asc");
        String fingerprint = gpgFingerprints().get("lawyer")[0];
        int before = audit("export_reauth_failed:%").size();
        HttpResponse<String> wrong = confirm(review(key).body(), key, "not my passphrase", false);
        assertEquals(403, wrong.statusCode());
        assertFalse(wrong.body().contains("BEGIN PGP MESSAGE"));
        assertTrue(
                wrong.body().contains("That passphrase is not right. Nothing was exported."),
                wrong.body());
        assertTrue(wrong.body().contains("id=\"export-confirm\""), "not back on the confirmation");
        assertTrue(
                wrong.body()
                        .contains(
                                "<code id=\"key-fingerprint\">"
                                        + OpenPgpRecipient.grouped(fingerprint)),
                wrong.body());
        assertTrue(
                wrong.body().contains("value=\"-----BEGIN PGP PUBLIC KEY BLOCK-----"),
                "the pasted key was lost");
        List<String> failed = audit("export_reauth_failed:%");
        assertEquals(before + 1, failed.size());
        assertEquals("export_reauth_failed:key=" + fingerprint, failed.get(failed.size() - 1));

        HttpResponse<String> again = confirm(wrong.body(), key, TestHaven.chosen(PASS), false);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().startsWith("-----BEGIN PGP MESSAGE-----"));
    }

    /**
     * Verifies that an export's passphrase re-entry is counted like a login: within 10 wrong ones
     * the re-entry is refused before any check (429, {@code Retry-After}), the right passphrase
     * then too, and nothing is exported; once the window has passed it works again.
     */
    @Test
    void testExportPassphraseReentryIsThrottledLikeLogin() throws Exception {
        String key = fixture("lawyer-public.asc");
        String page = review(key).body();
        int checked = 0;
        HttpResponse<String> answer;
        while ((answer = confirm(page, key, "a wrong guess number " + checked, false)).statusCode()
                == 403) {
            checked++;
            assertTrue(checked <= 10, "more than 10 wrong passphrases were checked");
        }
        assertEquals(429, answer.statusCode(), answer.body());
        HttpResponse<String> right = confirm(page, key, TestHaven.chosen(PASS), false);
        assertEquals(429, right.statusCode());
        assertTrue(right.headers().firstValue("Retry-After").isPresent());
        assertFalse(right.body().contains("BEGIN PGP MESSAGE"));
        TestClock.SHARED.advance(Duration.ofMinutes(16));
        assertEquals(
                200, confirm(review(key).body(), key, TestHaven.chosen(PASS), false).statusCode());
    }

    /**
     * Verifies that keys that cannot safely be encrypted to are refused at either step with a
     * message saying why, the pasted text kept in the form: an expired primary key (whose
     * encryption subkey does not expire), an expired encryption subkey, a revoked key, a revoked
     * subkey, a sign-only key, two keys, RSA 1024, a private key, garbage.
     */
    @Test
    void testUnusableKeysAreRefusedWithTheReason() throws Exception {
        Map<String, String> refusals =
                Map.of(
                        "expired-primary-public.asc", "This key expired on 2020-12-31.",
                        "expired-subkey-public.asc",
                                "This key&#39;s encryption subkey expired on 2020-12-31, and it has no other.",
                        "revoked-public.asc", "This key was revoked on ",
                        "revoked-subkey-public.asc",
                                "This key&#39;s encryption subkey was revoked on ",
                        "sign-only-public.asc", "This key can only sign, not encrypt.",
                        "two-keys-public.asc", "That is more than one key.",
                        "weak-public.asc", "This key is too weak (under 2048 bits).",
                        "lawyer-secret.asc",
                                "That is a private (secret) key. Never paste a private key");
        int exports = audit("export:%").size();
        for (Map.Entry<String, String> r : refusals.entrySet()) {
            String key = fixture(r.getKey());
            HttpResponse<String> refused = review(key);
            assertEquals(400, refused.statusCode(), r.getKey());
            assertTrue(refused.body().contains(r.getValue()), r.getKey() + ": " + refused.body());
            assertTrue(
                    refused.body().contains(">" + Html.esc(key.strip()) + "</textarea>"),
                    r.getKey() + ": the pasted key was lost");
            HttpResponse<String> direct =
                    cora.postWithCsrf(
                            cora.get(path).body(),
                            path + "/export/confirm",
                            "key",
                            key,
                            "fingerprint",
                            "0".repeat(40),
                            "passphrase",
                            TestHaven.chosen(PASS));
            assertEquals(400, direct.statusCode(), r.getKey());
            assertFalse(direct.body().contains("BEGIN PGP MESSAGE"), r.getKey());
        }
        HttpResponse<String> garbage = review("hello, this is my key");
        assertEquals(400, garbage.statusCode());
        assertTrue(garbage.body().contains("That is not an OpenPGP public key."), garbage.body());
        assertEquals(exports, audit("export:%").size(), "something was exported");
    }

    /** Verifies that the confirmation encrypts only to the key whose fingerprint was shown. */
    @Test
    void testConfirmRefusesAKeyOtherThanTheOneShown() throws Exception {
        String shown = review(fixture("lawyer-public.asc")).body();
        HttpResponse<String> other =
                cora.postWithCsrf(
                        shown,
                        path + "/export/confirm",
                        "key",
                        fixture("expired-subkey-public.asc"),
                        "fingerprint",
                        gpgFingerprints().get("lawyer")[0],
                        "passphrase",
                        TestHaven.chosen(PASS));
        assertEquals(400, other.statusCode());
        String generated = freshKey();
        HttpResponse<String> swapped =
                cora.postWithCsrf(
                        shown,
                        path + "/export/confirm",
                        "key",
                        generated,
                        "fingerprint",
                        gpgFingerprints().get("lawyer")[0],
                        "passphrase",
                        TestHaven.chosen(PASS));
        assertEquals(409, swapped.statusCode());
        assertTrue(swapped.body().contains("This is not the key you were shown."), swapped.body());
        assertFalse(swapped.body().contains("BEGIN PGP MESSAGE"));
    }

    /** A valid public key other than the lawyer's, made by gpg. */
    private String freshKey() throws Exception {
        Assumptions.assumeTrue(Gpg.find() != null, "gpg is not installed");
        try (Gpg other = Gpg.in(gpgDir)) {
            return other.generate("Other Lawyer <other@example.org>");
        }
    }
}
