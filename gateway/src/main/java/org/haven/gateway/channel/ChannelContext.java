package org.haven.gateway.channel;

import io.vertx.core.Vertx;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.outbox.Outbox;

/**
 * What every channel is built from: the dialogue to hand messages to, the outbox that delivers
 * replies, and the configuration it reads its own settings from.
 */
public record ChannelContext(Vertx vertx, Conversations conversations, Outbox outbox, HavenConfig config) {
}
