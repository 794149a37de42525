package org.haven.gateway.channel.telegram;

import java.util.Optional;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.ChannelKind;

/** Telegram (HAVEN_TELEGRAM_*), as a registered channel kind. */
public final class TelegramKind implements ChannelKind {

    @Override
    public String settingsPrefix() {
        return "telegram_";
    }

    @Override
    public Optional<Channel> create(ChannelContext context) {
        return TelegramChannel.create(context);
    }
}
