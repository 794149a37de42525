package org.haven.gateway.channel.signal;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.gateway.channel.MediaLimits;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.config.Settings;

/**
 * The Signal channel's settings, parsed from the raw {@code signal_*} settings and validated at
 * start-up. The daemon's HTTP interface has no authentication of its own: it must be reachable by
 * Haven only (a private network, see deploy/).
 *
 * @param url the signal-cli daemon's HTTP endpoint, scheme://host:port ({@code HAVEN_SIGNAL_URL})
 * @param account the number the daemon is registered or linked with ({@code HAVEN_SIGNAL_ACCOUNT},
 *     +E.164): sent as the JSON-RPC {@code account} parameter, so that a daemon started without
 *     {@code -a} (multi-account mode) works as well
 * @param maxPerSecond how many messages a second the outbox sends ({@code
 *     HAVEN_SIGNAL_MAX_PER_SECOND}, 1 by default: Signal rate-limits new accounts harshly)
 * @param attachmentsDir the daemon's attachments directory ({@code <config>/attachments}) as
 *     mounted read-write in Haven ({@code HAVEN_SIGNAL_ATTACHMENTS_DIR}, an absolute path). Set,
 *     files people send are taken into their case and Haven deletes the daemon's copy; not set,
 *     Haven takes no file (the daemon then runs with {@code --ignore-attachments}) and asks the
 *     person to write instead, since it could not remove the daemon's clear copy
 * @param media which files are taken ({@code HAVEN_SIGNAL_MEDIA_MAX_BYTES}, {@code
 *     HAVEN_SIGNAL_MEDIA_TYPES}; WhatsApp's defaults)
 */
public record SignalConfig(
        URI url,
        String account,
        int maxPerSecond,
        Optional<Path> attachmentsDir,
        MediaLimits media) {

    static final String URL = "signal_url";
    static final String ACCOUNT = "signal_account";
    static final String MAX_PER_SECOND = "signal_max_per_second";
    static final String ATTACHMENTS_DIR = "signal_attachments_dir";

    /** No Signal setting is a secret: the account is the organisation's published number. */
    static final Set<String> SECRETS = Set.of();

    private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");

    /**
     * Reads the Signal settings; empty when {@code HAVEN_SIGNAL_URL} is not set (the channel is
     * off).
     *
     * @throws ConfigException naming the first invalid setting
     */
    public static Optional<SignalConfig> from(HavenConfig config) {
        Settings s = config.settings();
        Optional<String> url = s.get(URL);
        if (url.isEmpty()) {
            for (String other :
                    Set.of(
                            ACCOUNT,
                            MAX_PER_SECOND,
                            ATTACHMENTS_DIR,
                            "signal_media_max_bytes",
                            "signal_media_types")) {
                if (s.get(other).isPresent()) {
                    throw new ConfigException(
                            Settings.variable(other)
                                    + " is set but "
                                    + Settings.variable(URL)
                                    + " is not: set the daemon's URL to turn Signal on");
                }
            }
            return Optional.empty();
        }
        String account =
                s.get(ACCOUNT)
                        .orElseThrow(
                                () ->
                                        new ConfigException(
                                                Settings.variable(ACCOUNT)
                                                        + " is required with "
                                                        + Settings.variable(URL)));
        if (!NUMBER.matcher(account).matches()) {
            throw new ConfigException(
                    Settings.variable(ACCOUNT)
                            + " must be the account's number, like +15145550100");
        }
        int rate = s.intIn(MAX_PER_SECOND, 1, 1, 30);
        Optional<Path> dir = s.get(ATTACHMENTS_DIR).map(SignalConfig::directory);
        return Optional.of(
                new SignalConfig(
                        daemonUrl(url.get()), account, rate, dir, MediaLimits.parse(s, "signal_")));
    }

    private static Path directory(String value) {
        Path p;
        try {
            p = Path.of(value);
        } catch (InvalidPathException e) {
            p = null;
        }
        if (p == null || !p.isAbsolute()) {
            throw new ConfigException(
                    Settings.variable(ATTACHMENTS_DIR)
                            + " must be an absolute path: the daemon's attachments directory as"
                            + " mounted in Haven");
        }
        return p.normalize();
    }

    private static URI daemonUrl(String value) {
        // the daemon serves /api/v1/… at its root
        return Settings.origin(URL, value);
    }

    /** The account number is left out: it is the organisation's, but has no business in logs. */
    @Override
    public String toString() {
        return "SignalConfig[url="
                + url
                + ", maxPerSecond="
                + maxPerSecond
                + ", attachmentsDir="
                + attachmentsDir.map(Path::toString).orElse("-")
                + ", media="
                + media
                + "]";
    }
}
