package org.haven.gateway.channel;

import io.vertx.core.Vertx;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;

/**
 * What every channel is built from: the dialogue to hand messages to, the outbox that delivers
 * replies, the configuration it reads its own settings from, and the database (for a role one
 * gateway of a cluster holds at a time, such as Telegram's long polling; null in tests that build
 * no channel).
 */
public record ChannelContext(
        Vertx vertx,
        Conversations conversations,
        Outbox outbox,
        HavenConfig config,
        Database database) {

    /** Without a database: for channels that need no cluster-wide role. */
    public ChannelContext(
            Vertx vertx, Conversations conversations, Outbox outbox, HavenConfig config) {
        this(vertx, conversations, outbox, config, null);
    }
}
