package org.haven.gateway.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The merged raw settings (defaults aside) that channel configurations parse for themselves,
 * keyed by lower-case setting name without the {@code HAVEN_} prefix ({@code twilio_auth_token}).
 * {@link #toString()} lists names only, never values.
 */
public final class Settings {
    private final Map<String, String> values;

    public Settings(Map<String, String> values) {
        this.values = new TreeMap<>(values);
    }

    /** A setting's value, if set and not blank. */
    public Optional<String> get(String key) {
        String v = values.get(key.toLowerCase(Locale.ROOT));
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    /** The environment variable that sets {@code key}, for error messages. */
    public static String variable(String key) {
        return ConfigLoader.PREFIX + key.toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "Settings" + values.keySet();
    }
}
