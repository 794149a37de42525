package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The pages around an account, in English and French at 390×844 and 1280×800, checked by axe
 * (experimental rules too) and for sideways scrolling (issue 19's acceptance): first setup, a first
 * login (choosing one's passphrase, enrolling the second factor, the recovery codes and their copy
 * button), the passphrase change and re-entry forms, an agency worker's pages, and the login page
 * after a team key rotation ended the session. Screenshots in {@code
 * gateway/target/screenshots/account-*}. The tests run in order: the first sees Haven before setup,
 * the last rotates the team key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class AccountPagesBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final int[][] SIZES = {{390, 844}, {1280, 800}};
    private static final List<String> LANGUAGES = List.of("en", "fr");

    @TempDir static Path dataDir;
    private static Haven haven;
    private static String base;
    private static boolean adminReady;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    @BeforeEach
    void needBrowser() {
        Browser.assumeAvailable();
    }

    /**
     * Verifies that the first-setup page, the cross-site refusal and the "session ended" page speak
     * the browser's language (French or English), and that axe finds nothing on the setup page in
     * either language at either size.
     */
    @Test
    @Order(1)
    void testPagesBeforeLoginSpeakTheBrowsersLanguage() throws Exception {
        for (String language : LANGUAGES) {
            try (Browser browser = Browser.start(390, 844, language)) {
                WebDriver d = browser.driver();
                d.get(base + "/inbox/setup");
                browser.await("the setup page", w -> w.findElement(By.id("code")));
                assertEquals(
                        Text.t(language, "setup.heading"),
                        d.findElement(By.tagName("h1")).getText());
                everySize(browser, language, "/inbox/setup", "account-setup");
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> crossSite =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/inbox/login"))
                                    .header("Origin", "https://elsewhere.example")
                                    .header("Accept-Language", language)
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("username=x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(403, crossSite.statusCode());
            assertTrue(crossSite.body().contains("lang=\"" + language + "\""), crossSite.body());
            assertTrue(
                    crossSite.body().contains(Html.esc(Text.t(language, "refused.other_site"))),
                    crossSite.body());
            HttpResponse<String> ended =
                    http.send(
                            HttpRequest.newBuilder(URI.create(base + "/inbox/logout"))
                                    .header("Accept-Language", language)
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString("csrf=x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(401, ended.statusCode());
            assertTrue(
                    ended.body().contains(Html.esc(Text.t(language, "login.ended"))), ended.body());
        }
        setUpAdminOnce();
    }

    /**
     * Verifies a coordinator's first login in each language: the page to choose one's passphrase,
     * the second-factor enrolment and the recovery codes (one per line at both sizes; the copy
     * button puts all ten on the clipboard, one per line, and says so), then the passphrase change
     * and re-entry forms: axe finds nothing on any of them, at either size.
     */
    @Test
    @Order(2)
    void testFirstLoginAndPassphrasePagesInBothLanguages() throws Exception {
        setUpAdminOnce();
        InboxClient admin = TestHaven.loggedIn(haven);
        for (String language : LANGUAGES) {
            String user = "first-" + language;
            createAccount(admin, user, "coordinator", "", "toronto");
            setLanguage(user, language);
            try (Browser browser = Browser.start(390, 844)) {
                WebDriver d = browser.driver();
                logIn(browser, user, PASS, "");
                browser.await(
                        "the choice of passphrase",
                        w -> w.getCurrentUrl().endsWith("/inbox/passphrase"));
                assertEquals(
                        Text.t(language, "passphrase.choose"),
                        d.findElement(By.tagName("h1")).getText());
                everySize(browser, language, "/inbox/passphrase (first)", "account-choose");
                d.findElement(By.id("current")).sendKeys(PASS);
                d.findElement(By.id("passphrase")).sendKeys(TestHaven.chosen(PASS));
                d.findElement(By.id("confirm")).sendKeys(TestHaven.chosen(PASS));
                d.findElement(By.id("save-passphrase")).click();
                browser.await("the enrolment", w -> w.getCurrentUrl().endsWith("/inbox/totp"));
                everySize(browser, language, "/inbox/totp", "account-totp");

                byte[] secret =
                        TestHaven.totpKey(d.findElement(By.id("totp-key")).getText().strip());
                long step = TestHaven.clock(dataDir).instant().getEpochSecond() / 30;
                d.findElement(By.id("code"))
                        .sendKeys(new Totp().code(secret, Instant.ofEpochSecond(step * 30)));
                d.findElement(By.cssSelector("main form button[type=submit]")).click();
                browser.await(
                        "the recovery codes",
                        w -> !w.findElements(By.id("recovery-codes")).isEmpty());
                TestHaven.remember(dataDir, user, TestHaven.chosen(PASS), secret, step);
                List<String> codes =
                        d.findElements(By.cssSelector("#recovery-codes li code")).stream()
                                .map(WebElement::getText)
                                .toList();
                assertEquals(10, codes.size());
                for (int[] size : SIZES) {
                    browser.resize(size[0], size[1]);
                    assertOnePerLine(browser, language + " at " + size[0]);
                    assertTrue(
                            d.findElement(By.id("copy-codes")).isDisplayed(),
                            "no copy button at " + size[0]);
                }
                everySize(browser, language, "/inbox/totp (recovery codes)", "account-recovery");

                // the copy button, at 390
                browser.resize(390, 844);
                ((ChromeDriver) d)
                        .executeCdpCommand(
                                "Browser.grantPermissions",
                                Map.of(
                                        "origin",
                                        base,
                                        "permissions",
                                        List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
                WebElement copy = d.findElement(By.id("copy-codes"));
                String copied = copy.getAttribute("data-copied");
                assertEquals(Text.t(language, "totp.recovery.copied"), copied);
                copy.click();
                browser.await("the copied status", w -> copied.equals(copy.getText()));
                Object clipboard =
                        ((ChromeDriver) d)
                                .executeAsyncScript(
                                        "var done = arguments[arguments.length - 1];"
                                                + " navigator.clipboard.readText().then(done, function (e) { done('failed: ' + e); });");
                assertEquals(String.join("\n", codes) + "\n", clipboard);

                d.findElement(By.cssSelector("main a.button")).click();
                browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
                d.get(base + "/inbox/passphrase");
                browser.await("the change form", w -> w.findElement(By.id("save-passphrase")));
                assertEquals(
                        Text.t(language, "passphrase.change"),
                        d.findElement(By.tagName("h1")).getText());
                everySize(browser, language, "/inbox/passphrase (change)", "account-change");
                d.get(base + "/inbox/reauth?next=/inbox/settings");
                browser.await("the re-entry form", w -> w.findElement(By.id("reauth-pass")));
                everySize(browser, language, "/inbox/reauth", "account-reauth");
            }
        }
    }

    /**
     * Verifies that an agency worker's pages (their list of referrals, a referral they made,
     * Settings, the passphrase change form) have no axe violation in either language at either
     * size.
     */
    @Test
    @Order(3)
    void testAgencyWorkerPagesInBothLanguages() throws Exception {
        setUpAdminOnce();
        InboxClient admin = TestHaven.loggedIn(haven);
        HttpResponse<String> agency =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/agencies",
                        "name",
                        "Shelter North");
        Matcher code = Pattern.compile("referral code (\\d{3}-\\d{4})").matcher(agency.body());
        assertTrue(code.find(), agency.body());
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(
                    chat, IntakeDriver.agencyAnswers(code.group(1), "agency-" + UUID.randomUUID()));
        }
        Matcher id =
                Pattern.compile("<option value=\"(\\d+)\">Shelter North</option>")
                        .matcher(admin.get("/inbox/team").body());
        assertTrue(id.find(), "no agency on the Team page");
        for (String language : LANGUAGES) {
            String user = "agent-" + language;
            createAccount(admin, user, "agency", id.group(1), null);
            TestHaven.Credentials codes = TestHaven.enrol(haven.port(), dataDir, user, PASS);
            setLanguage(user, language);
            try (Browser browser = Browser.start(390, 844)) {
                WebDriver d = browser.driver();
                logIn(browser, user, TestHaven.chosen(PASS), codes.nextCode());
                browser.await("the referrals", w -> w.getCurrentUrl().equals(base + "/inbox"));
                String referral =
                        browser.await(
                                        "the referral",
                                        w ->
                                                w.findElement(
                                                        By.cssSelector("a[href^='/inbox/cases/']")))
                                .getAttribute("href")
                                .substring(base.length());
                for (String page :
                        List.of("/inbox", referral, "/inbox/settings", "/inbox/passphrase")) {
                    d.get(base + page);
                    browser.await(page, w -> w.findElement(By.tagName("main")));
                    everySize(
                            browser,
                            language,
                            page + " (agency)",
                            page.equals(referral) ? "account-agency-referral" : null);
                }
                browser.screenshot("account-agency-settings-" + language);
            }
        }
    }

    /**
     * Verifies that people logged out by a team key rotation are told why: a page request goes to
     * the login form, which says the team key was changed, in the person's language (French in the
     * browser, English over HTTP); a form sent from the ended session says so too; an axe-clean
     * page.
     */
    @Test
    @Order(4)
    void testLoginPageSaysATeamKeyRotationEndedTheSession() throws Exception {
        setUpAdminOnce();
        createAccount(TestHaven.loggedIn(haven), "colm", "coordinator", "", "toronto");
        TestHaven.enrol(haven.port(), dataDir, "colm", PASS);
        setLanguage(TestHaven.ADMIN, "fr");
        setLanguage("colm", "en");
        try (Browser browser = Browser.start(390, 844)) {
            WebDriver d = InboxPage.logInAsAdmin(browser, base, dataDir);
            InboxClient colm = TestHaven.loggedIn(haven.port(), dataDir, "colm");
            String colmPage = colm.get("/inbox").body();
            InboxClient rotator = TestHaven.loggedIn(haven);
            HttpResponse<String> rotated =
                    rotator.postWithCsrf(rotator.get("/inbox/team").body(), "/inbox/team/rotate");
            assertEquals(200, rotated.statusCode(), rotated.body());

            d.get(base + "/inbox");
            WebElement why = browser.await("the reason", w -> w.findElement(By.id("login-why")));
            assertEquals(Text.t("fr", "login.ended.team_key"), why.getText());
            assertEquals("fr", d.findElement(By.tagName("html")).getAttribute("lang"));
            everySize(browser, "fr", "/inbox/login after a rotation", "account-login-rotated");

            HttpResponse<String> page = colm.get("/inbox");
            assertEquals(
                    "/inbox/login?lang=en&ended=team-key",
                    page.headers().firstValue("Location").orElse(""));
            assertTrue(
                    colm.get("/inbox/login?lang=en&ended=team-key")
                            .body()
                            .contains(Html.esc(Text.t("en", "login.ended.team_key"))));
            HttpResponse<String> form = colm.postWithCsrf(colmPage, "/inbox/logout");
            assertEquals(401, form.statusCode());
            assertTrue(
                    form.body().contains(Html.esc(Text.t("en", "login.ended.team_key"))),
                    form.body());
            // a plain login page says nothing of the kind
            assertTrue(
                    !new InboxClient(haven.port())
                            .get("/inbox/login")
                            .body()
                            .contains("id=\"login-why\""));
        }
    }

    /**
     * Checks the current page at each size: in {@code language}, no sideways scrolling, and no axe
     * violation; a screenshot per size when {@code shot} is given.
     */
    private static void everySize(Browser browser, String language, String page, String shot)
            throws Exception {
        WebDriver d = browser.driver();
        for (int[] size : SIZES) {
            browser.resize(size[0], size[1]);
            String at = page + " (" + language + ") at " + size[0];
            assertEquals(language, d.findElement(By.tagName("html")).getAttribute("lang"), at);
            browser.assertNoSideScroll(at);
            browser.assertNoAxeViolationsAlsoExperimental(at);
            if (shot != null) {
                browser.screenshot(shot + "-" + language + "-" + size[0]);
            }
        }
    }

    /** Each recovery code on a line of its own, whole. */
    private static void assertOnePerLine(Browser browser, String at) {
        int lastY = -1;
        for (WebElement code :
                browser.driver().findElements(By.cssSelector("#recovery-codes li code"))) {
            int y = code.getRect().getY();
            assertTrue(y > lastY, "two codes on one line " + at);
            assertEquals(
                    1L,
                    ((Number) browser.js("return arguments[0].getClientRects().length", code))
                            .longValue(),
                    "a code broken across lines " + at);
            lastY = y;
        }
    }

    /** Sets up the first administrator, once (the first test looks at Haven before that). */
    private static synchronized void setUpAdminOnce() throws Exception {
        if (!adminReady) {
            TestHaven.setUpAdmin(haven);
            adminReady = true;
        }
    }

    private static void logIn(Browser browser, String user, String passphrase, String code) {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        d.findElement(By.id("username")).sendKeys(user);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.id("code")).sendKeys(code);
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
    }

    private static void createAccount(
            InboxClient admin, String user, String role, String agency, String group)
            throws Exception {
        List<String> fields =
                new java.util.ArrayList<>(
                        List.of(
                                "username",
                                user,
                                "role",
                                role,
                                "passphrase",
                                PASS,
                                "confirm",
                                PASS,
                                "agency",
                                agency));
        if (group != null) {
            fields.addAll(List.of("group", group));
        }
        HttpResponse<String> created =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/accounts",
                        fields.toArray(String[]::new));
        assertTrue(created.body().contains("Account " + user + " created"), created.body());
    }

    private static void setLanguage(String user, String language) throws Exception {
        haven.database()
                .pool()
                .preparedQuery("UPDATE accounts SET language = $1 WHERE username = $2")
                .execute(io.vertx.sqlclient.Tuple.of(language, user))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }
}
