package org.haven.gateway.channel;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * Which files a channel takes into a case (WhatsApp and MMS through Twilio, Signal): at most {@code
 * maxBytes} each, of the listed content types (voice notes, photos, documents). Anything else is
 * refused politely and deleted from the provider (or the signal-cli daemon) unread.
 *
 * @param maxBytes largest file taken
 * @param types content types taken, lower case, without parameters
 */
public record MediaLimits(int maxBytes, Set<String> types) {

    /** WhatsApp's own limit for a voice note or document is 16 MB; Signal takes the same. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    /** Voice notes (WhatsApp sends Ogg Opus, Signal AAC), photos and PDF documents. */
    public static final String DEFAULT_TYPES =
            "audio/ogg,audio/mpeg,audio/mp4,audio/amr,audio/aac,image/jpeg,image/png,image/webp,application/pdf";

    private static final Pattern TYPE = Pattern.compile("[a-z]+/[a-z0-9.+-]+");

    /**
     * Parses {@code <prefix>media_max_bytes} and {@code <prefix>media_types}.
     *
     * @throws ConfigException naming the invalid setting
     */
    public static MediaLimits parse(Settings s, String prefix) {
        int max = s.intIn(prefix + "media_max_bytes", DEFAULT_MAX_BYTES, 1024, 100 * 1024 * 1024);
        String raw = s.get(prefix + "media_types").orElse(DEFAULT_TYPES);
        Set<String> types =
                Arrays.stream(raw.split(","))
                        .map(t -> t.strip().toLowerCase(Locale.ROOT))
                        .filter(t -> !t.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
        if (types.isEmpty() || !types.stream().allMatch(t -> TYPE.matcher(t).matches())) {
            throw new ConfigException(
                    Settings.variable(prefix + "media_types")
                            + " must be a comma-separated list of content types (audio/ogg,image/jpeg)");
        }
        return new MediaLimits(max, types);
    }

    /**
     * Whether a file of this declared content type is taken (parameters such as codecs ignored).
     */
    public boolean accepts(String contentType) {
        return contentType != null && types.contains(bare(contentType));
    }

    /** A content type without its parameters, lower case. */
    public static String bare(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi))
                .strip()
                .toLowerCase(Locale.ROOT);
    }
}
