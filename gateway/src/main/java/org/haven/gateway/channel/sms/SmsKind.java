package org.haven.gateway.channel.sms;

import java.util.Optional;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;

/** SMS through Twilio (HAVEN_TWILIO_*), as a registered channel kind. */
public final class SmsKind implements ChannelKind {

    @Override
    public String settingsPrefix() {
        return "twilio_";
    }

    @Override
    public Optional<Channel> create(ChannelContext context) {
        return SmsChannel.create(context);
    }
}
