package org.haven.gateway.channel.loopback;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.haven.bot.Reply;
import org.haven.bot.render.SmsRenderer;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;

/**
 * Delivers the loopback channel's outbox messages into a queue the test reads, rendered as SMS is
 * (numbered options), where a real sender would call its provider's API.
 */
final class LoopbackSender implements ChannelSender {
    private static final SmsRenderer RENDERER = new SmsRenderer();

    /** One message as the "provider" got it. */
    record Delivered(String address, String text) {}

    private final BlockingQueue<Delivered> delivered = new LinkedBlockingQueue<>();

    @Override
    public String channel() {
        return LoopbackChannel.NAME;
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        Reply reply = new Reply(m.text(), m.options(), m.language(), m.rtl(), m.multiple());
        delivered.add(new Delivered(m.address(), String.join("\n", RENDERER.texts(reply))));
        return Future.succeededFuture(new SendResult.Sent("loopback-" + m.id()));
    }

    @Override
    public int maxPerSecond() {
        return 1000;
    }

    @Override
    public Duration minIntervalPerRecipient() {
        // no provider to protect: the test need not wait a second between two replies
        return Duration.ZERO;
    }

    /** The next message delivered, waiting up to {@code seconds} for it; null if none came. */
    Delivered next(long seconds) throws InterruptedException {
        return delivered.poll(seconds, TimeUnit.SECONDS);
    }

    /** Everything delivered so far and not yet taken. */
    List<Delivered> drain() {
        List<Delivered> out = new ArrayList<>();
        delivered.drainTo(out);
        return out;
    }
}
