package org.haven.gateway.channel.twilio;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's request signature ({@code X-Twilio-Signature}), the one implementation in Haven: base64
 * of HMAC-SHA1 under the account's auth token over the full URL Twilio posted to, followed by every
 * POST parameter's name and value, sorted by name. Twilio may sign the URL with or without the
 * scheme's default port, so both forms are accepted. Compared in constant time.
 */
public final class TwilioSignature {
    private TwilioSignature() {}

    /** The signature Twilio sends for a form post of {@code params} to {@code url}. */
    public static String sign(String authToken, String url, Map<String, String> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder()
                    .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /** Whether {@code signature} is Twilio's for this post (URL with or without default port). */
    public static boolean valid(
            String authToken, String url, Map<String, String> params, String signature) {
        if (signature == null || signature.isBlank()) {
            return false;
        }
        byte[] given = signature.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (String candidate : urlForms(url)) {
            byte[] expected = sign(authToken, candidate, params).getBytes(StandardCharsets.UTF_8);
            ok |= MessageDigest.isEqual(expected, given);
        }
        return ok;
    }

    private static String[] urlForms(String url) {
        try {
            URI u = new URI(url);
            if (u.getHost() == null) {
                return new String[] {url};
            }
            int defaultPort = "https".equals(u.getScheme()) ? 443 : 80;
            int port = u.getPort() < 0 ? defaultPort : u.getPort();
            String rest =
                    (u.getRawPath() == null ? "" : u.getRawPath())
                            + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            String without =
                    u.getScheme()
                            + "://"
                            + u.getHost()
                            + (port == defaultPort ? "" : ":" + port)
                            + rest;
            String with = u.getScheme() + "://" + u.getHost() + ":" + port + rest;
            return new String[] {url, without, with};
        } catch (URISyntaxException e) {
            return new String[] {url};
        }
    }
}
