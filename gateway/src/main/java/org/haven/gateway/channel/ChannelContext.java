package org.haven.gateway.channel;

import io.vertx.core.Vertx;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Database;

/**
 * What every channel is built from: the dialogue to hand messages to, the outbox that delivers
 * replies, the configuration it reads its own settings from, and the database (for a role one
 * gateway of a cluster holds at a time, such as Telegram's long polling; null in tests that build
 * no channel), and the server keyring (for what a channel keeps on local disk, such as Signal's
 * journal of envelopes; null in tests that do not need it).
 */
public record ChannelContext(
        Vertx vertx,
        Conversations conversations,
        Outbox outbox,
        HavenConfig config,
        Database database,
        ServerKeyring keyring) {

    /** Without a server keyring: nothing is kept on local disk. */
    public ChannelContext(
            Vertx vertx,
            Conversations conversations,
            Outbox outbox,
            HavenConfig config,
            Database database) {
        this(vertx, conversations, outbox, config, database, null);
    }

    /** Without a database: for channels that need no cluster-wide role. */
    public ChannelContext(
            Vertx vertx, Conversations conversations, Outbox outbox, HavenConfig config) {
        this(vertx, conversations, outbox, config, null, null);
    }
}
