package org.haven.gateway.support;

import java.nio.file.Path;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The coordinators' inbox in a {@link Browser}. */
public final class InboxPage {
    private InboxPage() {}

    /**
     * Logs in as {@link TestHaven#ADMIN} (set up with {@link TestHaven#setUpAdmin}) through the
     * login page, and waits for the queue.
     *
     * @param base the gateway's address, e.g. {@code http://127.0.0.1:8080}
     * @param dataDir the gateway's data directory, where the test keeps the account's second factor
     */
    public static WebDriver logInAsAdmin(Browser browser, String base, Path dataDir)
            throws Exception {
        WebDriver d = browser.driver();
        d.get(base + "/inbox/login");
        d.findElement(By.id("username")).sendKeys(TestHaven.ADMIN);
        d.findElement(By.id("passphrase")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
        d.findElement(By.id("code"))
                .sendKeys(TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode());
        d.findElement(By.cssSelector("main form button[type=submit]")).click();
        browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));
        return d;
    }
}
