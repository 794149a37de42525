package org.haven.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a {@link HavenConfig}: built-in defaults, then an optional YAML file of flat {@code key:
 * value} pairs, then {@code HAVEN_*} environment variables.
 */
public final class ConfigLoader {

    /** The environment variable prefix. */
    public static final String PREFIX = "HAVEN_";

    /** Settings whose values are secret: never echoed in errors or logs. */
    public static final Set<String> SECRETS =
            Set.of("db_url", "duress_word", "server_keys", "metrics_token");

    private static final Set<String> KNOWN =
            Set.of(
                    "config",
                    "http_host",
                    "http_port",
                    "data_dir",
                    "db_url",
                    "public_url",
                    "quick_exit_url",
                    "duress_word",
                    "resume_window",
                    "session_idle_timeout",
                    "session_absolute_timeout",
                    "server_keys",
                    "server_keys_file",
                    "retention_days",
                    "metrics_token",
                    "team_key_pin",
                    "trusted_proxies",
                    "http_header_timeout",
                    "http_body_timeout",
                    "http_idle_timeout",
                    "warmup_conversations",
                    "resume_phrases_prepared",
                    "step_batch",
                    "max_recipient_gap_ms");

    /**
     * The prefixes of the settings families that parse themselves from {@link
     * HavenConfig#settings()}: the registered channels' ({@link SettingsFamily}).
     */
    private static final Set<String> FAMILY_PREFIXES =
            SettingsFamily.registered().stream()
                    .map(SettingsFamily::settingsPrefix)
                    .collect(Collectors.toUnmodifiableSet());

    private static boolean known(String key) {
        return KNOWN.contains(key) || FAMILY_PREFIXES.stream().anyMatch(key::startsWith);
    }

    private ConfigLoader() {}

    /**
     * The variables of the settings Haven reads by name ({@code HAVEN_DB_URL}, …). The channels'
     * families ({@code HAVEN_TWILIO_*}, {@code HAVEN_WHATSAPP_*}, {@code HAVEN_TELEGRAM_*}, {@code
     * HAVEN_WEBCHAT_*}, {@code HAVEN_SIGNAL_*}, and any channel registered as a {@link
     * SettingsFamily}) are open-ended: {@link #isSetting} knows them by their prefix.
     */
    public static Set<String> variables() {
        return KNOWN.stream()
                .map(k -> PREFIX + k.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether {@code variable} (such as {@code HAVEN_DB_URL}) names a setting Haven reads. */
    public static boolean isSetting(String variable) {
        return variable.startsWith(PREFIX)
                && known(variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
    }

    /** Loads from the process environment (and the file {@code HAVEN_CONFIG} names, if any). */
    public static HavenConfig load() {
        return load(System.getenv(), null);
    }

    /**
     * Loads from the given environment.
     *
     * @param env environment variables (only {@code HAVEN_*} are read)
     * @param configFile a YAML file that overrides {@code HAVEN_CONFIG}, or null
     * @throws ConfigException naming the first invalid setting
     */
    public static HavenConfig load(Map<String, String> env, Path configFile) {
        Map<String, String> values = new HashMap<>();
        Path file = configFile;
        if (file == null
                && env.get(PREFIX + "CONFIG") != null
                && !env.get(PREFIX + "CONFIG").isBlank()) {
            file = Path.of(env.get(PREFIX + "CONFIG"));
        }
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                String key = e.getKey().substring(PREFIX.length()).toLowerCase(Locale.ROOT);
                if (known(key)) {
                    values.put(key, e.getValue());
                }
            }
        }
        SECRETS.forEach(key -> Redaction.register(values.get(key)));
        return build(values);
    }

    private static Map<String, String> readFile(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException(
                    "HAVEN_CONFIG: cannot read config file "
                            + file
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")");
        }
        Map<String, String> values = new HashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return values;
        }
        if (!root.isObject()) {
            throw new ConfigException("HAVEN_CONFIG: " + file + " must be a map of setting: value");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey().toLowerCase(Locale.ROOT);
            if (!known(key) || "config".equals(key)) {
                throw new ConfigException(
                        "HAVEN_CONFIG: unknown setting '" + e.getKey() + "' in " + file);
            }
            if (!e.getValue().isValueNode()) {
                throw new ConfigException(
                        PREFIX
                                + key.toUpperCase(Locale.ROOT)
                                + ": must be a single value in "
                                + file);
            }
            values.put(key, e.getValue().asText());
        }
        return values;
    }

    private static HavenConfig build(Map<String, String> v) {
        String host = text(v, "http_host", "0.0.0.0");
        int port = port(v);
        Path dataDir = Path.of(text(v, "data_dir", "./haven-data")).toAbsolutePath().normalize();
        Optional<DatabaseUrl> db =
                optional(v, "db_url")
                        .map(
                                url -> {
                                    try {
                                        DatabaseUrl parsed = DatabaseUrl.parse(url);
                                        Redaction.register(parsed.password());
                                        return parsed;
                                    } catch (IllegalArgumentException e) {
                                        throw new ConfigException("HAVEN_DB_URL " + e.getMessage());
                                    }
                                });
        Optional<String> publicUrl =
                optional(v, "public_url")
                        .map(
                                u -> {
                                    if (!u.startsWith("https://") && !u.startsWith("http://")) {
                                        throw new ConfigException(
                                                "HAVEN_PUBLIC_URL must start with https:// or http://");
                                    }
                                    return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
                                });
        String exit = text(v, "quick_exit_url", "https://www.google.com/");
        if (!exit.startsWith("https://") || exit.contains("\"") || exit.contains("<")) {
            throw new ConfigException("HAVEN_QUICK_EXIT_URL must be a plain https:// URL");
        }
        if (optional(v, "server_keys").isPresent() && optional(v, "server_keys_file").isPresent()) {
            throw new ConfigException(
                    "HAVEN_SERVER_KEYS and HAVEN_SERVER_KEYS_FILE are both set; set one");
        }
        optional(v, "server_keys")
                .ifPresent(
                        k -> {
                            try {
                                Base64.getMimeDecoder().decode(k);
                            } catch (IllegalArgumentException e) {
                                throw new ConfigException(
                                        "HAVEN_SERVER_KEYS must be the base64 of a server key file (haven server-keys)");
                            }
                        });
        optional(v, "team_key_pin")
                .ifPresent(
                        raw -> {
                            if (!raw.strip()
                                    .toLowerCase(Locale.ROOT)
                                    .matches("hvpin[012]-[0-9a-f]{64}")) {
                                throw new ConfigException(
                                        "HAVEN_TEAM_KEY_PIN must be hvpin2- (or hvpin1-) followed by 64 hex digits, as Haven prints it");
                            }
                        });
        Optional<String> duress = optional(v, "duress_word");
        Duration resume = duration(v, "resume_window", Duration.ofHours(72));
        Duration idle = duration(v, "session_idle_timeout", Duration.ofMinutes(30));
        Duration absolute = duration(v, "session_absolute_timeout", Duration.ofHours(12));
        if (absolute.compareTo(idle) < 0) {
            throw new ConfigException(
                    "HAVEN_SESSION_ABSOLUTE_TIMEOUT must be at least HAVEN_SESSION_IDLE_TIMEOUT");
        }
        duration(v, "http_header_timeout", HttpTimeouts.DEFAULTS.header());
        duration(v, "http_body_timeout", HttpTimeouts.DEFAULTS.body());
        if (duration(v, "http_idle_timeout", HttpTimeouts.DEFAULTS.idle())
                        .compareTo(HttpTimeouts.MIN_IDLE)
                < 0) {
            throw new ConfigException(
                    "HAVEN_HTTP_IDLE_TIMEOUT must be at least "
                            + HttpTimeouts.MIN_IDLE.toSeconds()
                            + "s (the live inbox sends a heartbeat every 25 s)");
        }
        optional(v, "retention_days")
                .ifPresent(
                        raw -> {
                            if (!raw.matches("\\d{1,5}")
                                    || Integer.parseInt(raw) < 1
                                    || Integer.parseInt(raw) > 36_500) {
                                throw new ConfigException(
                                        "HAVEN_RETENTION_DAYS must be a whole number of days from 1 to 36500, got '"
                                                + raw
                                                + "'");
                            }
                        });
        optional(v, "metrics_token")
                .ifPresent(
                        raw -> {
                            if (raw.length() < 16) {
                                throw new ConfigException(
                                        "HAVEN_METRICS_TOKEN must be at least 16 characters");
                            }
                        });
        return new HavenConfig(
                host, port, dataDir, db, publicUrl, exit, duress, resume, idle, new Settings(v));
    }

    private static int port(Map<String, String> v) {
        String raw = text(v, "http_port", "8080");
        try {
            int port = Integer.parseInt(raw.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(
                "HAVEN_HTTP_PORT must be a port number from 0 to 65535, got '" + raw + "'");
    }

    /**
     * A duration such as {@code 30m}, {@code 12h} or {@code 90s} (already validated), as {@link
     * Duration}.
     */
    static Duration parseDuration(String raw) {
        return Duration.parse("PT" + raw.trim().toUpperCase(Locale.ROOT));
    }

    private static Duration duration(Map<String, String> v, String key, Duration fallback) {
        Optional<String> raw = optional(v, key);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            Duration d = parseDuration(raw.get());
            if (!d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (DateTimeParseException ignored) {
            // reported below
        }
        throw new ConfigException(
                PREFIX
                        + key.toUpperCase(Locale.ROOT)
                        + " must be a positive duration such as 30m, 12h or 90s, got '"
                        + raw.get()
                        + "'");
    }

    private static String text(Map<String, String> v, String key, String fallback) {
        return optional(v, key).orElse(fallback);
    }

    private static Optional<String> optional(Map<String, String> v, String key) {
        String s = v.get(key);
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }
}
