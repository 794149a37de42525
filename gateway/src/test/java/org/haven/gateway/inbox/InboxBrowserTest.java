package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
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

/**
 * The coordinator inbox in a real (headless) browser against a real Haven, on a laptop-sized
 * screen. The tests run in the order a first administrator meets the pages; each one still
 * brings about what it needs (admin, case, login) when run alone.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InboxBrowserTest {
    private static final int WIDTH = 1280;
    private static final int HEIGHT = 900;

    @TempDir
    static Path dataDir;
    private static Browser browser;
    private static Haven haven;
    private static String base;
    private static String caseMarker;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return; // each test is skipped, with the reason, before it starts
        }
        browser = Browser.start(WIDTH, HEIGHT);
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (haven != null) {
                haven.close();
            }
        }
    }

    @BeforeEach
    void needBrowser() {
        Browser.assumeAvailable();
    }

    /** Verifies that the setup page passes axe and creates the first administrator from its form. */
    @Test
    @Order(1)
    void testSetupPageHasNoAxeViolationsAndCreatesAdmin() throws Exception {
        Path codeFile = haven.teamKeys().setupCodeFile();
        if (!Files.exists(codeFile)) {
            return; // another test already set up the administrator
        }
        WebDriver d = browser.driver();
        d.get(base + "/inbox/setup");
        browser.assertNoAxeViolations("/inbox/setup");
        browser.screenshot("inbox-setup");

        d.findElement(By.id("code")).sendKeys(Files.readString(codeFile).strip());
        d.findElement(By.id("username")).sendKeys(TestHaven.ADMIN);
        d.findElement(By.id("passphrase")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
        d.findElement(By.id("confirm")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
        d.findElement(By.cssSelector("form.stack button[type=submit]")).click();
        browser.await("the login page after setup", w -> w.getCurrentUrl().endsWith("/inbox/login"));
        assertTrue(!Files.exists(codeFile), "setup code file left behind");
    }

    /** Verifies that the login page, also when it shows an error, passes axe, and that its form logs in. */
    @Test
    @Order(2)
    void testLoginPageHasNoAxeViolationsAndLogsIn() throws Exception {
        ensureAdmin();
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        browser.assertNoAxeViolations("/inbox/login");
        browser.screenshot("inbox-login");

        submitLogin("not the passphrase");
        browser.await("the login error", w -> !w.findElements(By.cssSelector("[role=alert]")).isEmpty());
        browser.assertNoAxeViolations("/inbox/login with an error");

        submitLogin(TestHaven.ADMIN_PASSPHRASE);
        browser.await("the queue after login", w -> w.getCurrentUrl().equals(base + "/inbox"));
    }

    /** Verifies that the queue with a case passes axe. */
    @Test
    @Order(3)
    void testQueueWithCaseHasNoAxeViolations() throws Exception {
        ensureCase();
        ensureLoggedIn();
        browser.driver().get(base + "/inbox");
        IntakeDriver.onlyCaseReference(browser.driver().getPageSource());
        browser.assertNoAxeViolations("/inbox");
        browser.screenshot("inbox-queue");
    }

    /** Verifies that a case opened from the queue shows its answers decrypted and passes axe. */
    @Test
    @Order(4)
    void testCaseViewHasNoAxeViolations() throws Exception {
        ensureCase();
        ensureLoggedIn();
        WebDriver d = browser.driver();
        d.get(base + "/inbox");
        d.findElement(By.cssSelector("table.queue a[href^='/inbox/cases/']")).click();
        browser.await("the case page", w -> w.getCurrentUrl().contains("/inbox/cases/"));
        assertTrue(d.findElement(By.tagName("main")).getText().contains(caseMarker), "answers not shown decrypted");
        browser.assertNoAxeViolations("/inbox/cases/<id>");
        browser.screenshot("inbox-case");
    }

    private static void ensureAdmin() throws Exception {
        if (Files.exists(haven.teamKeys().setupCodeFile())) {
            TestHaven.setUpAdmin(haven);
        }
    }

    private static void ensureCase() throws Exception {
        ensureAdmin();
        if (caseMarker == null) {
            String marker = "marker-" + UUID.randomUUID();
            IntakeDriver.completeIntake(haven.port(), marker);
            caseMarker = marker;
        }
    }

    private static void ensureLoggedIn() throws Exception {
        ensureAdmin();
        browser.driver().get(base + "/inbox");
        if (browser.driver().getCurrentUrl().endsWith("/inbox/login")) {
            submitLogin(TestHaven.ADMIN_PASSPHRASE);
            browser.await("the queue after login", w -> w.getCurrentUrl().equals(base + "/inbox"));
        }
        assertEquals(base + "/inbox", browser.driver().getCurrentUrl());
    }

    private static void submitLogin(String passphrase) {
        WebDriver d = browser.driver();
        d.findElement(By.id("username")).clear();
        d.findElement(By.id("username")).sendKeys(TestHaven.ADMIN);
        d.findElement(By.id("passphrase")).sendKeys(passphrase);
        d.findElement(By.cssSelector("form.stack button[type=submit]")).click();
    }
}
