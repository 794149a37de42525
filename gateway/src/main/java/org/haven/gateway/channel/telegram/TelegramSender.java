package org.haven.gateway.channel.telegram;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.haven.bot.Reply;
import org.haven.bot.render.ButtonRenderer;
import org.haven.bot.render.Rendered;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;

/**
 * Delivers outbox messages as Telegram messages, options as inline keyboard buttons whose
 * callback_data is the option value. The provider id stored with a sent row is the Telegram
 * message_id, or several joined by commas when a long reply was split, so the messages can be
 * deleted again when the person asks.
 */
final class TelegramSender implements ChannelSender {
    private final TelegramApi api;
    private final ButtonRenderer renderer = ButtonRenderer.telegram();

    TelegramSender(TelegramApi api) {
        this.api = api;
    }

    @Override
    public String channel() {
        return TelegramChannel.NAME;
    }

    /** Telegram's documented bot limit: about 30 messages a second overall. */
    @Override
    public int maxPerSecond() {
        return 30;
    }

    /** Telegram's documented limit: about one message a second to the same chat. */
    @Override
    public Duration minIntervalPerRecipient() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration validity() {
        return Duration.ofHours(24);
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        long chatId;
        try {
            chatId = Long.parseLong(m.address());
        } catch (NumberFormatException | NullPointerException e) {
            return Future.succeededFuture(
                    new SendResult.Failed(SendResult.Kind.PERMANENT, "bad_address"));
        }
        List<Rendered> parts = render(new Reply(m.text(), m.options(), m.language(), m.rtl()));
        return api.sendAll(chatId, parts)
                .<SendResult>map(
                        ids ->
                                new SendResult.Sent(
                                        ids.stream()
                                                .map(String::valueOf)
                                                .collect(Collectors.joining(","))))
                .recover(err -> Future.succeededFuture(TelegramApi.classify(err)));
    }

    List<Rendered> render(Reply reply) {
        return renderer.render(reply);
    }
}
