package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LogCapture;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Issue 19 scope 7 in headless Chromium, on a 390 px phone and a 1280 px laptop: administrators
 * manage the canned replies on their own page (per language, right to left for Arabic and Farsi, in
 * English and French, axe-clean), and a coordinator on a French case gets the French text in the
 * reply box, an English-only reply marked as such; a coordinator cannot reach the page. Screenshots
 * go to {@code target/screenshots/issue19-canned-*}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CannedRepliesBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final String COORDINATOR = "cleo";
    private static final String CASE_LINK = "a[href^='/inbox/cases/']";

    @TempDir static Path dataDir;
    private static Haven haven;
    private static TestHaven.Credentials cleo;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
        cleo = TestHaven.coordinator(haven, dataDir, COORDINATOR, PASS, "toronto");
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    @BeforeEach
    void needBrowser() throws Exception {
        Browser.assumeAvailable();
        TestHaven.everyoneInEnglish(haven);
    }

    /**
     * Verifies that an administrator adds a French canned reply on the Canned replies page (reached
     * from the navigation; Arabic and Farsi fields right to left) and moves it up; that a
     * coordinator on a French case picks it and its French text lands in the reply box and reaches
     * the person; that a reply with no French text is offered in English and says so; that delete
     * asks first; that each change is audited and no reply text is logged; and that axe finds
     * nothing on the page in English and in French.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testAdministratorAddsFrenchReplyCoordinatorPicksIt(int width, int height)
            throws Exception {
        String marker = UUID.randomUUID().toString().substring(0, 8);
        String title = "Rendez-vous " + marker;
        String text = "Pouvons-nous vous appeler mardi à 10 h? " + marker;
        String englishOnly = "Interpreter " + marker;
        try (LogCapture logs = new LogCapture();
                Browser admin = Browser.start(width, height);
                Browser coordinator = Browser.start(width, height);
                ChatClient person = ChatClient.connect(haven.port())) {
            WebDriver d = logInAdmin(admin);
            d.findElement(By.id("canned-link")).click();
            admin.await("the page", w -> w.getCurrentUrl().equals(base + "/inbox/team/canned"));
            assertEquals("Canned replies", d.findElement(By.tagName("h1")).getText());
            assertTrue(
                    d.findElements(By.cssSelector("#canned-list > li")).size() >= 3,
                    "the script's canned replies were not seeded");
            admin.assertNoAxeViolationsAlsoExperimental("/inbox/team/canned at " + width);
            admin.assertNoSideScroll("the Canned replies page");
            admin.screenshot("issue19-canned-" + width);

            // add a French reply
            d.findElement(By.id("add-canned")).click();
            admin.await("the form", w -> w.findElement(By.id("title-fr")));
            for (String rtl : List.of("ar", "fa")) {
                assertEquals("rtl", d.findElement(By.id("text-" + rtl)).getAttribute("dir"));
                assertEquals("rtl", d.findElement(By.id("title-" + rtl)).getAttribute("dir"));
            }
            assertEquals("fr", d.findElement(By.id("text-fr")).getAttribute("lang"));
            admin.assertNoAxeViolationsAlsoExperimental("/inbox/team/canned/new at " + width);
            admin.screenshot("issue19-canned-new-" + width);
            d.findElement(By.id("title-fr")).sendKeys(title);
            d.findElement(By.id("save-canned")).click();
            admin.await("the refusal", w -> w.findElement(By.cssSelector("p.error")));
            assertEquals(title, d.findElement(By.id("title-fr")).getAttribute("value"));
            d.findElement(By.id("text-fr")).sendKeys(text);
            d.findElement(By.id("save-canned")).click();
            admin.await(
                    "the notice",
                    w -> w.getCurrentUrl().equals(base + "/inbox/team/canned?m=canned.added"));
            String id = idOf(d, title);
            List<String> before = order(d);
            assertEquals(id, before.get(before.size() - 1), "not added last");
            d.findElement(By.id("up-" + id)).click();
            admin.await("moved", w -> w.getCurrentUrl().endsWith("?m=canned.moved"));
            List<String> after = order(d);
            assertEquals(id, after.get(after.size() - 2), "not moved up: " + after);

            // one with English only, added by the form's POST
            InboxClient api = TestHaven.loggedIn(haven);
            HttpResponse<String> added =
                    api.postWithCsrf(
                            api.get("/inbox/team/canned/new").body(),
                            "/inbox/team/canned",
                            "title_en",
                            englishOnly,
                            "text_en",
                            "We can book an interpreter. " + marker);
            assertEquals(303, added.statusCode(), added.body());

            // a coordinator on a French case
            List<String> answers = new ArrayList<>(IntakeDriver.survivorAnswers("fr-" + marker));
            answers.set(1, "fr");
            IntakeDriver.run(person, answers);
            WebDriver c = logInCoordinator(coordinator);
            assertTrue(c.findElements(By.id("canned-link")).isEmpty(), "a coordinator's link");
            claim(coordinator, "fr-" + marker);
            Select canned = new Select(c.findElement(By.id("canned")));
            WebElement fallback =
                    canned.getOptions().stream()
                            .filter(o -> o.getText().startsWith(englishOnly))
                            .findFirst()
                            .orElseThrow();
            assertTrue(
                    fallback.getText().contains("in English: none in this case's language"),
                    fallback.getText());
            WebElement ours =
                    canned.getOptions().stream()
                            .filter(o -> id.equals(o.getAttribute("value")))
                            .findFirst()
                            .orElseThrow();
            assertEquals(title, ours.getText());
            canned.selectByValue(id);
            assertEquals(text, c.findElement(By.id("reply-text")).getAttribute("value"));
            coordinator.assertNoSideScroll("the case page");
            coordinator.screenshot("issue19-canned-case-" + width);
            c.findElement(By.id("send-reply")).click();
            coordinator.await("sent", w -> w.getCurrentUrl().endsWith("m=case.reply.sent"));
            assertEquals(text, person.nextOfType("reply").getString("text"));

            // the page in French; delete asks first, and goes ahead once accepted
            toLanguage(admin, "fr", "Paramètres");
            d.get(base + "/inbox/team/canned");
            assertEquals("Réponses types", d.findElement(By.tagName("h1")).getText());
            assertFalse(
                    d.findElement(By.tagName("main")).getText().contains("Move up"),
                    "English left on the French page");
            admin.assertNoAxeViolationsAlsoExperimental("/inbox/team/canned (fr) at " + width);
            admin.screenshot("issue19-canned-fr-" + width);
            d.findElement(By.id("edit-" + id)).click();
            admin.await("the edit form", w -> w.findElement(By.id("text-fr")));
            assertEquals(text, d.findElement(By.id("text-fr")).getAttribute("value"));
            admin.assertNoAxeViolationsAlsoExperimental("/inbox/team/canned/<id> (fr) at " + width);
            d.navigate().back();
            admin.await("the list", w -> w.findElement(By.id("delete-" + id)));
            d.findElement(By.id("delete-" + id)).click();
            Alert alert = admin.await("the confirmation", w -> w.switchTo().alert());
            assertTrue(alert.getText().contains(title), alert.getText());
            alert.dismiss();
            assertTrue(order(d).contains(id), "deleted although declined");
            d.findElement(By.id("delete-" + id)).click();
            admin.await("the confirmation", w -> w.switchTo().alert()).accept();
            admin.await("deleted", w -> w.getCurrentUrl().endsWith("?m=canned.deleted"));
            assertFalse(order(d).contains(id), "not deleted");
            toLanguage(admin, "en", "Settings");

            String audit = api.get("/inbox/audit?action=canned_reply").body();
            for (String action : List.of("added", "moved", "deleted")) {
                assertTrue(
                        audit.contains("canned_reply_" + action + ":" + id),
                        "not audited: " + action);
            }
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains(marker)),
                    "a canned reply's words were logged");
        }
    }

    /**
     * Verifies that a coordinator who is not an administrator is refused the Canned replies page
     * and its changes (403), and has no link to it.
     */
    @Test
    void testCoordinatorCannotReachThePage() throws Exception {
        try (Browser browser = Browser.start(390, 844)) {
            WebDriver d = logInCoordinator(browser);
            d.get(base + "/inbox/team/canned");
            assertTrue(
                    d.findElement(By.tagName("main")).getText().contains("Refused"),
                    d.findElement(By.tagName("main")).getText());
            browser.screenshot("issue19-canned-refused-390");
        }
        InboxClient api = TestHaven.loggedIn(haven.port(), dataDir, COORDINATOR);
        HttpResponse<String> page = api.get("/inbox/team/canned");
        assertEquals(403, page.statusCode());
        assertEquals(403, api.get("/inbox/team/canned/new").statusCode());
        String queue = api.get("/inbox").body();
        assertFalse(queue.contains("/inbox/team/canned"), "a link for a coordinator");
        HttpResponse<String> add =
                api.postWithCsrf(queue, "/inbox/team/canned", "title_en", "x", "text_en", "y");
        assertEquals(403, add.statusCode());
    }

    private static String idOf(WebDriver d, String title) {
        for (WebElement li : d.findElements(By.cssSelector("#canned-list > li"))) {
            if (li.findElement(By.tagName("h2")).getText().equals(title)) {
                return li.getAttribute("id").substring("canned-".length());
            }
        }
        throw new AssertionError("not listed: " + title);
    }

    private static List<String> order(WebDriver d) {
        return d.findElements(By.cssSelector("#canned-list > li")).stream()
                .map(li -> li.getAttribute("id").substring("canned-".length()))
                .toList();
    }

    private static void toLanguage(Browser browser, String language, String heading) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/settings");
        d.findElement(By.id("settings-lang-" + language)).click();
        d.findElement(By.id("save-language")).click();
        browser.await(language, w -> w.findElement(By.tagName("h1")).getText().equals(heading));
    }

    private static WebDriver logInAdmin(Browser browser) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        TestHaven.Credentials admin =
                TestHaven.credentials(
                        haven.teamKeys().setupCodeFile().getParent(), TestHaven.ADMIN);
        submitLogin(d, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, admin.nextCode());
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }

    private static WebDriver logInCoordinator(Browser browser) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        submitLogin(d, COORDINATOR, TestHaven.chosen(PASS), cleo.nextCode());
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }

    private static void submitLogin(WebDriver d, String username, String passphrase, String code) {
        d.findElement(By.id("username")).sendKeys(username);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.id("code")).sendKeys(code);
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
    }

    /** Opens the case of {@code marker} from the New list and claims it. */
    private static void claim(Browser browser, String marker) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox?queue=new&q=" + marker);
        WebElement link =
                browser.await(
                        "the case on the New list", w -> w.findElement(By.cssSelector(CASE_LINK)));
        String href = link.getAttribute("href");
        d.get(href);
        browser.await("the claim button", w -> w.findElement(By.id("claim"))).click();
        browser.await(
                "the claimed case",
                w ->
                        w.getCurrentUrl().equals(href + "?m=case.claimed")
                                && !w.findElements(By.id("reply-text")).isEmpty());
    }
}
