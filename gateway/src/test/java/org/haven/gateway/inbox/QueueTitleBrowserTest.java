package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.Text;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * Issue 19 scope 2 in headless Chromium, on a 390 px phone and a 1280 px laptop: the queue page's
 * title counts exactly the new cases of the coordinator's groups (its working group's and the
 * intake group's, whose place is not known yet; never another group's, nor a claimed case), and
 * keeps counting live as cases arrive and are claimed, without a reload. Each size runs on a
 * gateway of its own, so that the count is known.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class QueueTitleBrowserTest {
    private static final String PASS = "a long enough passphrase";
    private static final String COORDINATOR = "tomas";
    private static final String CASE_LINK = "table.queue a[href^='/inbox/cases/']";
    private static final Pattern HREF = Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"");
    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");

    /** A time as every inbox page shows it: in full, to the second, in UTC. */
    private static final String FULL_TIME = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC";

    /** Notes in every page when inbox.js's live stream is open. */
    private static final String STREAM_PROBE =
            "(function () { var Real = window.EventSource; if (!Real) { return; }"
                    + " window.EventSource = function (url, options) { var es = new Real(url, options);"
                    + " es.addEventListener('open', function () { window.havenStreamOpen = true; }); return es; };"
                    + " window.EventSource.prototype = Real.prototype; })();";

    /**
     * Verifies that a Toronto coordinator's queue title counts the queued Toronto cases and the
     * intake group's (an urgent case whose place is not given yet), and neither the Montreal case
     * nor a Toronto case already claimed: "(3) New — Haven", on the Mine tab too, where an
     * administrator, who sees every group, counts 4; that each listed case's time is shown in full,
     * to the second; and that, on the open page, a Montreal case changes nothing while a Toronto
     * case and then an intake-group case raise the count to 4 and 5, and a claim lowers it to 4,
     * each without a reload.
     */
    @ParameterizedTest
    @CsvSource({"390, 844", "1280, 800"})
    void testTitleCountsExactlyTheNewCasesOfThePersonsGroupsLive(
            int width, int height, @TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                Browser browser = Browser.start(width, height)) {
            String base = "http://127.0.0.1:" + haven.port();
            TestHaven.Credentials tomas =
                    TestHaven.coordinator(haven, dataDir, COORDINATOR, PASS, "toronto");
            InboxClient admin = TestHaven.loggedIn(haven);
            String marker = "title-" + width + "-" + UUID.randomUUID();

            // counted: two Toronto cases and one of the intake group; not counted: a Montreal
            // case, and a Toronto case an administrator claimed
            IntakeDriver.completeIntake(haven.port(), marker);
            IntakeDriver.completeIntake(haven.port(), marker);
            urgentCaseWithoutPlace(haven);
            inCity(haven, "Montreal", marker);
            IntakeDriver.completeIntake(haven.port(), "claimed-" + marker);
            assertEquals(
                    302,
                    claim(admin, caseOf(admin, "claimed-" + marker)).statusCode(),
                    "the administrator's claim");
            assertEquals(
                    "(4) New — Haven",
                    title(admin.get("/inbox").body()),
                    "an administrator counts every group's new cases");

            ((ChromeDriver) browser.driver())
                    .executeCdpCommand(
                            "Page.addScriptToEvaluateOnNewDocument",
                            Map.of("source", STREAM_PROBE));
            WebDriver d = browser.driver();
            d.get(base + "/inbox/login");
            d.findElement(By.id("username")).sendKeys(COORDINATOR);
            d.findElement(By.id("passphrase")).sendKeys(TestHaven.chosen(PASS));
            d.findElement(By.id("code")).sendKeys(tomas.nextCode());
            d.findElement(By.cssSelector("main form button[type=submit]")).click();
            browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
            assertEquals("(3) New — Haven", d.getTitle());
            List<String> groups = cells(browser, Text.t("en", "col.group"));
            assertEquals(
                    List.of(Text.t("en", "group.any"), "toronto", "toronto"),
                    groups,
                    "the cases listed (urgent first)");
            for (String received : cells(browser, Text.t("en", "col.received"))) {
                assertTrue(received.matches(FULL_TIME), "a time not in full: " + received);
            }
            d.get(base + "/inbox?queue=mine");
            assertEquals("(3) Mine — Haven", d.getTitle(), "the Mine tab counts the new cases");

            d.get(base + "/inbox?queue=new");
            browser.await(
                    "the live stream",
                    w -> Boolean.TRUE.equals(browser.js("return window.havenStreamOpen === true")));
            browser.js("window.havenPage = 'same'");

            // another group's case, then one of the coordinator's: once that one is listed, the
            // refresh has seen both, and the title says 4 (never 5)
            inCity(haven, "Montreal", marker);
            IntakeDriver.completeIntake(haven.port(), "live-" + marker);
            String toronto = base + caseOf(admin, "live-" + marker);
            browser.await(
                    "the new Toronto case listed",
                    w ->
                            w.findElements(By.cssSelector(CASE_LINK)).stream()
                                    .anyMatch(a -> toronto.equals(a.getAttribute("href"))));
            assertEquals("(4) New — Haven", d.getTitle(), "another group's case was counted");
            assertEquals(4, d.findElements(By.cssSelector(CASE_LINK)).size());

            // a case whose place is not known yet: the intake group's, counted
            urgentCaseWithoutPlace(haven);
            awaitTitle(browser, "(5) New — Haven", 5);

            // a new case claimed leaves the count
            String first = d.findElements(By.cssSelector(CASE_LINK)).get(0).getAttribute("href");
            assertEquals(302, claim(admin, first.substring(base.length())).statusCode());
            awaitTitle(browser, "(4) New — Haven", 4);
            assertEquals("same", browser.js("return window.havenPage"), "the page was reloaded");
            browser.screenshot("issue19-queue-title-" + width);
        }
    }

    /** Waits until the title and the list both say {@code cases} new cases. */
    private static void awaitTitle(Browser browser, String title, int cases) {
        browser.await(
                "the title " + title + " live, with " + cases + " cases listed",
                w ->
                        w.getTitle().equals(title)
                                && w.findElements(By.cssSelector(CASE_LINK)).size() == cases);
    }

    /** The texts of one column of the queue, named by its cells' data-label, top to bottom. */
    @SuppressWarnings("unchecked")
    private static List<String> cells(Browser browser, String column) {
        return new ArrayList<>(
                (List<String>)
                        browser.js(
                                "return Array.prototype.map.call(document.querySelectorAll("
                                        + "'#queue td[data-label=\"' + arguments[0] + '\"]'),"
                                        + " function (c) { return c.textContent; });",
                                column));
    }

    /** A person in danger now: an urgent case at once, before any place is asked. */
    private static void urgentCaseWithoutPlace(Haven haven) throws Exception {
        try (ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, List.of("yes", "en", "survivor", "yes"));
        }
    }

    /** A whole intake as a person living in {@code city}. */
    private static void inCity(Haven haven, String city, String marker) throws Exception {
        List<String> answers = new ArrayList<>(IntakeDriver.survivorAnswers(marker));
        answers.set(answers.size() - 1, city);
        try (ChatClient person = ChatClient.connect(haven.port())) {
            IntakeDriver.run(person, answers);
        }
    }

    /** The address of the one case of {@code marker} on the administrator's New list. */
    private static String caseOf(InboxClient admin, String marker) throws Exception {
        Matcher m = HREF.matcher(admin.get("/inbox?queue=new&q=" + marker).body());
        assertTrue(m.find(), "no case of " + marker);
        String path = m.group(1);
        assertTrue(!m.find(), "more than one case of " + marker);
        return path;
    }

    private static HttpResponse<String> claim(InboxClient admin, String path) throws Exception {
        return admin.postWithCsrf(admin.get(path).body(), path + "/claim");
    }

    private static String title(String page) {
        Matcher m = TITLE.matcher(page);
        assertTrue(m.find(), "no title");
        return m.group(1);
    }
}
