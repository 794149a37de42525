package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/** The live queue in a real browser, when cases arrive faster than the list refreshes. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LiveQueueBrowserTest {
    private static final String LINK = "table.queue a[href^='/inbox/cases/']";

    /**
     * Verifies that a case which arrives while the list is being refreshed for another still
     * appears without a reload: the page's refresh is slowed (its answer held 1.5 s after the
     * server gave it) so that the second case's event always lands during the first refresh, as
     * it did by chance for 7 of 36 pairs of cases arriving together.
     */
    @Test
    void testCaseArrivingDuringARefreshStillAppears(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        try (Haven haven = TestHaven.start(dataDir, Map.of()); Browser browser = Browser.start(1280, 900)) {
            String base = "http://127.0.0.1:" + haven.port();
            TestHaven.setUpAdmin(haven);
            WebDriver d = browser.driver();
            d.get(base + "/inbox/login");
            d.findElement(By.id("username")).sendKeys(TestHaven.ADMIN);
            d.findElement(By.id("passphrase")).sendKeys(TestHaven.ADMIN_PASSPHRASE);
            d.findElement(By.id("code")).sendKeys(TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode());
            d.findElement(By.cssSelector("main form button[type=submit]")).click();
            browser.await("the queue", w -> w.getCurrentUrl().equals(base + "/inbox"));

            // a first case shows that the page listens
            IntakeDriver.completeIntake(haven.port(), "first-" + UUID.randomUUID());
            browser.await("the first case live", w -> w.findElements(By.cssSelector(LINK)).size() == 1);

            // from now on each refresh's answer is held 1.5 s after it arrived
            browser.js("const real = window.fetch; window.fetch = (u, o) => real(u, o).then(r =>"
                    + " new Promise(done => setTimeout(() => done(r), 1500)));");
            try (ChatClient a = ChatClient.connect(haven.port()); ChatClient b = ChatClient.connect(haven.port())) {
                List<String> answersA = IntakeDriver.survivorAnswers("second-" + UUID.randomUUID());
                List<String> answersB = IntakeDriver.survivorAnswers("third-" + UUID.randomUUID());
                IntakeDriver.run(a, answersA.subList(0, answersA.size() - 1));
                IntakeDriver.run(b, answersB.subList(0, answersB.size() - 1));
                a.untilAck(a.say(answersA.get(answersA.size() - 1)));
                Thread.sleep(300);   // the first refresh is under way, its answer held
                b.untilAck(b.say(answersB.get(answersB.size() - 1)));
            }
            browser.await("both new cases live", w -> w.findElements(By.cssSelector(LINK)).size() == 3);
            assertEquals(3, d.findElements(By.cssSelector(LINK)).size());
        }
    }
}
