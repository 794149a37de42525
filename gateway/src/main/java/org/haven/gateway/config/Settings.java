package org.haven.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
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

    /**
     * An http(s) origin from the setting {@code key}: {@code scheme://host:port}, the port made
     * explicit. A path, query or user info is refused: the clients build their own paths.
     *
     * @throws ConfigException naming the variable when {@code value} is not such a URL
     */
    public static URI origin(String key, String value) {
        String variable = variable(key);
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(variable + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new ConfigException(variable + " must be an http:// or https:// URL with a host");
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")
                || uri.getQuery() != null
                || uri.getUserInfo() != null) {
            throw new ConfigException(
                    variable + " must be scheme://host[:port] only, without a path");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return URI.create(scheme + "://" + uri.getHost() + ":" + port);
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
