package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.Gpg;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.Text;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The export pages in a real browser, in English and French on a phone (390×844) and a laptop
 * (1280×800): the key pasted on the case page, the confirmation page (axe-core), a wrong passphrase
 * and back with the key the browser carries in its form, then the file the browser's form fetches,
 * decrypted and verified with gpg. Screenshots in {@code
 * gateway/target/screenshots/inbox-export-*-<language>-<width>.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CaseExportBrowserTest {
    private static final String PASS = "a long enough passphrase";

    /** The fixture key's fingerprint (fixtures.txt, from gpg) as the page groups it. */
    private static final String LAWYER_FINGERPRINT =
            "CDF9 3A94 C089 A6B5 914F 7AEB C1EF E8DB 6DB6 8C9B";

    private static final String LAWYER_USER_ID = "Haven Fixture Lawyer <lawyer@example.org>";

    @TempDir Path dataDir;
    @TempDir Path gpgDir;

    /**
     * Verifies that a coordinator exports from the pages, in English and French at 390×844 and
     * 1280×800: the confirmation shows the recipient key's fingerprint and user id, leaves private
     * notes unticked and is accessible (axe, experimental rules too) without sideways scrolling;
     * after a wrong passphrase the form says so and still carries the key exactly and the notes
     * choice; posting that form with the right passphrase gives a file gpg decrypts and verifies.
     */
    @Test
    void testCoordinatorExportsThroughThePages() throws Exception {
        Browser.assumeAvailable();
        Assumptions.assumeTrue(Gpg.find() != null, "gpg is not installed");
        String key;
        try (InputStream in = getClass().getResourceAsStream("/openpgp/lawyer-public.asc")) {
            key = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                Browser browser = Browser.start(1280, 800)) {
            String base = "http://127.0.0.1:" + haven.port();
            TestHaven.setUpAdmin(haven);
            InboxClient admin = TestHaven.loggedIn(haven);
            HttpResponse<String> created =
                    admin.postWithCsrf(
                            admin.get("/inbox/team").body(),
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
            TestHaven.Credentials codes = TestHaven.enrol(haven.port(), dataDir, "cora", PASS);
            String marker = "browser-export-" + UUID.randomUUID();
            try (ChatClient chat = ChatClient.connect(haven.port())) {
                IntakeDriver.run(chat, IntakeDriver.survivorAnswers(marker));
            }
            InboxClient cora = TestHaven.loggedIn(haven.port(), dataDir, "cora");
            Matcher m =
                    Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"")
                            .matcher(cora.get("/inbox?queue=new&q=" + marker).body());
            assertTrue(m.find());
            String path = m.group(1);
            cora.postWithCsrf(cora.get(path).body(), path + "/claim");
            String note = "browser-note-" + UUID.randomUUID();
            cora.postWithCsrf(cora.get(path).body(), path + "/note", "text", note);

            WebDriver d = browser.driver();
            d.get(base + "/inbox/login");
            d.findElement(By.id("username")).sendKeys("cora");
            d.findElement(By.id("passphrase")).sendKeys(TestHaven.chosen(PASS));
            d.findElement(By.id("code")).sendKeys(codes.nextCode());
            d.findElement(By.cssSelector("main form button[type=submit]")).click();
            browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
            String signer = null;
            for (String language : List.of("en", "fr")) {
                d.get(base + "/inbox/settings");
                d.findElement(By.id("settings-lang-" + language)).click();
                d.findElement(By.id("save-language")).click();
                browser.await(
                        "the settings in " + language,
                        w ->
                                language.equals(
                                        w.findElement(By.tagName("html")).getAttribute("lang")));
                for (int[] size : new int[][] {{390, 844}, {1280, 800}}) {
                    browser.resize(size[0], size[1]);
                    String at = language + "-" + size[0];
                    d.get(base + path);
                    browser.js(
                            "arguments[0].value = arguments[1]",
                            d.findElement(By.id("lawyer-key")),
                            key);
                    browser.js(
                            "arguments[0].scrollIntoView()", d.findElement(By.id("export-review")));
                    d.findElement(By.id("export-review")).click();
                    browser.await(
                            "the confirmation " + at,
                            w -> !w.findElements(By.id("export-confirm")).isEmpty());
                    assertEquals(language, d.findElement(By.tagName("html")).getAttribute("lang"));
                    assertEquals(
                            LAWYER_FINGERPRINT,
                            d.findElement(By.id("key-fingerprint")).getText(),
                            "the recipient key's fingerprint " + at);
                    assertEquals(
                            LAWYER_USER_ID,
                            d.findElement(By.id("key-user-ids")).getText().strip(),
                            "the recipient key's user id " + at);
                    assertFalse(
                            d.findElement(By.id("export-notes")).isSelected(),
                            "private notes ticked by default " + at);
                    browser.assertNoSideScroll(at);
                    browser.assertNoAxeViolationsAlsoExperimental("the export confirmation " + at);
                    browser.screenshot("inbox-export-confirm-" + at);
                    signer = d.findElement(By.id("signer-fingerprint")).getText().replace(" ", "");

                    browser.js(
                            "arguments[0].scrollIntoView()", d.findElement(By.id("export-notes")));
                    d.findElement(By.id("export-notes")).click();
                    d.findElement(By.id("export-pass")).sendKeys("not my passphrase");
                    d.findElement(By.id("export-confirm")).click();
                    browser.await(
                            "the wrong passphrase " + at,
                            w -> !w.findElements(By.cssSelector("[role=alert]")).isEmpty());
                    assertEquals(
                            Text.t(language, "export.wrong_passphrase"),
                            d.findElement(By.cssSelector("[role=alert]")).getText(),
                            at);
                    assertEquals(
                            LAWYER_FINGERPRINT,
                            d.findElement(By.id("key-fingerprint")).getText(),
                            "back on the form, the key shown " + at);
                    browser.assertNoAxeViolationsAlsoExperimental(
                            "the export confirmation after a wrong passphrase " + at);
                    browser.screenshot("inbox-export-wrong-passphrase-" + at);
                    assertEquals(
                            key,
                            String.valueOf(
                                            browser.js(
                                                    "return document.querySelector('input[name=key]').value"))
                                    .strip(),
                            "the pasted key was lost " + at);
                    assertTrue(
                            d.findElement(By.id("export-notes")).isSelected(),
                            "the notes choice was lost " + at);
                }
            }
            // the browser posts its own form (as the button would), and hands the response to the
            // test
            d.findElement(By.id("export-pass")).sendKeys(TestHaven.chosen(PASS));
            String message =
                    String.valueOf(
                            browser.js(
                                    "const f = document.querySelector('form[action$=\"/export/confirm\"]');"
                                            + " return fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))}).then(r => r.text());"));
            assertTrue(message.startsWith("-----BEGIN PGP MESSAGE-----"), message);
            try (Gpg lawyer = Gpg.in(gpgDir)) {
                try (InputStream in =
                        getClass().getResourceAsStream("/openpgp/lawyer-secret.asc")) {
                    lawyer.importKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
                lawyer.importKey(cora.get("/inbox/export-signing-key.asc").body());
                Gpg.Decrypted file = lawyer.decrypt(message);
                assertTrue(
                        file.status().contains("[GNUPG:] VALIDSIG " + signer + " "), file.status());
                assertTrue(file.text().contains(marker) && file.text().contains(note), file.text());
            }
        }
    }
}
