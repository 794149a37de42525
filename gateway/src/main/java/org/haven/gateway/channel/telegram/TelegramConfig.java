package org.haven.gateway.channel.telegram;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Settings;
import org.telegram.telegrambots.meta.TelegramUrl;

/**
 * The Telegram channel's settings, parsed from the raw {@code telegram_*} settings and validated at
 * start-up. {@link #toString()} never prints the bot token or the secret token.
 *
 * @param botToken the bot's token from BotFather ({@code HAVEN_TELEGRAM_BOT_TOKEN}, secret)
 * @param secretToken the value Telegram sends in {@code X-Telegram-Bot-Api-Secret-Token} ({@code
 *     HAVEN_TELEGRAM_SECRET_TOKEN}, secret; required in webhook mode)
 * @param apiUrl the Bot API server ({@code HAVEN_TELEGRAM_API_URL}; Telegram's by default, or a
 *     local Bot API server)
 * @param mode how updates arrive ({@code HAVEN_TELEGRAM_MODE}: webhook or polling)
 * @param webhookUrl where Telegram posts updates in webhook mode: {@code HAVEN_PUBLIC_URL} +
 *     {@value TelegramChannel#WEBHOOK_PATH}
 */
public record TelegramConfig(
        String botToken,
        Optional<String> secretToken,
        TelegramUrl apiUrl,
        Mode mode,
        Optional<String> webhookUrl) {

    /** How updates reach Haven. */
    public enum Mode {
        /** Telegram posts each update to Haven's public URL. */
        WEBHOOK,
        /** Haven asks Telegram for updates (no public URL needed). */
        POLLING
    }

    static final String BOT_TOKEN = "telegram_bot_token";
    static final String SECRET_TOKEN = "telegram_secret_token";
    static final String API_URL = "telegram_api_url";
    static final String MODE = "telegram_mode";

    /** The settings whose values are secret. */
    static final Set<String> SECRETS = Set.of(BOT_TOKEN, SECRET_TOKEN);

    private static final Pattern TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{20,100}");
    // What Telegram accepts as secret_token: 1-256 of A-Z, a-z, 0-9, _ and -.
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{16,256}");

    /**
     * Reads the Telegram settings; empty when no bot token is set (the channel is off).
     *
     * @throws ConfigException naming the first invalid setting, never echoing a secret
     */
    public static Optional<TelegramConfig> from(HavenConfig config) {
        Settings s = config.settings();
        Optional<String> token = s.get(BOT_TOKEN);
        if (token.isEmpty()) {
            for (String other : Set.of(SECRET_TOKEN, API_URL, MODE)) {
                if (s.get(other).isPresent()) {
                    throw new ConfigException(
                            Settings.variable(other)
                                    + " is set but "
                                    + Settings.variable(BOT_TOKEN)
                                    + " is not: set the bot token to turn Telegram on");
                }
            }
            return Optional.empty();
        }
        if (!TOKEN.matcher(token.get()).matches()) {
            throw new ConfigException(
                    Settings.variable(BOT_TOKEN)
                            + " does not look like a bot token (digits:letters from BotFather)");
        }
        Mode mode =
                switch (s.get(MODE).orElse("webhook").toLowerCase(Locale.ROOT)) {
                    case "webhook" -> Mode.WEBHOOK;
                    case "polling" -> Mode.POLLING;
                    default ->
                            throw new ConfigException(
                                    Settings.variable(MODE) + " must be webhook or polling");
                };
        Optional<String> secret = s.get(SECRET_TOKEN);
        if (secret.isPresent() && !SECRET.matcher(secret.get()).matches()) {
            throw new ConfigException(
                    Settings.variable(SECRET_TOKEN)
                            + " must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -");
        }
        Optional<String> webhookUrl = Optional.empty();
        if (mode == Mode.WEBHOOK) {
            if (secret.isEmpty()) {
                throw new ConfigException(
                        Settings.variable(SECRET_TOKEN)
                                + " is required when HAVEN_TELEGRAM_MODE is webhook");
            }
            if (config.publicUrl().isEmpty()) {
                throw new ConfigException(
                        "HAVEN_PUBLIC_URL is required when HAVEN_TELEGRAM_MODE is webhook"
                                + " (or set HAVEN_TELEGRAM_MODE=polling)");
            }
            webhookUrl = Optional.of(config.publicUrl().get() + TelegramChannel.WEBHOOK_PATH);
        }
        TelegramUrl api = apiUrl(s.get(API_URL).orElse("https://api.telegram.org"));
        return Optional.of(new TelegramConfig(token.get(), secret, api, mode, webhookUrl));
    }

    private static TelegramUrl apiUrl(String value) {
        // The client builds scheme://host:port/bot<token>/<method>: a path prefix cannot be
        // honoured.
        URI uri = Settings.origin(API_URL, value);
        return new TelegramUrl(uri.getScheme(), uri.getHost(), uri.getPort(), false);
    }

    @Override
    public String toString() {
        return "TelegramConfig[mode="
                + mode
                + ", api="
                + apiUrl.getSchema()
                + "://"
                + apiUrl.getHost()
                + ":"
                + apiUrl.getPort()
                + ", botToken=<redacted>, secretToken="
                + (secretToken.isPresent() ? "<redacted>" : "-")
                + "]";
    }
}
