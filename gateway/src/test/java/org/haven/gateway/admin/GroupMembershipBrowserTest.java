package org.haven.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.DatabaseDump;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/** An existing coordinator's working groups changed on the Team page, in headless Chromium. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupMembershipBrowserTest {
    private static final String PASS = "ottawa coordinator passphrase";

    /**
     * Verifies that an administrator adds a coordinator to a second working group, then removes
     * them from it after a confirmation that says the group's key rotates; the last group has no
     * removal button, and both changes are audited.
     */
    @Test
    void testAdminChangesCoordinatorsWorkingGroups(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        try (Browser browser = Browser.start(1280, 900);
                Haven haven = TestHaven.start(dataDir, Map.of())) {
            String base = "http://127.0.0.1:" + haven.port();
            TestHaven.setUpAdmin(haven);
            WebDriver d = InboxPage.logInAsAdmin(browser, base, dataDir);
            d.get(base + "/inbox/team");
            d.findElement(By.id("new-username")).sendKeys("otto");
            new Select(d.findElement(By.id("new-role"))).selectByValue("coordinator");
            d.findElement(By.cssSelector("input[name=group][value=ottawa]")).click();
            d.findElement(By.id("new-pass")).sendKeys(PASS);
            d.findElement(By.id("new-confirm")).sendKeys(PASS);
            d.findElement(By.id("create-account")).click();
            browser.await(
                    "the new account",
                    w ->
                            w.findElement(By.tagName("main"))
                                    .getText()
                                    .contains("Account otto created"));
            assertTrue(
                    d.findElements(By.id("remove-group-otto-ottawa")).isEmpty(),
                    "the last group can be removed");

            new Select(d.findElement(By.id("add-group-otto"))).selectByValue("halifax");
            d.findElement(By.id("add-group-to-otto")).click();
            browser.await(
                    "the addition",
                    w ->
                            w.findElement(By.tagName("main"))
                                    .getText()
                                    .contains("otto now belongs to halifax"));
            browser.assertNoAxeViolationsAlsoExperimental(
                    "/inbox/team with group membership forms");
            assertTrue(
                    d.findElements(By.cssSelector("[id^=unsigned-group-]")).isEmpty(),
                    "a membership the administrator signed is marked unsigned");
            browser.screenshot("team-group-added");

            d.findElement(By.id("remove-group-otto-halifax")).click();
            Alert alert = browser.await("the confirmation", w -> w.switchTo().alert());
            String asked = alert.getText();
            assertTrue(asked.contains("Remove otto from halifax?"), asked);
            assertTrue(asked.contains("the key is rotated"), asked);
            alert.accept();
            browser.await(
                    "the removal",
                    w ->
                            w.findElement(By.tagName("main"))
                                    .getText()
                                    .contains("otto no longer belongs to halifax"));
            assertTrue(d.findElements(By.id("remove-group-otto-halifax")).isEmpty());
            assertTrue(d.findElements(By.id("remove-group-otto-ottawa")).isEmpty());

            var db = haven.database().connectOptions();
            assertEquals(
                    List.of(List.of("ottawa")),
                    DatabaseDump.query(
                            db,
                            "SELECT g.group_id FROM account_groups g JOIN accounts a ON a.id = g.account_id"
                                    + " WHERE a.username = 'otto'"));
            assertEquals(
                    List.of(
                            List.of("group_key_rotated:halifax"),
                            List.of("group_member_added:halifax"),
                            List.of("group_member_removed:halifax")),
                    DatabaseDump.query(
                            db,
                            "SELECT regexp_replace(action, ':[0-9]+$', '') FROM audit_log"
                                    + " WHERE action LIKE 'group_%halifax%' ORDER BY 1"));
        }
    }
}
