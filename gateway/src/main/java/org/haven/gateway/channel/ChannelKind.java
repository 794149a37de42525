package org.haven.gateway.channel;

import java.util.List;
import java.util.Optional;
import org.haven.gateway.config.SettingsFamily;

/**
 * A channel Haven can run, registered in {@code
 * META-INF/services/org.haven.gateway.config.SettingsFamily}: {@code Haven.start} builds every
 * registered kind that is configured, and the configuration knows its settings by their prefix.
 * Adding a channel is its package and one line in that file (docs/architecture.md, "A channel").
 * The web chat is not a kind: it is always on, and built with parts only it uses.
 */
public interface ChannelKind extends SettingsFamily {

    /** The channel, or empty (said once in the log) when its settings are not given. */
    Optional<Channel> create(ChannelContext context);

    /** Every registered channel kind, in the order the services files list them. */
    static List<ChannelKind> registered() {
        return SettingsFamily.registered().stream()
                .filter(ChannelKind.class::isInstance)
                .map(ChannelKind.class::cast)
                .toList();
    }
}
