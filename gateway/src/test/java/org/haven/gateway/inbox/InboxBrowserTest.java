package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.auth.Totp;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
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
import org.openqa.selenium.support.ui.Select;

/**
 * A coordinator's day in headless Chromium: first setup, login with a second factor, a case
 * arriving live, two coordinators claiming it at once, reading, replying (the reply reaches the
 * person's web chat), a note, closing; axe-core on every page and screenshots in {@code
 * target/screenshots}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class InboxBrowserTest {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;
    private static final String COLM_PASS = "another long passphrase";

    @TempDir static Path dataDir;
    private static Browser ada;
    private static Browser colm;
    private static Haven haven;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return; // each test is skipped, with the reason, before it starts
        }
        ada = Browser.start(WIDTH, HEIGHT);
        colm = Browser.start(WIDTH, HEIGHT);
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {ada, colm, haven}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @BeforeEach
    void needBrowser() {
        Browser.assumeAvailable();
    }

    /**
     * Verifies the whole path: setup, TOTP enrolment and login through the forms, a case that
     * appears without reload, a claim race between two browsers that exactly one wins, reading the
     * answers, a reply that reaches the person, a note, and closing.
     */
    @Test
    void testCoordinatorWorksACaseFromLoginToClose() throws Exception {
        WebDriver d = ada.driver();
        // First setup through the form.
        Path codeFile = haven.teamKeys().setupCodeFile();
        d.get(base + "/inbox/setup");
        ada.assertNoAxeViolations("/inbox/setup");
        ada.screenshot("inbox-setup");
        d.findElement(By.id("code")).sendKeys(Files.readString(codeFile).strip());
        d.findElement(By.id("username")).sendKeys(TestHaven.ADMIN);
        d.findElement(By.id("passphrase")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
        d.findElement(By.id("confirm")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
        ada.await("the login page after setup", w -> w.getCurrentUrl().contains("/inbox/login"));

        // Login: a wrong passphrase is refused, the right one leads to second-factor enrolment.
        ada.assertNoAxeViolations("/inbox/login");
        ada.screenshot("inbox-login");
        submitLogin(d, TestHaven.ADMIN, "not the passphrase", "");
        ada.await(
                "the login error", w -> !w.findElements(By.cssSelector("[role=alert]")).isEmpty());
        ada.assertNoAxeViolations("/inbox/login with an error");
        submitLogin(d, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, "");
        ada.await("the enrolment page", w -> w.getCurrentUrl().endsWith("/inbox/totp"));
        ada.assertNoAxeViolations("/inbox/totp");
        ada.screenshot("inbox-totp-enrol");
        byte[] secret = TestHaven.totpKey(d.findElement(By.id("totp-key")).getText().strip());
        long step = TestHaven.clock(dataDir).instant().getEpochSecond() / 30;
        d.findElement(By.id("code"))
                .sendKeys(new Totp().code(secret, Instant.ofEpochSecond(step * 30)));
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
        ada.await("the recovery codes", w -> !w.findElements(By.id("recovery-codes")).isEmpty());
        assertEquals(10, d.findElements(By.cssSelector("#recovery-codes li")).size());
        // one code per line, each whole, and a button copies them (issue 19)
        int lastY = -1;
        for (var li : d.findElements(By.cssSelector("#recovery-codes li"))) {
            assertTrue(li.getRect().getY() > lastY, "two codes on one line");
            assertTrue(li.getRect().getHeight() < 40, "a code broken across lines");
            lastY = li.getRect().getY();
        }
        assertTrue(d.findElement(By.id("copy-codes")).isDisplayed(), "no copy button");
        ada.assertNoAxeViolations("/inbox/totp recovery codes");
        ada.screenshot("issue19-recovery-codes");
        TestHaven.remember(dataDir, TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, secret, step);
        d.findElement(By.cssSelector("a.button")).click();
        ada.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));

        // A second coordinator, created by the admin and enrolled, logs in in another browser.
        createCoordinator("colm");
        TestHaven.Credentials colmCodes = TestHaven.enrol(haven.port(), dataDir, "colm", COLM_PASS);
        WebDriver c = colm.driver();
        c.get(base + "/inbox/login");
        submitLogin(c, "colm", TestHaven.chosen(COLM_PASS), colmCodes.nextCode());
        colm.await("colm's queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        c.get(base + "/inbox/passphrase");
        colm.assertNoAxeViolations("/inbox/passphrase");
        colm.screenshot("inbox-passphrase");
        c.get(base + "/inbox");

        // A case arrives while both inboxes are open: it appears without reload.
        String marker = "browser-" + UUID.randomUUID();
        try (ChatClient person = ChatClient.connect(haven.port())) {
            assertTrue(
                    d.findElements(By.cssSelector("table.queue a[href^='/inbox/cases/']"))
                            .isEmpty());
            IntakeDriver.run(person, IntakeDriver.survivorAnswers(marker));
            String link = "table.queue a[href^='/inbox/cases/']";
            ada.await(
                    "the case to appear live",
                    w -> !w.findElements(By.cssSelector(link)).isEmpty());
            colm.await(
                    "the case to appear live for colm",
                    w -> !w.findElements(By.cssSelector(link)).isEmpty());
            ada.assertNoAxeViolations("/inbox with a case");
            ada.screenshot("inbox-queue");
            String casePath = d.findElement(By.cssSelector(link)).getAttribute("href");
            d.get(casePath);
            c.get(casePath);

            // Both click "claim" at once: exactly one wins, the other is told.
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<?> a =
                        pool.submit(
                                () -> {
                                    go.await();
                                    d.findElement(By.id("claim")).click();
                                    return null;
                                });
                Future<?> b =
                        pool.submit(
                                () -> {
                                    go.await();
                                    c.findElement(By.id("claim")).click();
                                    return null;
                                });
                go.countDown();
                a.get(30, TimeUnit.SECONDS);
                b.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            ada.await("ada's claim result", w -> w.getCurrentUrl().contains("m=case."));
            colm.await("colm's claim result", w -> w.getCurrentUrl().contains("m=case."));
            boolean adaWon = d.getCurrentUrl().endsWith("m=case.claimed");
            boolean colmWon = c.getCurrentUrl().endsWith("m=case.claimed");
            assertTrue(
                    adaWon ^ colmWon,
                    "exactly one claim must win: " + d.getCurrentUrl() + " / " + c.getCurrentUrl());
            Browser loserBrowser = adaWon ? colm : ada;
            assertTrue(
                    loserBrowser
                            .driver()
                            .findElement(By.cssSelector("[role=alert]"))
                            .getText()
                            .contains("Another coordinator claimed this case first"));
            loserBrowser.screenshot("inbox-claim-lost");
            Browser winner = adaWon ? ada : colm;
            WebDriver w = winner.driver();

            // Read: the answers, decrypted.
            assertTrue(
                    w.findElement(By.tagName("main")).getText().contains(marker),
                    "answers not shown decrypted");
            winner.assertNoAxeViolations("/inbox/cases/<id>");
            winner.screenshot("inbox-case");

            // Reply: it reaches the person's open web chat.
            String reply = "We can talk on Tuesday at 10. " + UUID.randomUUID();
            w.findElement(By.id("reply-text")).sendKeys(reply);
            w.findElement(By.id("send-reply")).click();
            winner.await(
                    "the reply confirmation", x -> x.getCurrentUrl().endsWith("m=case.reply.sent"));
            JsonObject pushed = person.nextOfType("reply");
            assertEquals(reply, pushed.getString("text"));
            // read through await: the live section may be replaced under the reading (the page
            // looks again once its stream opens)
            winner.await(
                    "the reply on the case",
                    x -> x.findElement(By.id("conversation")).getText().contains(reply));

            // The person answers; it appears in the open case without reload.
            person.say("Tuesday is fine " + marker);
            person.nextOfType("ack");
            winner.await(
                    "the person's answer live",
                    x ->
                            x.findElement(By.id("conversation"))
                                    .getText()
                                    .contains("Tuesday is fine"));

            // A private note.
            String note = "Needs an Arabic interpreter " + UUID.randomUUID();
            w.findElement(By.id("note-text")).sendKeys(note);
            w.findElement(By.id("save-note")).click();
            winner.await(
                    "the note", x -> x.findElement(By.id("conversation")).getText().contains(note));
            winner.screenshot("inbox-case-worked");

            // Close.
            new Select(w.findElement(By.id("status")))
                    .selectByValue("closed"); // the toolbar saves on change
            winner.await(
                    "the queue after closing", x -> x.getCurrentUrl().startsWith(base + "/inbox?"));
            w.get(base + "/inbox?queue=closed");
            assertTrue(
                    w.getPageSource().contains(casePath.substring(base.length())),
                    "closed case not in the closed queue");
            winner.assertNoAxeViolations("/inbox?queue=closed");

            // The dashboard draws its charts from Haven's own copy of Chart.js.
            w.get(base + "/inbox/dashboard");
            winner.await(
                    "the charts",
                    x ->
                            Boolean.TRUE.equals(
                                    ((JavascriptExecutor) x)
                                            .executeScript(
                                                    "return !!window.Chart && !!window.Chart.getChart(document.getElementById('chart-weekly'));")));
            winner.assertNoAxeViolations("/inbox/dashboard");
            winner.screenshot("inbox-dashboard");
        }
    }

    private void createCoordinator(String username) throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        String page = admin.get("/inbox/team").body();
        var r =
                admin.postWithCsrf(
                        page,
                        "/inbox/team/accounts",
                        "username",
                        username,
                        "role",
                        "coordinator",
                        "group",
                        "toronto",
                        "agency",
                        "",
                        "passphrase",
                        COLM_PASS,
                        "confirm",
                        COLM_PASS);
        assertEquals(200, r.statusCode());
        ada.driver().get(base + "/inbox/team");
        ada.assertNoAxeViolations("/inbox/team");
        ada.screenshot("inbox-team");
        ada.driver().get(base + "/inbox");
    }

    private static void submitLogin(WebDriver d, String username, String passphrase, String code) {
        d.findElement(By.id("username")).clear();
        d.findElement(By.id("username")).sendKeys(username);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.id("code")).clear();
        d.findElement(By.id("code")).sendKeys(code);
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
    }
}
