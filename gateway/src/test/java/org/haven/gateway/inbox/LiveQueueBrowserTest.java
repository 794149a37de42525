package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.InboxPage;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The live queue in a real browser, when cases arrive faster than the list refreshes. */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class LiveQueueBrowserTest {
    private static final String LINK = "table.queue a[href^='/inbox/cases/']";
    private static final String MESSAGE = "li.entry.message_in";
    private static final int TRIALS = 50;

    /** The first questions, and then "Talk to a person": a case. */
    private static final List<String> ASK_FOR_A_PERSON =
            List.of("yes", "en", "survivor", "no", "HUMAN");

    /**
     * Verifies that a case which arrives while the list is being refreshed for another still
     * appears without a reload: the page's refresh is slowed (its answer held 1.5 s after the
     * server gave it) so that the second case's event always lands during the first refresh, as it
     * did by chance for 7 of 36 pairs of cases arriving together.
     */
    @Test
    void testCaseArrivingDuringARefreshStillAppears(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                Browser browser = Browser.start(1280, 900)) {
            TestHaven.setUpAdmin(haven);
            WebDriver d =
                    InboxPage.logInAsAdmin(browser, "http://127.0.0.1:" + haven.port(), dataDir);

            // a first case shows that the page listens
            IntakeDriver.completeIntake(haven.port(), "first-" + UUID.randomUUID());
            browser.await(
                    "the first case live", w -> w.findElements(By.cssSelector(LINK)).size() == 1);

            // from now on each refresh's answer is held 1.5 s after it arrived
            browser.js(
                    "const real = window.fetch; window.fetch = (u, o) => real(u, o).then(r =>"
                            + " new Promise(done => setTimeout(() => done(r), 1500)));");
            try (ChatClient a = ChatClient.connect(haven.port());
                    ChatClient b = ChatClient.connect(haven.port())) {
                List<String> answersA = IntakeDriver.survivorAnswers("second-" + UUID.randomUUID());
                List<String> answersB = IntakeDriver.survivorAnswers("third-" + UUID.randomUUID());
                IntakeDriver.run(a, answersA.subList(0, answersA.size() - 1));
                IntakeDriver.run(b, answersB.subList(0, answersB.size() - 1));
                a.untilAck(a.say(answersA.get(answersA.size() - 1)));
                Thread.sleep(300); // the first refresh is under way, its answer held
                b.untilAck(b.say(answersB.get(answersB.size() - 1)));
            }
            browser.await(
                    "both new cases live", w -> w.findElements(By.cssSelector(LINK)).size() == 3);
            assertEquals(3, d.findElements(By.cssSelector(LINK)).size());
        }
    }

    /**
     * Verifies, over 50 trials, that when 2 to 10 cases arrive within 50 ms of each other every one
     * of them appears on the open queue without a reload. Each trial's people answer the first
     * questions side by side, and then ask for a person together (a case at once, as at the end of
     * the intake, for a quarter of the messages). Prints the number of cases, the widest spread of
     * a trial's last answers and the slowest appearance.
     */
    @Test
    void testNoCaseIsMissedWhenSeveralArriveTogether(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        ExecutorService people = Executors.newFixedThreadPool(10);
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                Browser browser = Browser.start(1280, 900)) {
            TestHaven.setUpAdmin(haven);
            WebDriver d =
                    InboxPage.logInAsAdmin(browser, "http://127.0.0.1:" + haven.port(), dataDir);
            int expected = 0;
            long widest = 0;
            long slowest = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                int together = 2 + trial % 9;
                List<ChatClient> chats = new ArrayList<>();
                try {
                    List<Future<List<String>>> ready = new ArrayList<>();
                    for (int i = 0; i < together; i++) {
                        ChatClient chat = ChatClient.connect(haven.port());
                        chats.add(chat);
                        List<String> answers = ASK_FOR_A_PERSON;
                        ready.add(
                                people.submit(
                                        () -> {
                                            IntakeDriver.run(
                                                    chat, answers.subList(0, answers.size() - 1));
                                            return answers;
                                        }));
                    }
                    List<List<String>> answers = new ArrayList<>();
                    for (Future<List<String>> f : ready) {
                        answers.add(f.get(60, TimeUnit.SECONDS));
                    }
                    // the last answers, one right after another, from one thread
                    List<String> ids = new ArrayList<>();
                    long first = System.nanoTime();
                    for (int i = 0; i < together; i++) {
                        List<String> a = answers.get(i);
                        ids.add(chats.get(i).say(a.get(a.size() - 1)));
                    }
                    long last = System.nanoTime();
                    for (int i = 0; i < together; i++) {
                        chats.get(i).untilAck(ids.get(i));
                    }
                    widest = Math.max(widest, TimeUnit.NANOSECONDS.toMillis(last - first));
                    expected += together;
                    int want = expected;
                    int t = trial;
                    browser.await(
                            "trial " + t + ": " + want + " cases live",
                            w -> w.findElements(By.cssSelector(LINK)).size() == want);
                    slowest =
                            Math.max(
                                    slowest,
                                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last));
                } finally {
                    chats.forEach(ChatClient::close);
                }
            }
            assertEquals(expected, d.findElements(By.cssSelector(LINK)).size());
            assertTrue(
                    widest < 50,
                    "a trial's cases arrived " + widest + " ms apart, not within 50 ms");
            System.out.println(
                    "live-queue: "
                            + TRIALS
                            + " trials, "
                            + expected
                            + " cases in groups of 2-10, none missed;"
                            + " widest spread "
                            + widest
                            + " ms, slowest to appear "
                            + slowest
                            + " ms after its group's last answer");
        } finally {
            people.shutdownNow();
        }
    }

    /**
     * Verifies, over 50 trials, that when the person sends 2 to 10 messages within 50 ms, every one
     * appears on the coordinator's open case page without a reload. Prints the number of messages
     * and the slowest appearance.
     */
    @Test
    void testNoMessageIsMissedOnAnOpenCasePage(@TempDir Path dataDir) throws Exception {
        Browser.assumeAvailable();
        try (Haven haven = TestHaven.start(dataDir, Map.of());
                Browser browser = Browser.start(1280, 900)) {
            TestHaven.setUpAdmin(haven);
            WebDriver d =
                    InboxPage.logInAsAdmin(browser, "http://127.0.0.1:" + haven.port(), dataDir);
            String resume =
                    IntakeDriver.completeIntake(haven.port(), "page-" + UUID.randomUUID())
                            .resumeToken();
            WebElement link =
                    browser.await(
                            "the case live",
                            w ->
                                    w.findElements(By.cssSelector(LINK)).stream()
                                            .findFirst()
                                            .orElse(null));
            d.get(link.getAttribute("href"));
            browser.await(
                    "the case page",
                    w -> !w.findElements(By.cssSelector("[data-live=conversation]")).isEmpty());
            int expected = d.findElements(By.cssSelector(MESSAGE)).size();
            long widest = 0;
            long slowest = 0;
            for (int trial = 0; trial < TRIALS; trial++) {
                int together = 2 + trial % 9;
                // a socket of its own each trial: one socket may send 30 frames in 10 s
                try (ChatClient chat = ChatClient.connect(haven.port())) {
                    chat.start(resume);
                    resume = chat.nextOfType("session").getString("resume");
                    chat.sync();
                    List<String> ids = new ArrayList<>();
                    long first = System.nanoTime();
                    for (int i = 0; i < together; i++) {
                        ids.add(
                                chat.say(
                                        "trial "
                                                + trial
                                                + " message "
                                                + i
                                                + " "
                                                + UUID.randomUUID()));
                    }
                    long last = System.nanoTime();
                    for (String id : ids) {
                        chat.untilAck(id);
                    }
                    widest = Math.max(widest, TimeUnit.NANOSECONDS.toMillis(last - first));
                    expected += together;
                    int want = expected;
                    int t = trial;
                    browser.await(
                            "trial " + t + ": " + want + " messages live",
                            w -> w.findElements(By.cssSelector(MESSAGE)).size() == want);
                    slowest =
                            Math.max(
                                    slowest,
                                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last));
                }
            }
            assertTrue(
                    widest < 50,
                    "a trial's messages were sent " + widest + " ms apart, not within 50 ms");
            System.out.println(
                    "live-case-page: "
                            + TRIALS
                            + " trials, "
                            + expected
                            + " messages in groups of 2-10, none missed;"
                            + " widest spread "
                            + widest
                            + " ms, slowest to appear "
                            + slowest
                            + " ms after its group's last message");
        }
    }
}
