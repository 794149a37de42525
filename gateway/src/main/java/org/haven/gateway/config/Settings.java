package org.haven.gateway.config;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The merged raw settings (defaults aside) that channel configurations parse for themselves, keyed
 * by lower-case setting name without the {@code HAVEN_} prefix ({@code twilio_auth_token}). {@link
 * #toString()} lists names only, never values.
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

    /**
     * A whole-number setting, {@code dflt} when unset.
     *
     * @throws ConfigException when it is set but not a whole number from {@code min} to {@code max}
     */
    public int intIn(String key, int dflt, int min, int max) {
        Optional<String> raw = get(key);
        if (raw.isEmpty()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.get());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(
                variable(key) + " must be a whole number from " + min + " to " + max);
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
