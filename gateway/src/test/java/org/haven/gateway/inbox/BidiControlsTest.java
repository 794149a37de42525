package org.haven.gateway.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.gateway.Haven;
import org.haven.gateway.support.ChatClient;
import org.haven.gateway.support.Gpg;
import org.haven.gateway.support.InboxClient;
import org.haven.gateway.support.IntakeDriver;
import org.haven.gateway.support.LawyerExport;
import org.haven.gateway.support.TestHaven;
import org.haven.gateway.web.BidiControls;
import org.haven.gateway.web.Html;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bidirectional control characters in what a survivor wrote, as a coordinator and a lawyer see
 * them: a real case whose answer and later message hold a right-to-left override (U+202E), which
 * would show "…fdp.exe" reversed as "…exe.pdf". Every view shows it as {@code [U+202E]}; what is
 * stored is unchanged (a search for the raw text still finds the case).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BidiControlsTest {
    private static final String PASS = "a long enough passphrase";
    @TempDir static Path dataDir;
    @TempDir Path gpgDir;
    private static Haven haven;
    private static InboxClient cora;
    private static String id;
    private static String path;

    @BeforeAll
    static void start() throws Exception {
        haven = TestHaven.start(dataDir, Map.of());
        TestHaven.setUpAdmin(haven);
        InboxClient admin = TestHaven.loggedIn(haven);
        HttpResponse<String> created =
                admin.postWithCsrf(
                        admin.get("/inbox/team").body(),
                        "/inbox/team/accounts",
                        "username",
                        "cora",
                        "role",
                        "coordinator",
                        "passphrase",
                        PASS,
                        "confirm",
                        PASS,
                        "agency",
                        "",
                        "group",
                        "toronto");
        assertTrue(created.body().contains("Account cora created"), created.body());
        TestHaven.enrol(haven.port(), dataDir, "cora", PASS);
        cora = TestHaven.loggedIn(haven.port(), dataDir, "cora");
        id = "bidi" + UUID.randomUUID().toString().replace("-", "");
        try (ChatClient chat = ChatClient.connect(haven.port())) {
            IntakeDriver.run(chat, IntakeDriver.survivorAnswers(id + " invoice\u202Efdp.exe"));
            chat.untilAck(chat.say("later " + id + " \u2067isolated\u2069 \u200Fmark"));
        }
        Matcher m =
                Pattern.compile("href=\"(/inbox/cases/[0-9a-f-]{36})\"").matcher(queue("new", id));
        assertTrue(m.find(), "case not found by text search");
        path = m.group(1);
        cora.postWithCsrf(cora.get(path).body(), path + "/claim");
    }

    @AfterAll
    static void stop() throws Exception {
        haven.close();
    }

    private static String queue(String queue, String q) throws Exception {
        return cora.get(
                        "/inbox?queue="
                                + queue
                                + "&q="
                                + URLEncoder.encode(q, StandardCharsets.UTF_8))
                .body();
    }

    /**
     * Verifies that every listed control is written as [U+XXXX], and that other text, right-to-left
     * letters included, is kept.
     */
    @Test
    void testEachControlIsShownByItsCodePoint() {
        String controls =
                "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C";
        assertEquals(
                "[U+202A][U+202B][U+202C][U+202D][U+202E][U+2066][U+2067][U+2068][U+2069][U+200E][U+200F][U+061C]",
                BidiControls.show(controls));
        assertEquals("مرحبا שלום \u200C text", BidiControls.show("مرحبا שלום \u200C text"));
        assertEquals("a[U+202E]&lt;b&gt;", Html.esc("a\u202E<b>"));
        assertEquals(
                "a\u202E&lt;b&gt;",
                Html.value("a\u202E<b>"),
                "a form field's value must come back as it was");
    }

    /**
     * Verifies that the case page shows the override and the isolates visibly, in the answers and
     * in the conversation.
     */
    @Test
    void testCasePageShowsControlsVisibly() throws Exception {
        String page = cora.get(path).body();
        assertTrue(
                page.contains(id + " invoice[U+202E]fdp.exe"),
                "answer not shown with its override marked");
        assertTrue(
                page.contains("later " + id + " [U+2067]isolated[U+2069] [U+200F]mark"),
                "message not shown with its controls marked");
        assertNoRawControls(page);
    }

    /**
     * Verifies that the queue list (found by searching for the raw text, so it is stored unchanged)
     * shows no raw control.
     */
    @Test
    void testQueueFoundByRawTextShowsNoRawControl() throws Exception {
        String list = queue("mine", "invoice\u202Efdp");
        assertTrue(
                list.contains(path),
                "the raw text no longer finds the case: was the stored text changed?");
        assertNoRawControls(list.replace(Html.value("invoice\u202Efdp"), ""));
    }

    /**
     * Verifies that the exported case file, decrypted by the lawyer's gpg, shows the controls
     * visibly too.
     */
    @Test
    void testExportShowsControlsVisibly() throws Exception {
        Assumptions.assumeTrue(Gpg.find() != null, "gpg is not installed");
        String key = LawyerExport.fixture("lawyer-public.asc");
        String review = LawyerExport.review(cora, path, key).body();
        HttpResponse<String> download =
                LawyerExport.confirm(cora, review, path, key, TestHaven.chosen(PASS));
        assertEquals(200, download.statusCode());
        try (Gpg lawyer = LawyerExport.lawyer(gpgDir, cora)) {
            String text = lawyer.decrypt(download.body()).text();
            assertTrue(text.contains(id + " invoice[U+202E]fdp.exe"), text);
            assertTrue(text.contains("[U+2067]isolated[U+2069] [U+200F]mark"), text);
            assertNoRawControls(text);
        }
    }

    private static void assertNoRawControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            assertFalse(
                    BidiControls.isControl(text.charAt(i)),
                    "raw U+"
                            + String.format("%04X", (int) text.charAt(i))
                            + " at "
                            + i
                            + ": "
                            + text.substring(Math.max(0, i - 40), i));
        }
    }
}
