package org.haven.gateway.channel.twilio;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * The Twilio account that SMS and WhatsApp share, parsed from the raw {@code twilio_*} settings:
 * who signs the webhooks and authenticates the API calls, where the API is, and where Twilio
 * reaches Haven. {@link #toString()} never prints the auth token.
 *
 * @param accountSid the Twilio account ({@code AC…})
 * @param authToken the account's auth token: signs webhooks and authenticates API calls (secret)
 * @param apiUrl the base URL of Twilio's REST API (a proxy or a test server may stand in)
 * @param publicUrl the base URL Twilio reaches Haven at, without a trailing slash (webhook
 *     signatures cover it)
 */
public record TwilioAccount(String accountSid, String authToken, URI apiUrl, String publicUrl) {

    /** The settings whose values are secret. */
    public static final Set<String> SECRETS = Set.of("twilio_auth_token");

    /** Twilio's own REST API. */
    public static final String DEFAULT_API_URL = "https://api.twilio.com";

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");

    /** Whether any account setting is present (then all must be, and valid). */
    public static boolean present(Settings s) {
        return s.get("twilio_account_sid").isPresent() || s.get("twilio_auth_token").isPresent();
    }

    /**
     * Parses the account settings for a channel that needs them.
     *
     * @param channel the channel's name in error messages ({@code SMS}, {@code WhatsApp})
     * @throws ConfigException naming the first invalid or missing setting
     */
    public static TwilioAccount parse(Settings s, Optional<String> publicUrl, String channel) {
        String accountSid =
                s.get("twilio_account_sid")
                        .orElseThrow(() -> missing("twilio_account_sid", channel));
        if (!ACCOUNT_SID.matcher(accountSid).matches()) {
            throw new ConfigException(
                    Settings.variable("twilio_account_sid")
                            + " must be an account SID (AC followed by 32 hex digits)");
        }
        String authToken =
                s.get("twilio_auth_token").orElseThrow(() -> missing("twilio_auth_token", channel));
        if (authToken.length() < 16 || authToken.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(
                    Settings.variable("twilio_auth_token") + " does not look like an auth token");
        }
        URI apiUrl = parseApiUrl(s.get("twilio_api_url").orElse(DEFAULT_API_URL));
        String base =
                publicUrl.orElseThrow(
                        () ->
                                new ConfigException(
                                        "HAVEN_PUBLIC_URL is required for "
                                                + channel
                                                + ": Twilio signs its webhooks over it"));
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return new TwilioAccount(accountSid, authToken, apiUrl, base);
    }

    private static URI parseApiUrl(String raw) {
        try {
            URI u = new URI(raw);
            boolean ok =
                    ("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
                            && u.getHost() != null
                            && u.getUserInfo() == null
                            && u.getQuery() == null
                            && u.getFragment() == null
                            && (u.getPath() == null
                                    || u.getPath().isEmpty()
                                    || "/".equals(u.getPath()));
            if (ok) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConfigException(
                Settings.variable("twilio_api_url") + " must be a plain http(s)://host[:port] URL");
    }

    private static ConfigException missing(String key, String channel) {
        return new ConfigException(
                Settings.variable(key) + " is required when " + channel + " is configured");
    }

    @Override
    public String toString() {
        return "TwilioAccount[accountSid="
                + accountSid
                + ", authToken=<redacted>, apiUrl="
                + apiUrl
                + ", publicUrl="
                + publicUrl
                + "]";
    }
}
