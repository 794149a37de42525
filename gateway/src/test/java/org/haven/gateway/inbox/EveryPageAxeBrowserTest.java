package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Every page of the inbox an administrator reaches, in English and in French, on a phone and on a
 * laptop, checked by axe (issue 19's acceptance: 0 violations on every inbox page in both
 * languages), and the login page in each browser language.
 */
class EveryPageAxeBrowserTest {
    @TempDir static Path dataDir;
    private static Haven haven;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return;
        }
        haven = TestHaven.start(dataDir, Map.of());
        base = "http://127.0.0.1:" + haven.port();
        TestHaven.setUpAdmin(haven);
        IntakeDriver.completeIntake(haven.port(), "axe-" + UUID.randomUUID());
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
     * Verifies that axe (experimental rules included) finds nothing on any page an administrator
     * reaches from the inbox's navigation, a case page included, in either language at 390×844 and
     * 1280×800, and that each page says its language.
     */
    @Test
    void testEveryInboxPageInBothLanguages() throws Exception {
        try (Browser browser = Browser.start(1280, 800)) {
            WebDriver d = InboxPage.logInAsAdmin(browser, base, dataDir);
            d.get(base + "/inbox?queue=all");
            String casePage =
                    browser.await(
                                    "a case",
                                    w -> w.findElement(By.cssSelector("a[href^='/inbox/cases/']")))
                            .getAttribute("href")
                            .substring(base.length());
            List<String> pages =
                    List.of(
                            "/inbox",
                            "/inbox?queue=mine",
                            "/inbox?queue=all",
                            casePage,
                            "/inbox/dashboard",
                            "/inbox/team",
                            "/inbox/team/intake",
                            "/inbox/team/canned",
                            "/inbox/audit",
                            "/inbox/settings");
            List<String> checked = new ArrayList<>();
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
                    for (String page : pages) {
                        d.get(base + page);
                        browser.await("the page " + page, w -> w.findElement(By.tagName("main")));
                        assertEquals(
                                language,
                                d.findElement(By.tagName("html")).getAttribute("lang"),
                                page + " is not in " + language);
                        browser.assertNoAxeViolationsAlsoExperimental(
                                page + " (" + language + ") at " + size[0]);
                        checked.add(page + " " + language + " " + size[0]);
                    }
                }
            }
            assertEquals(pages.size() * 4, checked.size());
        }
        for (String language : List.of("en", "fr")) {
            try (Browser browser = Browser.start(390, 844, language)) {
                browser.driver().get(base + "/inbox/login");
                browser.await("the login page", w -> w.findElement(By.id("username")));
                assertEquals(
                        language,
                        browser.driver().findElement(By.tagName("html")).getAttribute("lang"));
                browser.assertNoAxeViolationsAlsoExperimental("/inbox/login (" + language + ")");
            }
        }
    }
}
