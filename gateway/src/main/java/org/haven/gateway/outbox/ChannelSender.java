package org.haven.gateway.outbox;

import io.vertx.core.Future;
import java.time.Duration;

/**
 * Delivers outbox messages on one channel. The outbox calls {@link #send} at most {@link
 * #maxPerSecond()} times a second for the channel and never sooner than {@link
 * #minIntervalPerRecipient()} after the previous message to the same conversation.
 */
public interface ChannelSender {

    /** The channel name, as stored with conversations. */
    String channel();

    /**
     * Tries to deliver one message; never fails the future: failures are {@link SendResult.Failed}.
     */
    Future<SendResult> send(OutboundMessage message);

    /**
     * Whether messages need an address (a number, a chat id) to be sent, which the outbox then
     * keeps with each message until it is sent; false for a channel that reaches people by their
     * conversation (the web chat's open socket).
     */
    default boolean addressed() {
        return true;
    }

    /** Channel-wide send rate. */
    default int maxPerSecond() {
        return 30;
    }

    /** Spacing between two messages to the same person. */
    default Duration minIntervalPerRecipient() {
        return Duration.ofSeconds(1);
    }

    /** How long a message stays worth sending. */
    default Duration validity() {
        return Duration.ofHours(4);
    }

    /**
     * Told after a failed attempt was put back for later (its row is committed as pending again). A
     * channel whose recipient may be connected to another gateway (the web chat) tells that gateway
     * here, so it can deliver at once instead of at the next retry.
     */
    default void deferred(OutboundMessage message, SendResult.Failed failure) {}
}
