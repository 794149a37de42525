package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The administrator's pages in headless Chromium: accounts, referral codes, the intake script. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AdminBrowserTest {
    @TempDir static Path dataDir;
    private static Browser browser;
    private static Haven haven;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        browser = Browser.start(1280, 900);
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (haven != null) {
            haven.close();
        }
    }

    @BeforeEach
    void needBrowser() {
        Browser.assumeAvailable();
    }

    /**
     * Verifies that an administrator creates a coordinator, issues an agency's referral code, has a
     * broken intake script refused with its file:line findings, and puts a good one to work.
     */
    @Test
    void testAdminCreatesCoordinatorIssuesCodeAndUploadsScripts() throws Exception {
        WebDriver d = InboxPage.logInAsAdmin(browser, base, dataDir);

        // An agency and its referral code.
        d.get(base + "/inbox/team");
        browser.assertNoAxeViolations("/inbox/team");
        d.findElement(By.id("agency-name")).sendKeys("Downtown Settlement Services");
        d.findElement(By.id("create-agency")).click();
        browser.await(
                "the referral code",
                w ->
                        w.findElement(By.tagName("main"))
                                .getText()
                                .matches("(?s).*referral code \\d{3}-\\d{4}.*"));

        // A coordinator for Montreal.
        d.findElement(By.id("new-username")).sendKeys("mona");
        new Select(d.findElement(By.id("new-role"))).selectByValue("coordinator");
        d.findElement(By.cssSelector("input[name=group][value=montreal]")).click();
        d.findElement(By.id("new-pass")).sendKeys("montreal coordinator passphrase");
        d.findElement(By.id("new-confirm")).sendKeys("montreal coordinator passphrase");
        d.findElement(By.id("create-account")).click();
        browser.await(
                "the new account",
                w -> w.findElement(By.tagName("main")).getText().contains("Account mona created"));
        assertTrue(d.findElement(By.tagName("table")).getText().contains("montreal"));
        browser.screenshot("admin-team");

        // A broken script is refused with file:line findings and changes nothing.
        d.get(base + "/inbox/team/intake");
        browser.assertNoAxeViolations("/inbox/team/intake");
        String original = d.findElement(By.id("script")).getAttribute("value");
        String broken = original.replaceFirst("go to: contact_way", "go to: no_such_question");
        setValue(d.findElement(By.id("script")), broken);
        d.findElement(By.id("upload-intake")).click();
        browser.await("the findings", w -> !w.findElements(By.id("findings")).isEmpty());
        String findings = d.findElement(By.id("findings")).getText();
        assertTrue(findings.matches("(?s).*intake\\.yaml:\\d+: .*no_such_question.*"), findings);
        browser.assertNoAxeViolations("/inbox/team/intake with findings");
        browser.screenshot("admin-intake-refused");
        assertTrue(
                firstPrompt().startsWith("Hello, this is Haven."),
                "a refused script was put to work");

        // A good script runs at once for new conversations.
        String good = original.replace("Hello, this is Haven.", "Welcome to Haven.");
        setValue(d.findElement(By.id("script")), good);
        d.findElement(By.id("upload-intake")).click();
        browser.await(
                "the confirmation",
                w -> w.findElement(By.tagName("main")).getText().contains("checked and in use"));
        assertTrue(
                firstPrompt().startsWith("Welcome to Haven."), "the uploaded script is not in use");

        // The retention period.
        d.get(base + "/inbox/team");
        WebElement days = d.findElement(By.id("retention-days"));
        days.clear();
        days.sendKeys("30");
        d.findElement(By.id("save-retention")).click();
        browser.await(
                "the retention confirmation",
                w -> w.findElement(By.tagName("main")).getText().contains("kept 30 days"));
        assertTrue(d.findElement(By.id("retention-days")).getAttribute("value").equals("30"));
    }

    private static void setValue(WebElement area, String value) {
        ((JavascriptExecutor) browser.driver())
                .executeScript("arguments[0].value = arguments[1];", area, value);
    }

    private static String firstPrompt() throws Exception {
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            chat.start(null);
            chat.nextOfType("session");
            return chat.nextOfType("reply").getString("text");
        }
    }
}
