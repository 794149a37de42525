package org.haven.gateway.channel.sms;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.gateway.channel.MediaLimits;
import org.haven.gateway.channel.twilio.TwilioAccount;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * The SMS channel's settings, parsed from the raw {@code twilio_*} settings (the account part by
 * {@link TwilioAccount}, shared with WhatsApp). SMS is off when neither an account SID nor an auth
 * token is set, or when the account has no SMS sender but a WhatsApp one; anything half-configured
 * stops start-up with one line naming the variable. {@link #toString()} never prints the auth
 * token.
 *
 * @param accountSid the Twilio account ({@code AC…})
 * @param authToken the account's auth token: signs webhooks and authenticates API calls (secret)
 * @param from the sending number or sender id, unless a messaging service sends
 * @param messagingServiceSid the messaging service ({@code MG…}) that sends, unless {@code from}
 *     does
 * @param apiUrl the base URL of Twilio's REST API (a proxy or a test server may stand in)
 * @param publicUrl the base URL Twilio reaches Haven at, without a trailing slash (webhook
 *     signatures cover it)
 * @param maxPerSecond messages a second for the whole channel (a long code sends about one)
 * @param validity how long Twilio may keep trying to deliver a message before dropping it
 * @param media the MMS files taken into a case, when {@code twilio_media_types} is set; without it,
 *     media are not downloaded and the person is asked to describe them in words
 */
public record SmsConfig(
        String accountSid,
        String authToken,
        Optional<String> from,
        Optional<String> messagingServiceSid,
        URI apiUrl,
        String publicUrl,
        int maxPerSecond,
        Duration validity,
        Optional<MediaLimits> media) {

    /** The settings whose values are secret. */
    public static final Set<String> SECRETS = TwilioAccount.SECRETS;

    /** Twilio's own REST API. */
    public static final String DEFAULT_API_URL = TwilioAccount.DEFAULT_API_URL;

    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");
    // E.164, a short code, or an alphanumeric sender id
    private static final Pattern FROM =
            Pattern.compile("\\+[1-9][0-9]{6,14}|[0-9]{3,8}|[A-Za-z0-9 ]{1,11}");

    /**
     * Parses the SMS settings.
     *
     * @return empty when SMS is not configured at all
     * @throws ConfigException naming the first invalid or missing setting
     */
    public static Optional<SmsConfig> parse(Settings s, Optional<String> publicUrl) {
        if (!TwilioAccount.present(s)) {
            return Optional.empty();
        }
        Optional<String> from = s.get("twilio_from");
        Optional<String> service = s.get("twilio_messaging_service_sid");
        if (from.isEmpty() && service.isEmpty() && s.get("whatsapp_from").isPresent()) {
            // the account serves WhatsApp only
            return Optional.empty();
        }
        TwilioAccount account = TwilioAccount.parse(s, publicUrl, "SMS");
        if (from.isPresent() == service.isPresent()) {
            throw new ConfigException(
                    Settings.variable("twilio_from")
                            + ": set exactly one of it and "
                            + Settings.variable("twilio_messaging_service_sid"));
        }
        if (from.isPresent() && !FROM.matcher(from.get()).matches()) {
            throw new ConfigException(
                    Settings.variable("twilio_from")
                            + " must be a number in E.164 form (+15145550100),"
                            + " a short code or an alphanumeric sender id");
        }
        if (service.isPresent() && !SERVICE_SID.matcher(service.get()).matches()) {
            throw new ConfigException(
                    Settings.variable("twilio_messaging_service_sid")
                            + " must be a messaging service SID (MG followed by 32 hex digits)");
        }
        int perSecond = s.intIn("twilio_max_per_second", 1, 1, 1000);
        int validitySeconds = s.intIn("twilio_validity_seconds", 3600, 60, 36000);
        return Optional.of(
                new SmsConfig(
                        account.accountSid(),
                        account.authToken(),
                        from,
                        service,
                        account.apiUrl(),
                        account.publicUrl(),
                        perSecond,
                        Duration.ofSeconds(validitySeconds),
                        s.get("twilio_media_types").isPresent()
                                ? Optional.of(MediaLimits.parse(s, "twilio_"))
                                : Optional.empty()));
    }

    /** The Twilio account these settings use (shared with WhatsApp). */
    public TwilioAccount account() {
        return new TwilioAccount(accountSid, authToken, apiUrl, publicUrl);
    }

    /** The URL Twilio posts incoming messages to, as set in the Twilio console. */
    public String smsWebhookUrl() {
        return publicUrl + SmsChannel.SMS_PATH;
    }

    /** The URL Twilio posts delivery reports to (sent with every message). */
    public String statusWebhookUrl() {
        return publicUrl + SmsChannel.STATUS_PATH;
    }

    @Override
    public String toString() {
        return "SmsConfig[accountSid="
                + accountSid
                + ", authToken=<redacted>, from="
                + from.map(f -> "<set>").orElse("-")
                + ", messagingServiceSid="
                + messagingServiceSid.orElse("-")
                + ", apiUrl="
                + apiUrl
                + ", publicUrl="
                + publicUrl
                + ", maxPerSecond="
                + maxPerSecond
                + ", validity="
                + validity
                + ", media="
                + media.map(MediaLimits::toString).orElse("-")
                + "]";
    }
}
