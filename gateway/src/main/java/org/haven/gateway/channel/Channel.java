package org.haven.gateway.channel;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.Set;
import org.haven.gateway.outbox.ChannelSender;

/**
 * A way people reach Haven (web chat, SMS, Telegram). Each channel mounts its own routes, verifies
 * what arrives before parsing it, and hands every message to the dialogue.
 */
public interface Channel {

    /**
     * The channel's stable name, stored with conversations and cases ({@code webchat}, {@code sms},
     * …).
     */
    String name();

    /** Mounts the channel's routes (webhooks, pages, sockets) on the router. */
    void mount(Router router);

    /** How the outbox delivers to this channel, if it delivers at all. */
    default Optional<ChannelSender> sender() {
        return Optional.empty();
    }

    /**
     * Starts what the channel runs besides its routes (registering a webhook, polling for updates);
     * called once the HTTP server listens.
     */
    default Future<Void> start() {
        return Future.succeededFuture();
    }

    /** Stops what {@link #start()} started; called before the server closes. */
    default Future<Void> stop() {
        return Future.succeededFuture();
    }

    /**
     * The configuration keys of this channel whose values are secret, so logs and errors redact
     * them.
     */
    default Set<String> secretSettings() {
        return Set.of();
    }
}
