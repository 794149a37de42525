package org.haven.gateway.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A kept browser, started again, is as a fresh one would be: nothing a test left in it (cookies,
 * local and session storage of two origins, a script run on every page, a granted permission, an
 * extra tab, its window size) reaches the next test.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrowserReuseTest {
    private static final String PAGE =
            "<!doctype html><html lang=en><head><title>t</title></head><body><p>page</p></body></html>";

    private static HttpServer first;
    private static HttpServer second;

    @BeforeAll
    static void serve() throws Exception {
        first = server();
        second = server();
    }

    @AfterAll
    static void stop() {
        first.stop(0);
        second.stop(0);
    }

    @BeforeEach
    void needBrowser() {
        Browser.assumeAvailable();
    }

    /**
     * Verifies that a browser closed by one test and started by the next is the same Chromium, and
     * holds nothing the first test left in it.
     */
    @Test
    void testKeptBrowserHoldsNothingOfTheLastTest() throws Exception {
        String session;
        try (Browser b = Browser.start(390, 844, "fr-CA,fr")) {
            session = b.session();
            ChromeDriver d = (ChromeDriver) b.driver();
            d.executeCdpCommand(
                    "Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", "window.leftBehind = true;"));
            for (HttpServer s : List.of(first, second)) {
                d.get(origin(s) + "/");
                b.js(
                        "localStorage.setItem('k', 'v'); sessionStorage.setItem('k', 'v');"
                                + " document.cookie = 'c=v; max-age=3600; path=/';");
            }
            d.executeCdpCommand(
                    "Browser.grantPermissions",
                    Map.of("origin", origin(first), "permissions", List.of("clipboardReadWrite")));
            d.get(origin(first) + "/");
            assertEquals("granted", clipboardPermission(b));
            d.switchTo().newWindow(WindowType.TAB);
            d.get(origin(second) + "/");
        }
        try (Browser b = Browser.start(1280, 800, "fr-CA,fr")) {
            assertEquals(session, b.session(), "the browser was not kept");
            assertEquals(1, b.driver().getWindowHandles().size());
            for (HttpServer s : List.of(second, first)) {
                b.driver().get(origin(s) + "/");
                assertEquals(
                        List.of(false, 0L, 0L, ""),
                        b.js(
                                "return [window.leftBehind === true, localStorage.length,"
                                        + " sessionStorage.length, document.cookie];"),
                        origin(s));
            }
            assertEquals("prompt", clipboardPermission(b));
            assertEquals(1280L, b.js("return window.innerWidth"));
            assertEquals("fr-CA", b.js("return navigator.language"));
        }
        try (Browser other = Browser.start(390, 844, "en-US")) {
            assertNotEquals(session, other.session(), "a browser of another language was reused");
        }
    }

    private static String clipboardPermission(Browser b) {
        return (String)
                ((JavascriptExecutor) b.driver())
                        .executeAsyncScript(
                                "var done = arguments[arguments.length - 1];"
                                        + " navigator.permissions.query({name: 'clipboard-read'})"
                                        + ".then(function (p) { done(p.state); });");
    }

    private static String origin(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static HttpServer server() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext(
                "/",
                exchange -> {
                    byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        s.start();
        return s;
    }
}
