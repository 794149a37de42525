package org.haven.gateway.channel.whatsapp;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.haven.gateway.channel.MediaLimits;
import org.haven.gateway.channel.twilio.TwilioAccount;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * The WhatsApp channel's settings: the {@code whatsapp_*} settings on top of the Twilio account SMS
 * uses ({@link TwilioAccount}). WhatsApp is off unless {@code whatsapp_from} is set.
 *
 * @param account the Twilio account (its auth token is secret)
 * @param from the WhatsApp sender, {@code whatsapp:+…}
 * @param replyTemplateSid the Content SID ({@code HX…}) of the approved template that tells the
 *     person a coordinator replied, sent when the 24-hour window is closed; without it, a held
 *     reply waits silently for the person to write
 * @param replyTemplateVariables the template's ContentVariables (JSON), never personal
 * @param buttonTemplates the Content SIDs of the quick-reply templates by number of buttons ({@link
 *     QuickReplies}); empty: intake options go as numbered text
 * @param media the voice notes, photos and documents taken into a case
 * @param maxPerSecond messages a second for the whole channel
 * @param hold how long a coordinator's reply waits for the person to write again
 */
public record WhatsAppConfig(
        TwilioAccount account,
        String from,
        Optional<String> replyTemplateSid,
        Optional<String> replyTemplateVariables,
        Map<Integer, String> buttonTemplates,
        MediaLimits media,
        int maxPerSecond,
        Duration hold) {

    /** Makes the settings, the button templates immutable. */
    public WhatsAppConfig {
        buttonTemplates = Map.copyOf(buttonTemplates);
    }

    /** The settings whose values are secret (the shared account's auth token). */
    public static final Set<String> SECRETS = TwilioAccount.SECRETS;

    /** How long after the person's last message WhatsApp allows free-form replies. */
    public static final Duration WINDOW = Duration.ofHours(24);

    private static final Pattern FROM = Pattern.compile("(whatsapp:)?\\+[1-9][0-9]{6,14}");
    private static final Pattern CONTENT_SID = Pattern.compile("HX[0-9a-fA-F]{32}");

    /**
     * Parses the WhatsApp settings.
     *
     * @return empty when WhatsApp is not configured
     * @throws ConfigException naming the first invalid or missing setting
     */
    public static Optional<WhatsAppConfig> parse(Settings s, Optional<String> publicUrl) {
        Optional<String> from = s.get("whatsapp_from");
        if (from.isEmpty()) {
            return Optional.empty();
        }
        if (!FROM.matcher(from.get()).matches()) {
            throw new ConfigException(
                    Settings.variable("whatsapp_from")
                            + " must be the WhatsApp sender's number in E.164 form (whatsapp:+15145550100)");
        }
        TwilioAccount account = TwilioAccount.parse(s, publicUrl, "WhatsApp");
        Optional<String> template = s.get("whatsapp_reply_template_sid");
        if (template.isPresent() && !CONTENT_SID.matcher(template.get()).matches()) {
            throw new ConfigException(
                    Settings.variable("whatsapp_reply_template_sid")
                            + " must be a Content SID (HX followed by 32 hex digits)");
        }
        Optional<String> variables = s.get("whatsapp_reply_template_variables");
        if (variables.isPresent() && !variables.get().strip().startsWith("{")) {
            throw new ConfigException(
                    Settings.variable("whatsapp_reply_template_variables")
                            + " must be a JSON object ({\"1\":\"Haven\"})");
        }
        String sender = from.get().startsWith("whatsapp:") ? from.get() : "whatsapp:" + from.get();
        return Optional.of(
                new WhatsAppConfig(
                        account,
                        sender,
                        template,
                        variables,
                        QuickReplies.parse(s),
                        MediaLimits.parse(s, "whatsapp_"),
                        s.intIn("whatsapp_max_per_second", 10, 1, 1000),
                        Duration.ofHours(s.intIn("whatsapp_hold_hours", 72, 1, 720))));
    }

    /** The URL Twilio posts incoming WhatsApp messages to, as set for the sender in Twilio. */
    public String messageWebhookUrl() {
        return account.publicUrl() + WhatsAppChannel.MESSAGE_PATH;
    }

    /** The URL Twilio posts delivery reports to (sent with every message). */
    public String statusWebhookUrl() {
        return account.publicUrl() + WhatsAppChannel.STATUS_PATH;
    }

    @Override
    public String toString() {
        return "WhatsAppConfig[account="
                + account
                + ", from=<set>, replyTemplateSid="
                + replyTemplateSid.orElse("-")
                + ", buttonTemplates="
                + new TreeMap<>(buttonTemplates).keySet()
                + ", media="
                + media
                + ", maxPerSecond="
                + maxPerSecond
                + ", hold="
                + hold
                + "]";
    }
}
