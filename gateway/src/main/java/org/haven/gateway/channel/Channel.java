package org.haven.gateway.channel;

import io.vertx.ext.web.Router;
import java.util.Set;

/**
 * A way people reach Haven (web chat, SMS, Telegram). Each channel mounts its own routes,
 * verifies what arrives before parsing it, and hands every message to the dialogue.
 */
public interface Channel {

    /** The channel's stable name, stored with conversations and cases ({@code webchat}, {@code sms}, …). */
    String name();

    /** Mounts the channel's routes (webhooks, pages, sockets) on the router. */
    void mount(Router router);

    /** How the outbox delivers to this channel, if it delivers at all. */
    default java.util.Optional<org.haven.gateway.outbox.ChannelSender> sender() {
        return java.util.Optional.empty();
    }

    /**
     * Starts what the channel runs besides its routes (registering a webhook, polling for
     * updates); called once the HTTP server listens.
     */
    default io.vertx.core.Future<Void> start() {
        return io.vertx.core.Future.succeededFuture();
    }

    /** Stops what {@link #start()} started; called before the server closes. */
    default io.vertx.core.Future<Void> stop() {
        return io.vertx.core.Future.succeededFuture();
    }

    /** The configuration keys of this channel whose values are secret, so logs and errors redact them. */
    default Set<String> secretSettings() {
        return Set.of();
    }
}
