package org.haven.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The gateway's settings, immutable and validated once at start-up by {@link ConfigLoader}.
 *
 * <p>Every setting has a built-in default, may be set in an optional YAML file and is finally
 * overridden by an environment variable named {@code HAVEN_} plus the setting's key in upper case
 * (for example {@code http_port} and {@code HAVEN_HTTP_PORT}). {@link #toString()} never prints a
 * secret.
 *
 * @param httpHost the address the HTTP server binds
 * @param httpPort the HTTP port
 * @param dataDir where the embedded database, server keys and the setup code live
 * @param database an external PostgreSQL, or empty for the embedded one under the data dir
 * @param publicUrl the URL people and providers reach Haven at, if known (decides Secure cookies)
 * @param quickExitUrl the neutral page the web chat's quick-exit button leaves for
 * @param duressWord a word that ends a session with a harmless decoy reply, if set (secret)
 * @param resumeWindow how long an unfinished intake may be resumed
 * @param sessionIdleTimeout how long an idle inbox session stays logged in
 * @param settings every raw setting, for channels that parse their own ({@code twilio_*}, {@code
 *     telegram_*})
 */
public record HavenConfig(
        String httpHost,
        int httpPort,
        Path dataDir,
        Optional<DatabaseUrl> database,
        Optional<String> publicUrl,
        String quickExitUrl,
        Optional<String> duressWord,
        Duration resumeWindow,
        Duration sessionIdleTimeout,
        Settings settings) {

    /** Whether cookies must carry the Secure flag: Haven is reached over TLS. */
    public boolean secureCookies() {
        return publicUrl.map(u -> u.startsWith("https://")).orElse(false);
    }

    /**
     * Days closed cases are kept unless an administrator stored another period ({@code
     * HAVEN_RETENTION_DAYS}, default 365).
     */
    public int retentionDays() {
        return settings.get("retention_days").map(Integer::parseInt).orElse(365);
    }

    /**
     * How long an inbox session lives at most, however busy ({@code
     * HAVEN_SESSION_ABSOLUTE_TIMEOUT}, default 12h; validated by {@link ConfigLoader}).
     */
    public Duration sessionAbsoluteTimeout() {
        return settings.get("session_absolute_timeout")
                .map(ConfigLoader::parseDuration)
                .orElse(Duration.ofHours(12));
    }

    /**
     * The HTTP server's time limits ({@code HAVEN_HTTP_HEADER_TIMEOUT}, {@code
     * HAVEN_HTTP_BODY_TIMEOUT}, {@code HAVEN_HTTP_IDLE_TIMEOUT}; validated by {@link
     * ConfigLoader}).
     */
    public HttpTimeouts httpTimeouts() {
        HttpTimeouts d = HttpTimeouts.DEFAULTS;
        return new HttpTimeouts(
                duration("http_header_timeout", d.header()),
                duration("http_body_timeout", d.body()),
                duration("http_idle_timeout", d.idle()));
    }

    private Duration duration(String key, Duration fallback) {
        return settings.get(key).map(ConfigLoader::parseDuration).orElse(fallback);
    }

    /** The bearer token {@code /metrics} requires, if set ({@code HAVEN_METRICS_TOKEN}, secret). */
    public Optional<String> metricsToken() {
        return settings.get("metrics_token");
    }

    @Override
    public String toString() {
        return "HavenConfig[httpHost="
                + httpHost
                + ", httpPort="
                + httpPort
                + ", dataDir="
                + dataDir
                + ", database="
                + database.map(DatabaseUrl::toString).orElse("embedded")
                + ", publicUrl="
                + publicUrl.orElse("-")
                + ", quickExitUrl="
                + quickExitUrl
                + ", duressWord="
                + (duressWord.isPresent() ? "<redacted>" : "-")
                + ", resumeWindow="
                + resumeWindow
                + ", sessionIdleTimeout="
                + sessionIdleTimeout
                + "]";
    }
}
