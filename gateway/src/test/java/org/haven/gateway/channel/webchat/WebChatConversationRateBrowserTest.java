package org.haven.gateway.channel.webchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.support.Browser;
import org.haven.gateway.support.TestHaven;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The chat page when its network opened too many conversations (issue 18): it says so in the
 * person's language, and a page that resumes its conversation is not held back. A gateway that lets
 * one client open one conversation a minute, and a browser in French.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WebChatConversationRateBrowserTest {
    @TempDir static Path dataDir;
    private static Haven haven;

    @BeforeAll
    static void start() throws Exception {
        if (!Browser.available()) {
            return; // the test is skipped, with the reason, before it starts
        }
        haven =
                TestHaven.start(
                        dataDir, Map.of("HAVEN_WEBCHAT_CONVERSATIONS_PER_MINUTE_PER_CLIENT", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (haven != null) {
            haven.close();
        }
    }

    /**
     * Verifies that a page whose conversation was not opened (the rate was reached) shows the
     * page's own word for it in French, with no question; and that reloading a page that has a
     * conversation resumes it.
     */
    @Test
    void testRefusedNewConversationIsExplainedInThePersonsLanguage() throws Exception {
        Browser.assumeAvailable();
        String expected = words().getJsonObject("fr").getString("tooMany");
        try (Browser b = Browser.start(360, 740, "fr-CA,fr")) {
            b.driver().get("http://127.0.0.1:" + haven.port() + "/chat");
            b.await(
                    "the first question",
                    d -> !d.findElements(By.cssSelector(".msg.bot")).isEmpty());
            b.driver().navigate().refresh();
            b.await(
                    "the conversation resumed",
                    d -> !d.findElements(By.cssSelector(".msg.bot")).isEmpty());

            b.js("sessionStorage.clear()"); // as a new tab would be: no conversation to resume
            b.driver().navigate().refresh();
            b.await(
                    "the refusal",
                    d -> expected.equals(d.findElement(By.id("status")).getText().strip()));
            assertEquals(
                    0,
                    b.driver().findElements(By.cssSelector(".msg.bot")).size(),
                    "a question without a conversation");
            assertEquals("fr", b.js("return document.documentElement.lang"));
            b.assertNoAxeViolations("/chat, too many conversations");
        }
    }

    /** The page's words as the gateway serves them (from the script in use). */
    private static JsonObject words() throws Exception {
        HttpResponse<String> r =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        "http://127.0.0.1:"
                                                                + haven.port()
                                                                + "/chat/words.js"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        String js = r.body();
        JsonObject words = new JsonObject(js.substring(js.indexOf('{'), js.lastIndexOf('}') + 1));
        assertTrue(words.containsKey("fr"));
        return words;
    }
}
