package org.haven.gateway.channel.whatsapp;

import java.util.Optional;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;

/**
 * WhatsApp through Twilio (HAVEN_WHATSAPP_*, with the HAVEN_TWILIO_* account), as a registered
 * channel kind.
 */
public final class WhatsAppKind implements ChannelKind {

    @Override
    public String settingsPrefix() {
        return "whatsapp_";
    }

    @Override
    public Optional<Channel> create(ChannelContext context) {
        return WhatsAppChannel.create(context);
    }
}
