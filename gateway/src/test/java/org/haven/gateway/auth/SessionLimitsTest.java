package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.gateway.Haven;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.TestClock;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inbox sessions end when their person stops acting: what the page does by itself (the live update
 * stream, the refresh after an event, which anonymous chat users can cause at will) does not keep a
 * session alive, and no session outlives {@code HAVEN_SESSION_ABSOLUTE_TIMEOUT}. Administrative
 * actions need the passphrase entered within the last minutes, and its re-entry is counted like a
 * login. Real Haven, real PostgreSQL; the test clock stands in for waiting.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SessionLimitsTest {
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        haven =
                TestHaven.start(
                        dataDir,
                        Map.of(
                                "HAVEN_SESSION_ABSOLUTE_TIMEOUT",
                                "1h",
                                "HAVEN_SESSION_IDLE_TIMEOUT",
                                "30m"));
        TestHaven.setUpAdmin(haven);
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    /** Every login limit's window ends between tests. */
    @AfterEach
    void forget() {
        TestClock.SHARED.advance(Duration.ofMinutes(61));
    }

    private static void assertLoggedOut(InboxClient c) throws Exception {
        HttpResponse<String> r = c.get("/inbox");
        assertEquals(302, r.statusCode(), "the session is still alive");
        assertEquals("/inbox/login", r.headers().firstValue("Location").orElse(""));
    }

    /**
     * Verifies that a session whose person did nothing for longer than the idle timeout ends even
     * though its page followed the live updates: a case event arrived on its stream and the page
     * refreshed its list after it (both marked as the page's own doing).
     */
    @Test
    void testLiveUpdatesDoNotExtendTheIdleTimeout() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        assertEquals(200, admin.get("/inbox").statusCode());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream =
                admin.http()
                        .sendAsync(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + haven.port()
                                                                + "/inbox/events"))
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> stream.join().body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();

        TestClock.SHARED.advance(Duration.ofMinutes(20));
        IntakeDriver.completeIntake(haven.port(), "idle-" + UUID.randomUUID());
        String line;
        do {
            line = lines.poll(30, TimeUnit.SECONDS);
            assertTrue(line != null, "no case event on the stream");
        } while (!line.startsWith("event: case_new"));
        HttpResponse<String> refresh =
                admin.http()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + haven.port()
                                                                + "/inbox?partial=queue"))
                                        .header(SessionGuard.BACKGROUND, "1")
                                        .GET()
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, refresh.statusCode());

        TestClock.SHARED.advance(Duration.ofMinutes(15));
        assertLoggedOut(admin);
        stream.cancel(true);
    }

    /**
     * Verifies that a session its person keeps busy still ends at the absolute timeout (1h here).
     */
    @Test
    void testAbsoluteTimeoutEndsABusySession() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        for (int i = 0; i < 2; i++) {
            TestClock.SHARED.advance(Duration.ofMinutes(25));
            assertEquals(
                    200, admin.get("/inbox").statusCode(), "ended before the absolute timeout");
        }
        TestClock.SHARED.advance(Duration.ofMinutes(25));
        assertLoggedOut(admin);
    }

    /**
     * Verifies that an administrative action some minutes after the passphrase was entered goes to
     * re-enter it, that a wrong one is refused, and that the right one returns to where the action
     * was, after which the action goes through.
     */
    @Test
    void testAdministrativeActionNeedsAFreshPassphrase() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        TestClock.SHARED.advance(Reauthentication.FRESH.plusMinutes(1));
        String team = admin.get("/inbox/team").body();
        HttpResponse<String> stale =
                admin.postWithCsrf(team, "/inbox/team/retention", "days", "400");
        assertEquals(303, stale.statusCode());
        String reauth = stale.headers().firstValue("Location").orElse("");
        assertTrue(reauth.startsWith("/inbox/reauth?next="), reauth);
        String form = admin.get(reauth).body();
        assertTrue(form.contains("This action needs your passphrase"), form);

        assertEquals(
                403,
                admin.postWithCsrf(
                                form,
                                "/inbox/reauth",
                                "next",
                                "/inbox/team",
                                "passphrase",
                                "not it at all")
                        .statusCode());
        HttpResponse<String> proven =
                admin.postWithCsrf(
                        form,
                        "/inbox/reauth",
                        "next",
                        URLDecoder.decode(
                                reauth.substring(reauth.indexOf('=') + 1), StandardCharsets.UTF_8),
                        "passphrase",
                        TestHaven.ADMIN_PASSPHRASE);
        assertEquals(302, proven.statusCode());
        assertTrue(proven.headers().firstValue("Location").orElse("").startsWith("/inbox"));
        HttpResponse<String> done =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(), "/inbox/team/retention", "days", "400");
        assertEquals(200, done.statusCode());
        assertTrue(done.body().contains("Closed cases are now kept 400 days."), done.body());
    }

    /**
     * Verifies that passphrase re-entry is counted like a login: after 10 wrong ones even the right
     * passphrase is refused (429, {@code Retry-After}) until the window has passed.
     */
    @Test
    void testPassphraseReentryIsThrottledLikeLogin() throws Exception {
        InboxClient admin = TestHaven.loggedIn(haven);
        String form = admin.get("/inbox/reauth?next=/inbox/team").body();
        for (int i = 0; i < LoginThrottle.CLIENT_LIMIT; i++) {
            assertEquals(
                    403,
                    admin.postWithCsrf(
                                    form,
                                    "/inbox/reauth",
                                    "next",
                                    "/inbox/team",
                                    "passphrase",
                                    "guess " + i)
                            .statusCode());
        }
        HttpResponse<String> refused =
                admin.postWithCsrf(
                        form,
                        "/inbox/reauth",
                        "next",
                        "/inbox/team",
                        "passphrase",
                        TestHaven.ADMIN_PASSPHRASE);
        assertEquals(429, refused.statusCode());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        TestClock.SHARED.advance(LoginThrottle.CLIENT_WINDOW.plusMinutes(1));
        admin = TestHaven.loggedIn(haven);
        form = admin.get("/inbox/reauth?next=/inbox/team").body();
        assertEquals(
                302,
                admin.postWithCsrf(
                                form,
                                "/inbox/reauth",
                                "next",
                                "/inbox/team",
                                "passphrase",
                                TestHaven.ADMIN_PASSPHRASE)
                        .statusCode());
    }
}
