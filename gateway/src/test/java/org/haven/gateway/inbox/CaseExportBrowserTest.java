package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The export pages in a real browser: the key pasted on the case page, the confirmation page
 * (axe-core), a wrong passphrase and back with the key the browser carries in its form, then the
 * file the browser's form fetches, decrypted and verified with gpg. Screenshots in {@code
 * gateway/target/screenshots/inbox-export-*.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CaseExportBrowserTest {
    private static final String PASS = "a long enough passphrase";

    @TempDir Path dataDir;
    @TempDir Path gpgDir;

    /**
     * Verifies that a coordinator exports from the pages: the confirmation shows the key and is
     * accessible; after a wrong passphrase the form still carries the key exactly, and posting that
     * form with the right passphrase and notes ticked gives a file gpg decrypts and verifies.
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
                Browser browser = Browser.start(1280, 900)) {
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
            d.get(base + path);
            browser.js(
                    "arguments[0].value = arguments[1]", d.findElement(By.id("lawyer-key")), key);
            d.findElement(By.id("export-review")).click();
            browser.await(
                    "the confirmation", w -> !w.findElements(By.id("export-confirm")).isEmpty());
            browser.assertNoAxeViolations("the export confirmation");
            browser.screenshot("inbox-export-confirm");
            String signer = d.findElement(By.id("signer-fingerprint")).getText().replace(" ", "");

            d.findElement(By.id("export-notes")).click();
            d.findElement(By.id("export-pass")).sendKeys("not my passphrase");
            d.findElement(By.id("export-confirm")).click();
            browser.await(
                    "the wrong passphrase",
                    w -> !w.findElements(By.cssSelector("[role=alert]")).isEmpty());
            browser.assertNoAxeViolations("the export confirmation after a wrong passphrase");
            browser.screenshot("inbox-export-wrong-passphrase");
            assertEquals(
                    key,
                    String.valueOf(
                                    browser.js(
                                            "return document.querySelector('input[name=key]').value"))
                            .strip());

            assertTrue(
                    d.findElement(By.id("export-notes")).isSelected(), "the notes choice was lost");
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
