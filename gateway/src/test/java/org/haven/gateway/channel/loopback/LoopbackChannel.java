package org.haven.gateway.channel.loopback;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.http.RawBody;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.outbox.ChannelSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest channel there can be, written as a rehearsal of adding one (issue 23,
 * docs/architecture.md, "A channel"): a provider posts {@code {"from", "id", "text"}} to {@value
 * #PATH} with the shared token in {@value #TOKEN_HEADER}; replies go out through the outbox to
 * {@link LoopbackSender}, which keeps them for the test instead of calling a provider. It has the
 * parts every real channel has: a factory that reads its own settings from the {@link
 * ChannelContext} and is empty when unconfigured, a check of the request before parsing it
 * (constant time), a hand-off to the dialogue that answers only after the step is committed, and
 * its secret settings named.
 */
final class LoopbackChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackChannel.class);

    /** The channel's name, stored with conversations and cases. */
    static final String NAME = "loopback";

    /** Where the provider posts incoming messages. */
    static final String PATH = "/webhooks/loopback";

    /** The request header that carries the shared token. */
    static final String TOKEN_HEADER = "X-Loopback-Token";

    /** The setting ({@code HAVEN_LOOPBACK_TOKEN}) holding the shared token: a secret. */
    static final String TOKEN_SETTING = "loopback_token";

    private static final int MAX_BODY = 8 * 1024;

    private final byte[] token;
    private final Conversations conversations;
    private final LoopbackSender sender = new LoopbackSender();

    /** The sender of the channel built last, for the test (which starts one Haven at a time). */
    private static volatile LoopbackSender lastSender;

    private LoopbackChannel(ChannelContext ctx, String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.conversations = ctx.conversations();
        lastSender = sender;
    }

    /**
     * The channel if its token is set; empty (said once in the log) if not, as the real channels
     * do.
     */
    static Optional<Channel> create(ChannelContext ctx) {
        Optional<String> token = ctx.config().settings().get(TOKEN_SETTING);
        if (token.isEmpty()) {
            LOG.info("event=channel_disabled channel={} reason=not_configured", NAME);
            return Optional.empty();
        }
        return Optional.of(new LoopbackChannel(ctx, token.get()));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of(TOKEN_SETTING);
    }

    @Override
    public void mount(Router router) {
        router.post(PATH).handler(RawBody.upTo(MAX_BODY)).handler(this::onMessage);
    }

    private void onMessage(RoutingContext ctx) {
        String given = ctx.request().getHeader(TOKEN_HEADER);
        if (given == null
                || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.response().setStatusCode(403).end();
            return;
        }
        JsonObject body;
        try {
            body = new JsonObject(RawBody.of(ctx));
        } catch (DecodeException | ClassCastException e) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        String from = body.getString("from");
        String id = body.getString("id");
        String text = body.getString("text", "");
        if (from == null || from.isBlank() || id == null || id.isBlank()) {
            ctx.response().setStatusCode(400).end();
            return;
        }
        // acknowledged only once the step and its replies are committed: a provider's retry is
        // applied once (the id)
        conversations
                .receive(new Inbound(NAME, from, text, Optional.of(id), true))
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event=loopback_inbound_failed kind={}",
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                                return;
                            }
                            ctx.response().setStatusCode(200).end();
                        });
    }

    /** The sender of the channel built last, for the test to read what was delivered. */
    static LoopbackSender lastSender() {
        return lastSender;
    }
}
