package org.haven.gateway.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The secret values of this process's configuration, masked wherever text leaves it: in every log
 * line ({@link RedactedMessageConverter}, {@link RedactedThrowableConverter}, named in {@code
 * logback.xml}) and in configuration errors ({@link ConfigException}). Log lines and errors are
 * written never to hold a secret; this is what still holds when one does by mistake, such as a
 * library's exception that quotes a URL with a token in it.
 *
 * <p>Registered: the values of {@link ConfigLoader#SECRETS} as the configuration is loaded (the
 * database URL's password also on its own), and each channel's {@code secretSettings()} once the
 * channel exists; each also as it would appear in a URL.
 */
public final class Redaction {
    /** What a secret is replaced with. */
    public static final String MASK = "[redacted]";

    /** Shorter values are not masked: they would mask ordinary words (secrets are all longer). */
    static final int MIN_LENGTH = 6;

    private static volatile List<String> values = List.of();

    private Redaction() {}

    /**
     * Masks {@code value} (and its URL-encoded form) from now on; null, blank and short values are
     * ignored.
     */
    public static synchronized void register(String value) {
        if (value == null || value.strip().length() < MIN_LENGTH) {
            return;
        }
        List<String> next = new ArrayList<>(values);
        for (String form :
                List.of(value, value.strip(), URLEncoder.encode(value, StandardCharsets.UTF_8))) {
            if (!next.contains(form)) {
                next.add(form);
            }
        }
        next.sort(
                Comparator.comparingInt(String::length)
                        .reversed()); // a longer value first: its parts stay masked in it
        values = List.copyOf(next);
    }

    /** {@code text} with every registered secret replaced by {@link #MASK}. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String v : values) {
            if (out.contains(v)) {
                out = out.replace(v, MASK);
            }
        }
        return out;
    }
}
