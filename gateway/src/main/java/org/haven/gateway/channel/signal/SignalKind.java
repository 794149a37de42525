package org.haven.gateway.channel.signal;

import java.util.Optional;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;

/** Signal through a signal-cli daemon (HAVEN_SIGNAL_*), as a registered channel kind. */
public final class SignalKind implements ChannelKind {

    @Override
    public String settingsPrefix() {
        return "signal_";
    }

    @Override
    public Optional<Channel> create(ChannelContext context) {
        return SignalChannel.create(context);
    }
}
