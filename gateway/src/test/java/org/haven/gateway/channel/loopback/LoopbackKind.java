package org.haven.gateway.channel.loopback;

import java.util.Optional;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;

/**
 * The loopback channel as a registered kind (test resources' {@code
 * META-INF/services/org.haven.gateway.config.SettingsFamily}): {@code Haven.start} builds it when
 * {@code HAVEN_LOOPBACK_TOKEN} is set, as it builds the real channels.
 */
public final class LoopbackKind implements ChannelKind {

    @Override
    public String settingsPrefix() {
        return "loopback_";
    }

    @Override
    public Optional<Channel> create(ChannelContext context) {
        return LoopbackChannel.create(context);
    }
}
