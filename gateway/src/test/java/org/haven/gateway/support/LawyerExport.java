package org.haven.gateway.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exporting a case for a lawyer as the export tests do it: the case's export form with the lawyer's
 * key, the confirmation with the fingerprint the review page shows and the passphrase, and the
 * lawyer's real gpg holding their private key and the signing key the inbox publishes. The lawyer's
 * keys are the OpenPGP fixtures made with gpg ({@code
 * crypto/src/test/resources/openpgp/make-fixtures.sh}).
 */
public final class LawyerExport {
    /** The confirmed fingerprint a review page carries in its form. */
    public static final Pattern HIDDEN_FINGERPRINT =
            Pattern.compile("name=\"fingerprint\" value=\"([0-9A-F]{40})\"");

    private LawyerExport() {}

    /** The OpenPGP fixture {@code name} (e.g. {@code lawyer-public.asc}), as text. */
    public static String fixture(String name) throws Exception {
        try (InputStream in = LawyerExport.class.getResourceAsStream("/openpgp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Posts {@code key} to the export form of the case at {@code casePath}: the review page. */
    public static HttpResponse<String> review(InboxClient inbox, String casePath, String key)
            throws Exception {
        return inbox.postWithCsrf(inbox.get(casePath).body(), casePath + "/export", "key", key);
    }

    /**
     * Confirms the export reviewed on {@code reviewPage} (asserted to carry a confirmed
     * fingerprint) with {@code key}, that fingerprint, {@code passphrase} and any {@code more}
     * fields (names and values, e.g. {@code "notes", "yes"}).
     */
    public static HttpResponse<String> confirm(
            InboxClient inbox,
            String reviewPage,
            String casePath,
            String key,
            String passphrase,
            String... more)
            throws Exception {
        Matcher fp = HIDDEN_FINGERPRINT.matcher(reviewPage);
        assertTrue(fp.find(), "no confirmed fingerprint on the page");
        List<String> fields =
                new ArrayList<>(
                        List.of("key", key, "fingerprint", fp.group(1), "passphrase", passphrase));
        fields.addAll(List.of(more));
        return inbox.postWithCsrf(
                reviewPage, casePath + "/export/confirm", fields.toArray(String[]::new));
    }

    /**
     * The lawyer's gpg, in a throwaway home under {@code dir}, holding their private key and the
     * export signing key {@code inbox} publishes; gpg must be installed ({@link Gpg#find()}).
     */
    public static Gpg lawyer(Path dir, InboxClient inbox) throws Exception {
        Gpg lawyer = Gpg.in(dir);
        try {
            lawyer.importKey(fixture("lawyer-secret.asc"));
            lawyer.importKey(inbox.get("/inbox/export-signing-key.asc").body());
            return lawyer;
        } catch (Exception e) {
            lawyer.close();
            throw e;
        }
    }
}
