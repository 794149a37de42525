package org.haven.gateway.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Debian Chromium driven over WebDriver, for tests of the real pages: start and quit,
 * screenshots to {@code gateway/target/screenshots/<name>.png}, and axe-core accessibility checks.
 *
 * <p>Only the system's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} are used, named
 * explicitly so that Selenium Manager never looks for (or downloads) a browser or driver. Where
 * they are missing, {@link #start} skips the calling test class with a message saying what to
 * install.
 *
 * <p>axe-core is the npm package as repackaged by WebJars ({@code org.webjars.npm:axe-core}), read
 * from the test classpath and injected with {@code executeScript}, which the pages' CSP does not
 * govern. {@code -Dhaven.axe=path/to/axe.min.js} runs another axe-core build instead (e.g. a newer
 * one from {@code npm install axe-core}).
 *
 * <p>A closed browser is kept for the next {@link #start} of the same language in this JVM (at most
 * {@link #IDLE_MAX} are kept), which gets it as a fresh one would be: one new tab (the others
 * closed with their scripts, history and session storage), no cookies, no stored data of any
 * origin, no cache and no granted permissions. Starting Chromium was a third of a browser test's
 * time.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /**
     * WCAG 2.0, 2.1 and 2.2, levels A and AA (the bundled axe-core predates 2.2 rules; a newer one
     * runs them).
     */
    private static final List<String> AXE_TAGS =
            List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa");

    private static final String AXE_WEBJAR =
            "META-INF/maven/org.webjars.npm/axe-core/pom.properties";

    private static String axeSource;

    /** Browsers kept for reuse ({@link #close}), most recently closed first. */
    private static final Deque<Browser> IDLE = new ArrayDeque<>();

    /** How many closed browsers a JVM keeps: tests use one or two at a time. */
    static final int IDLE_MAX = 3;

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    synchronized (IDLE) {
                                        IDLE.forEach(Browser::quit);
                                        IDLE.clear();
                                    }
                                }));
    }

    private final ChromeDriver driver;
    private final Path profile;
    private final String language;

    private Browser(ChromeDriver driver, Path profile, String language) {
        this.driver = driver;
        this.profile = profile;
        this.language = language;
    }

    /** Whether Chromium and ChromeDriver are installed where the tests look for them. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * Skips the calling test, with the reason, when {@link #available} is false. Call it from
     * {@code @BeforeEach} too: Surefire counts a test skipped there, while it reports a class
     * skipped in {@code @BeforeAll} as zero tests run and no message.
     */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(
                available(),
                "browser test skipped: "
                        + CHROMIUM
                        + " or "
                        + CHROMEDRIVER
                        + " is missing (Debian: apt-get install chromium chromium-driver; .ci/run does this)");
    }

    /**
     * Starts a headless browser with a fresh profile (or one kept and cleared, see the class's doc)
     * and a window of the given size in CSS pixels; skips the caller (a JUnit assumption) when
     * Chromium or ChromeDriver is not installed.
     */
    public static Browser start(int width, int height) throws IOException {
        return start(width, height, "en-US");
    }

    /**
     * Like {@link #start(int, int)}, with the browser's languages ({@code navigator.languages},
     * Accept-Language) set to {@code language}, e.g. {@code "ar"} or {@code "fr-CA,fr"}: the first
     * is the interface language ({@code --lang}), the list the {@code intl.accept_languages}
     * preference, which headless Chromium reads from the profile.
     */
    public static Browser start(int width, int height, String language) throws IOException {
        assumeAvailable();
        Browser browser = kept(language);
        if (browser == null) {
            browser = launch(width, height, language);
        }
        browser.resize(width, height);
        return browser;
    }

    /** A kept browser of {@code language}, cleared; null if none is kept or clearing failed. */
    private static Browser kept(String language) {
        while (true) {
            Browser b;
            synchronized (IDLE) {
                b = IDLE.stream().filter(k -> k.language.equals(language)).findFirst().orElse(null);
                if (b == null) {
                    return null;
                }
                IDLE.remove(b);
            }
            try {
                b.clear();
                return b;
            } catch (RuntimeException e) {
                b.quit(); // an alert left open, a crashed tab: start another
            }
        }
    }

    /** Leaves nothing of the last test: see the class's doc. */
    private void clear() {
        String fresh = driver.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        for (String handle : driver.getWindowHandles()) {
            if (!handle.equals(fresh)) {
                driver.switchTo().window(handle).close();
            }
        }
        driver.switchTo().window(fresh);
        driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver.executeCdpCommand("Network.clearBrowserCache", Map.of());
        driver.executeCdpCommand("Browser.resetPermissions", Map.of());
        driver.executeCdpCommand(
                "Storage.clearDataForOrigin", Map.of("origin", "*", "storageTypes", "all"));
        driver.manage().timeouts().implicitlyWait(Duration.ZERO);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofMinutes(5));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    private static Browser launch(int width, int height, String language) throws IOException {
        // Selenium's warning that it has no DevTools classes for this Chromium version is noise
        // here
        Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        Path profile = Files.createTempDirectory("haven-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--lang=" + language.split(",")[0],
                "--hide-scrollbars",
                // tests leave for https://exit.invalid/: fail at once, without asking a DNS server
                "--host-resolver-rules=MAP *.invalid ~NOTFOUND",
                "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build();
        ChromeDriver driver;
        try {
            driver = new ChromeDriver(service, options);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return new Browser(driver, profile, language);
    }

    /** The WebDriver session: the same for a browser kept and started again. */
    String session() {
        return driver.getSessionId().toString();
    }

    public WebDriver driver() {
        return driver;
    }

    /** Sets the viewport (not the window) to {@code width} x {@code height} CSS pixels. */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        Long innerW = (Long) js("return window.innerWidth");
        Long innerH = (Long) js("return window.innerHeight");
        if (innerW != width || innerH != height) {
            driver.manage()
                    .window()
                    .setSize(
                            new Dimension(
                                    2 * width - innerW.intValue(), 2 * height - innerH.intValue()));
        }
    }

    /** Runs a script in the page and returns its result. */
    public Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Waits for {@code condition} to return a non-null, non-false value; up to 20 s, as logins
     * (Argon2id) on a busy two-core CI machine can be slow.
     */
    public <T> T await(String what, Function<WebDriver, T> condition) {
        // Live updates replace parts of the page while a condition reads them: a stale element just
        // means "look again". Chromium sometimes reports the same race as an "unknown error" whose
        // message says the node "does not belong to the document", and a refresh the condition asks
        // for while the live page reloads itself fails "aborted by navigation": both mean "look
        // again" too.
        return new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50))
                .ignoring(StaleElementReferenceException.class)
                .withMessage("waiting for " + what)
                .until(
                        w -> {
                            try {
                                return condition.apply(w);
                            } catch (WebDriverException e) {
                                if (raceWithThePage(e)) {
                                    return null;
                                }
                                throw e;
                            }
                        });
    }

    private static boolean raceWithThePage(WebDriverException e) {
        String message = e.getMessage();
        return message != null
                && (message.contains("does not belong to the document")
                        || message.contains("aborted by navigation"));
    }

    /**
     * Fails, naming the elements of {@code main} that stick out, if the page scrolls sideways. It
     * measures once the page has loaded: a live page that reloads itself can be caught mid-load,
     * laid out before its stylesheet.
     */
    public void assertNoSideScroll(String what) {
        Object found =
                await(
                        "a loaded page to measure: " + what,
                        w ->
                                js(
                                        "if (document.readyState !== 'complete') { return null; }"
                                                + " var root = document.documentElement, w = root.clientWidth;"
                                                + " var out = Array.prototype.filter.call(document.querySelectorAll('main *'),"
                                                + " function (e) { return e.getBoundingClientRect().right > w + 1; })"
                                                + ".map(function (e) { return e.tagName + '#' + e.id + '.' + e.className"
                                                + " + ' ' + Math.round(e.getBoundingClientRect().right); });"
                                                + " return [root.scrollWidth - w, w, out.join(', ')];"));
        List<?> r = (List<?>) found;
        if (((Number) r.get(0)).longValue() > 0) {
            throw new AssertionError(
                    what
                            + " scrolls sideways by "
                            + r.get(0)
                            + " px at a width of "
                            + r.get(1)
                            + ": "
                            + r.get(2));
        }
    }

    /** Saves the viewport as {@code gateway/target/screenshots/<name>.png} and returns the file. */
    public Path screenshot(String name) throws IOException {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", "screenshots");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        return file;
    }

    /**
     * Runs axe-core's WCAG 2 A and AA rules on the current page and fails, listing each violation's
     * id, impact and nodes, if there is any.
     */
    public void assertNoAxeViolations(String page) {
        assertNone(page, axeViolations(AXE_TAGS));
    }

    /**
     * Like {@link #assertNoAxeViolations}, with axe-core's experimental rules too, such as
     * label-content-name-mismatch (a control's accessible name must hold its visible text), which
     * axe tags {@code wcag21a} but runs only when asked.
     */
    public void assertNoAxeViolationsAlsoExperimental(String page) {
        List<String> tags = new ArrayList<>(AXE_TAGS);
        tags.add("experimental");
        assertNone(page, axeViolations(tags));
    }

    private static void assertNone(String page, JsonArray violations) {
        if (violations.isEmpty()) {
            return;
        }
        StringBuilder report =
                new StringBuilder(
                        "axe found " + violations.size() + " violation(s) on " + page + ":");
        for (Object o : violations) {
            JsonObject v = (JsonObject) o;
            report.append("\n- ")
                    .append(v.getString("id"))
                    .append(" (")
                    .append(v.getString("impact"))
                    .append("): ")
                    .append(v.getString("help"));
            for (Object n : v.getJsonArray("nodes", new JsonArray())) {
                JsonObject node = (JsonObject) n;
                report.append("\n    ")
                        .append(node.getJsonArray("target"))
                        .append(' ')
                        .append(node.getString("html"));
                String summary = node.getString("failureSummary");
                if (summary != null) {
                    report.append("\n      ").append(summary.replace("\n", "\n      "));
                }
            }
        }
        throw new AssertionError(report.toString());
    }

    /** axe-core's violations (WCAG 2 A and AA) on the current page, as axe reports them. */
    public JsonArray axeViolations() {
        return axeViolations(AXE_TAGS);
    }

    private JsonArray axeViolations(List<String> tags) {
        if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
            js(axeSource());
        }
        Object result =
                ((JavascriptExecutor) driver)
                        .executeAsyncScript(
                                "var done = arguments[arguments.length - 1];"
                                        + "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
                                        + ".then(function (r) { done(JSON.stringify(r.violations)); },"
                                        + " function (e) { done('axe failed: ' + e); });",
                                tags);
        String json = String.valueOf(result);
        if (!json.startsWith("[")) {
            throw new AssertionError(json);
        }
        return new JsonArray(json);
    }

    private static synchronized String axeSource() {
        String override = System.getProperty("haven.axe");
        if (axeSource == null && override != null) {
            try {
                axeSource = Files.readString(Path.of(override));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (axeSource == null) {
            ClassLoader loader = Browser.class.getClassLoader();
            Properties webjar = new Properties();
            try (InputStream in = loader.getResourceAsStream(AXE_WEBJAR)) {
                if (in == null) {
                    throw new AssertionError(
                            "axe-core is not on the test classpath (" + AXE_WEBJAR + ")");
                }
                webjar.load(in);
                String path =
                        "META-INF/resources/webjars/axe-core/"
                                + webjar.getProperty("version")
                                + "/axe.min.js";
                try (InputStream js = loader.getResourceAsStream(path)) {
                    if (js == null) {
                        throw new AssertionError("no " + path + " on the test classpath");
                    }
                    axeSource = new String(js.readAllBytes(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return axeSource;
    }

    /**
     * Keeps the browser for the next {@link #start} of its language; quits the least recently
     * closed one beyond {@link #IDLE_MAX}.
     */
    @Override
    public void close() {
        Browser evicted = null;
        synchronized (IDLE) {
            if (!IDLE.contains(this)) {
                IDLE.addFirst(this);
            }
            if (IDLE.size() > IDLE_MAX) {
                evicted = IDLE.removeLast();
            }
        }
        if (evicted != null) {
            evicted.quit();
        }
    }

    /** Quits the browser and deletes its profile. */
    private void quit() {
        try {
            driver.quit();
        } catch (WebDriverException e) {
            // its driver is gone already
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
