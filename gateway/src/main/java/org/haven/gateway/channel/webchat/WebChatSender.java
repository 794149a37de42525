package org.haven.gateway.channel.webchat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.haven.bot.Reply;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;
import org.haven.gateway.store.ClusterNotifications;

/**
 * Delivers outbox messages (a coordinator's reply) to a person's open web chat. Each open socket
 * listens on the (local) event bus address of its conversation; when none is open on this instance,
 * the message waits in the outbox and the other gateways are told on {@link #CLUSTER_CHANNEL}: the
 * one holding the socket delivers it at once. When nobody holds one, it is delivered when the
 * person comes back.
 */
final class WebChatSender implements ChannelSender {
    /** Notification channel: "conversation X has a message this instance could not deliver". */
    static final String CLUSTER_CHANNEL = "haven_webchat";

    static final String NOT_CONNECTED = "not_connected";

    private final Vertx vertx;
    private final ClusterNotifications cluster;

    WebChatSender(Vertx vertx, ClusterNotifications cluster) {
        this.vertx = vertx;
        this.cluster = cluster;
    }

    static String address(UUID conversationId) {
        return "haven.webchat." + conversationId;
    }

    @Override
    public String channel() {
        return "webchat";
    }

    /**
     * A web chat is reached by its conversation's open socket: the outbox keeps no address (never
     * the resume token).
     */
    @Override
    public boolean addressed() {
        return false;
    }

    @Override
    public Duration minIntervalPerRecipient() {
        return Duration.ZERO;
    }

    @Override
    public Duration validity() {
        return Duration.ofDays(30);
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        // a coordinator's reply, or the intake's answer to a message replayed from the spool
        JsonObject frame =
                ReplyFrame.of(
                        new Reply(m.text(), m.options(), m.language(), m.rtl(), m.multiple()),
                        m.fromCoordinator());
        return vertx.eventBus()
                .request(
                        address(m.conversationId()),
                        frame,
                        new DeliveryOptions().setSendTimeout(5000))
                .<SendResult>map(reply -> new SendResult.Sent(null))
                .recover(
                        err -> {
                            boolean nobodyThere =
                                    err instanceof ReplyException re
                                            && re.failureType() == ReplyFailure.NO_HANDLERS;
                            // nobody there: the person closed the chat (or it is open on another
                            // gateway, which
                            // deferred() tells); the reply waits for them without using up attempts
                            return Future.succeededFuture(
                                    nobodyThere
                                            ? new SendResult.Failed(
                                                    SendResult.Kind.RECIPIENT_AWAY,
                                                    NOT_CONNECTED,
                                                    Duration.ofSeconds(60))
                                            : new SendResult.Failed(
                                                    SendResult.Kind.RETRYABLE,
                                                    "timeout",
                                                    Duration.ofSeconds(5)));
                        });
    }

    @Override
    public void deferred(OutboundMessage message, SendResult.Failed failure) {
        if (cluster != null && NOT_CONNECTED.equals(failure.code())) {
            cluster.notify(
                    CLUSTER_CHANNEL,
                    new JsonObject()
                            .put("conversation", message.conversationId().toString())
                            .put("message", message.id().toString()));
        }
    }
}
