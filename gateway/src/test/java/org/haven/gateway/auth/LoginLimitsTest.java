package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.haven.gateway.Haven;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.TestClock;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login limits as a guesser meets them, behind a trusted proxy (every client's address comes from
 * {@code X-Forwarded-For}): guesses sent at once are all counted; one client's failures never stop
 * another's login, nor the account owner's own browser at the same address; a distributed guesser
 * gets a bounded number of guesses per account; every failure costs the same Argon2id work; past
 * the passphrase pool's queue a login is answered 503 with {@code Retry-After}, and the pool stays
 * bounded. Real Haven, real PostgreSQL, real Argon2id.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LoginLimitsTest {
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of("HAVEN_TRUSTED_PROXIES", "127.0.0.1"));
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /** Every window ends between tests: each starts with no counts. */
    @AfterEach
    void forget() {
        TestClock.SHARED.advance(LoginThrottle.ACCOUNT_WINDOW.plusMinutes(1));
    }

    private static InboxClient client(String address) {
        return new InboxClient(haven.port(), address);
    }

    private static String code() {
        return TestHaven.credentials(dataDir, TestHaven.ADMIN).nextCode();
    }

    /**
     * Sends {@code n} logins at the same instant, each from {@code address.apply(i)}; their
     * statuses.
     */
    private static List<HttpResponse<String>> atOnce(
            int n, IntFunction<String> address, IntFunction<String> username) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                sent.add(
                        pool.submit(
                                () -> {
                                    InboxClient c = client(address.apply(k));
                                    go.await();
                                    return c.login(
                                            username.apply(k),
                                            "a wrong guess at it " + k,
                                            "123456");
                                }));
            }
            go.countDown();
            List<HttpResponse<String>> out = new ArrayList<>();
            for (Future<HttpResponse<String>> f : sent) {
                out.add(f.get(2, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    /**
     * Verifies that 30 guesses sent at once from one client are all counted: at most 10 are checked
     * (401), the others refused before any work (429, with {@code Retry-After}: the client's limit,
     * or its share of the passphrase pool), and that with the guesses sent after them, one by one,
     * exactly 10 in all are checked.
     */
    @Test
    void testConcurrentGuessesFromOneClientAreAllCounted() throws Exception {
        List<HttpResponse<String>> answers = atOnce(30, i -> "203.0.113.7", i -> TestHaven.ADMIN);
        long checked = count(answers, 401);
        assertTrue(checked >= 1 && checked <= LoginThrottle.CLIENT_LIMIT, "checked: " + checked);
        assertEquals(30, checked + count(answers, 429), "other answers than 401 and 429");
        answers.stream()
                .filter(r -> r.statusCode() == 429)
                .forEach(
                        r ->
                                assertTrue(
                                        r.headers().firstValue("Retry-After").isPresent(),
                                        "429 without Retry-After"));
        long more = 0;
        while (client("203.0.113.7")
                        .login(TestHaven.ADMIN, "one more guess " + more, "123456")
                        .statusCode()
                == 401) {
            more++;
            assertTrue(
                    checked + more <= LoginThrottle.CLIENT_LIMIT, "checked: " + (checked + more));
        }
        assertEquals(LoginThrottle.CLIENT_LIMIT, checked + more, "guesses checked in all");
        assertEquals(
                429,
                client("203.0.113.7")
                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                        .statusCode(),
                "the guessing client is let in again at once");
    }

    /**
     * Verifies that a client that failed until it was refused stops nobody else: another client
     * logs in, and so does the account owner's browser at the guesser's own address (a shared
     * office or proxy address), which holds the device cookie of an earlier login.
     */
    @Test
    void testFailuresFromOneClientNeverStopAnotherClientsLogin() throws Exception {
        InboxClient owner = client("198.51.100.10");
        assertEquals(
                302, owner.login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code()).statusCode());
        InboxClient guesser = client("198.51.100.10");
        for (int i = 0; i < LoginThrottle.CLIENT_LIMIT; i++) {
            assertEquals(
                    401,
                    guesser.login(TestHaven.ADMIN, "guess number " + i, "123456").statusCode());
        }
        assertEquals(
                429,
                guesser.login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code()).statusCode());

        assertEquals(
                302,
                client("198.51.100.11")
                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                        .statusCode(),
                "another address is locked out");
        HttpResponse<String> back =
                owner.login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code());
        assertEquals(
                302,
                back.statusCode(),
                "the owner's browser at the guesser's address is locked out");
        assertEquals("/inbox", back.headers().firstValue("Location").orElse(""));
    }

    /**
     * Verifies that guesses at one account from many addresses, one each, stop at the per-account
     * bound (the rest refused unchecked), that a new browser is then held back too, and that the
     * owner's browser that logged in before (its device cookie) still gets in.
     */
    @Test
    void testDistributedGuessesPerAccountAreBounded() throws Exception {
        InboxClient owner = client("192.0.2.200");
        assertEquals(
                302, owner.login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code()).statusCode());
        int checked = 0;
        int refused = 0;
        for (int i = 0; i < LoginThrottle.ACCOUNT_LIMIT + 10; i++) {
            int status =
                    client("192.0.2." + (i + 1))
                            .login(TestHaven.ADMIN, "distributed guess " + i, "123456")
                            .statusCode();
            if (status == 401) {
                checked++;
            } else if (status == 429) {
                refused++;
            }
        }
        assertEquals(LoginThrottle.ACCOUNT_LIMIT, checked, "guesses checked per account per hour");
        assertEquals(10, refused);
        assertEquals(
                429,
                client("192.0.2.250")
                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                        .statusCode());
        assertEquals(
                302,
                owner.login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code()).statusCode(),
                "the owner's own browser is locked out by others' guesses");
    }

    /**
     * Verifies that a wrong passphrase, an unknown username and a right passphrase with a wrong
     * code (a TOTP code, or a recovery code) each cost exactly one Argon2id run, so their answer
     * times do not tell a right passphrase; a full login costs two (passphrase, then personal key).
     */
    @Test
    void testEveryFailedLoginDoesTheSameWork() throws Exception {
        PassphraseWork work = PassphraseWork.of(haven.vertx());
        String[][] failures = {
            {TestHaven.ADMIN, "not the passphrase at all", "123456"},
            {"nobody-by-this-name", "not the passphrase at all", "123456"},
            {TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, "000000"},
            {TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, "aaaa-bbbb-cccc-dddd"},
        };
        for (int i = 0; i < failures.length; i++) {
            long before = work.argon2Runs();
            HttpResponse<String> r =
                    client("203.0.113." + (50 + i))
                            .login(failures[i][0], failures[i][1], failures[i][2]);
            assertEquals(401, r.statusCode(), "case " + i);
            assertEquals(1, work.argon2Runs() - before, "Argon2id runs for failure case " + i);
        }
        long before = work.argon2Runs();
        assertEquals(
                302,
                client("203.0.113.60")
                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                        .statusCode());
        assertEquals(2, work.argon2Runs() - before, "Argon2id runs for a login");
    }

    /**
     * Verifies that 60 logins at once from 60 addresses are not all queued: those past the
     * passphrase pool's queue are answered 503 at once with {@code Retry-After} and a short page,
     * no more tasks ever wait than the pool's threads and queue, and the pool has no more threads
     * than its size; afterwards a real login goes through.
     */
    @Test
    void testPastTheQueueLimitLoginsAre503AndThePoolIsBounded() throws Exception {
        PassphraseWork work = PassphraseWork.of(haven.vertx());
        List<HttpResponse<String>> answers =
                atOnce(60, i -> "100.64.0." + (i + 1), i -> "ghost-" + i);
        long busy = count(answers, 503);
        assertTrue(
                busy > 0,
                "none was turned away: " + answers.stream().map(HttpResponse::statusCode).toList());
        assertEquals(
                60,
                busy + count(answers, 401),
                "answers: " + answers.stream().map(HttpResponse::statusCode).toList());
        for (HttpResponse<String> r : answers) {
            if (r.statusCode() == 503) {
                assertEquals(
                        String.valueOf(LoginLimits.BUSY_RETRY_SECONDS),
                        r.headers().firstValue("Retry-After").orElse(""));
                assertTrue(r.body().contains("Haven is busy checking other logins."), r.body());
            }
        }
        assertTrue(work.peak() <= PassphraseWork.size() + work.queueLimit(), "peak " + work.peak());
        assertTrue(
                work.threads() <= PassphraseWork.maxThreads(),
                "passphrase threads: " + work.threads());
        assertEquals(
                302,
                client("100.64.1.1")
                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                        .statusCode());
    }

    /**
     * Verifies that a client that keeps sending logins after it was refused is answered once a
     * second: its first refusal comes at once, every further one after {@link RefusalPace#DELAY},
     * so a script sending without pause on one connection gets a handful of answers in 3 s (it got
     * thousands before), and another client's correct login meanwhile goes through.
     */
    @Test
    void testAClientRefusedAgainAndAgainIsAnsweredOnceASecond() throws Exception {
        InboxClient flooder = client("203.0.113.99");
        for (int i = 0; i < LoginThrottle.CLIENT_LIMIT; i++) {
            assertEquals(
                    401, flooder.login(TestHaven.ADMIN, "flood guess " + i, "123456").statusCode());
        }
        long t0 = System.nanoTime();
        assertEquals(429, flooder.login(TestHaven.ADMIN, "flood guess", "123456").statusCode());
        assertTrue(
                System.nanoTime() - t0 < RefusalPace.DELAY.toNanos(), "the first refusal was held");

        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> real =
                    other.submit(
                            () -> {
                                Thread.sleep(1000);
                                return client("203.0.113.98")
                                        .login(TestHaven.ADMIN, TestHaven.ADMIN_PASSPHRASE, code())
                                        .statusCode();
                            });
            int answers = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
                long sent = System.nanoTime();
                HttpResponse<String> r =
                        flooder.login(TestHaven.ADMIN, "flood guess " + answers, "123456");
                assertEquals(429, r.statusCode());
                assertTrue(
                        r.headers().firstValue("Retry-After").isPresent(),
                        "429 without Retry-After");
                assertTrue(
                        System.nanoTime() - sent >= RefusalPace.DELAY.toNanos(),
                        "a repeated refusal came at once");
                answers++;
            }
            assertTrue(answers <= 4, "answers in 3 s: " + answers);
            assertEquals(302, real.get(1, TimeUnit.MINUTES), "another client's login");
        } finally {
            other.shutdownNow();
        }
    }

    /**
     * Verifies that the answers held for one client are bounded: of 40 refused logins sent at once
     * by a client refused before, at most {@link RefusalPace#HELD_PER_CLIENT} wait; the others are
     * answered at once and their connections closed ({@code Connection: close}); all are 429.
     */
    @Test
    void testHeldRefusalsPerClientAreBounded() throws Exception {
        String address = "203.0.113.97";
        for (int i = 0; i < LoginThrottle.CLIENT_LIMIT; i++) {
            assertEquals(
                    401,
                    client(address)
                            .login(TestHaven.ADMIN, "bounded guess " + i, "123456")
                            .statusCode());
        }
        assertEquals(
                429,
                client(address).login(TestHaven.ADMIN, "bounded guess", "123456").statusCode());
        List<HttpResponse<String>> answers = atOnce(40, i -> address, i -> TestHaven.ADMIN);
        assertEquals(
                40,
                count(answers, 429),
                "answers: " + answers.stream().map(HttpResponse::statusCode).toList());
        long closed =
                answers.stream()
                        .filter(
                                r ->
                                        r.headers()
                                                .firstValue("Connection")
                                                .orElse("")
                                                .equalsIgnoreCase("close"))
                        .count();
        assertTrue(
                closed >= 1 && closed <= 40 - RefusalPace.HELD_PER_CLIENT,
                "answered at once and closed: " + closed);
    }
}
