package org.haven.gateway.channel.whatsapp;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.haven.bot.render.SmsRenderer;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.twilio.AreaCodes;
import org.haven.gateway.channel.twilio.TwilioApi;
import org.haven.gateway.channel.twilio.TwilioMedia;
import org.haven.gateway.channel.twilio.TwilioWebhooks;
import org.haven.gateway.channel.twilio.Twiml;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ReplyWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WhatsApp through Twilio. Incoming messages arrive at {@value #MESSAGE_PATH} and delivery reports
 * at {@value #STATUS_PATH}, signed as SMS webhooks are ({@link TwilioWebhooks}); addresses are
 * {@code whatsapp:+…}. The dialogue is the one SMS has (keywords, duress word, resume, DELETE); a
 * tap on a quick-reply button ({@link QuickReplies}) is read as its {@code ButtonPayload}, the
 * option's value, rather than its title. Voice notes, photos and documents within the limits are
 * downloaded ({@link TwilioMedia}) and sealed into the case in the same step as the message (held
 * for the hand-off during the intake); the person is told, and the question they were at is asked
 * again. Twilio's copy is deleted after the commit. Each message opens WhatsApp's 24-hour window
 * again ({@link ReplyWindows}) and lets a coordinator's reply held outside it go out ({@link
 * WhatsAppSender}).
 */
public final class WhatsAppChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppChannel.class);

    /** The channel's name, as stored with conversations and cases. */
    public static final String NAME = "whatsapp";

    /** Where Twilio posts incoming WhatsApp messages. */
    public static final String MESSAGE_PATH = "/webhooks/twilio/whatsapp";

    /** Where Twilio posts delivery reports of WhatsApp messages. */
    public static final String STATUS_PATH = "/webhooks/twilio/whatsapp/status";

    private static final Pattern ADDRESS = Pattern.compile("whatsapp:\\+[1-9][0-9]{6,14}");
    private static final SmsRenderer TWIML_RENDERER = new SmsRenderer(10, true);

    /** A message the dialogue took, and the files that came with it. */
    private record Handled(Conversations.Outcome outcome, TwilioMedia.Received files) {}

    private final WhatsAppConfig config;
    private final Conversations conversations;
    private final Outbox outbox;
    private final Db db;
    private final TwilioWebhooks webhooks;
    private final TwilioMedia media;
    private final WhatsAppSender sender;

    WhatsAppChannel(ChannelContext ctx, WhatsAppConfig config) {
        this.config = config;
        this.conversations = ctx.conversations();
        this.outbox = ctx.outbox();
        this.db = ctx.database() == null ? null : ctx.database().db();
        TwilioApi api = new TwilioApi(ctx.vertx(), config.account());
        this.webhooks = new TwilioWebhooks(config.account(), NAME, ctx.outbox());
        this.media = new TwilioMedia(ctx.vertx(), api, config.media());
        this.sender = new WhatsAppSender(api, config, db);
    }

    /**
     * The WhatsApp channel if {@code HAVEN_WHATSAPP_FROM} is set; empty (said once in the log) if
     * not.
     *
     * @throws org.haven.gateway.config.ConfigException if it is configured wrongly
     */
    public static Optional<Channel> create(ChannelContext ctx) {
        Optional<WhatsAppConfig> config =
                WhatsAppConfig.parse(ctx.config().settings(), ctx.config().publicUrl());
        if (config.isEmpty()) {
            LOG.info(
                    "event=channel_disabled channel=whatsapp reason=not_configured hint=set_HAVEN_WHATSAPP_FROM");
            return Optional.empty();
        }
        if (config.get().replyTemplateSid().isEmpty()) {
            LOG.warn(
                    "event=whatsapp_no_reply_template hint=set_HAVEN_WHATSAPP_REPLY_TEMPLATE_SID"
                            + " effect=replies_after_24h_wait_silently");
        }
        return Optional.of(new WhatsAppChannel(ctx, config.get()));
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
        return WhatsAppConfig.SECRETS;
    }

    @Override
    public void mount(Router router) {
        webhooks.mount(router, MESSAGE_PATH, this::onMessage, STATUS_PATH);
    }

    private void onMessage(RoutingContext ctx) {
        Map<String, String> p = webhooks.verified(ctx, "whatsapp");
        if (p == null) {
            return;
        }
        String sid = p.get("MessageSid");
        String from = p.get("From");
        if (sid == null
                || !TwilioWebhooks.MESSAGE_SID.matcher(sid).matches()
                || from == null
                || !ADDRESS.matcher(from).matches()) {
            webhooks.reject(ctx, 400, "whatsapp", "missing_parameters");
            return;
        }
        int count = parseMedia(p.get("NumMedia"));
        if (count < 0) {
            webhooks.reject(ctx, 400, "whatsapp", "bad_num_media");
            return;
        }
        // a quick-reply button carries the option's value, the same value SMS numbers
        String payload = p.getOrDefault("ButtonPayload", "").strip();
        String body = payload.isEmpty() ? p.getOrDefault("Body", "").strip() : payload;
        media.receive(p, count)
                .compose(
                        files ->
                                conversations
                                        .receive(
                                                new Inbound(
                                                                NAME,
                                                                from,
                                                                body,
                                                                Optional.of(sid),
                                                                true,
                                                                files.kept())
                                                        .withProvinceHint(AreaCodes.province(from)),
                                                language ->
                                                        TwilioMedia.notices(
                                                                conversations, files, language))
                                        .compose(outcome -> afterStep(outcome).map(outcome))
                                        .onComplete(ar -> media.afterStep(files, ar))
                                        .map(outcome -> new Handled(outcome, files)))
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event=whatsapp_inbound_failed kind={}",
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                                return;
                            }
                            Conversations.Outcome outcome = ar.result().outcome();
                            LOG.info(
                                    "event=whatsapp_inbound conversation={} duplicate={} media_kept={} media_refused={}",
                                    outcome.conversationId(),
                                    outcome.duplicate(),
                                    ar.result().files().kept().size(),
                                    ar.result().files().refused());
                            String twiml = Twiml.EMPTY;
                            if (outcome.erased() && !outcome.replies().isEmpty()) {
                                // as on SMS: the conversation and its outbox are gone, so the
                                // confirmation goes back in the answer to this webhook
                                List<String> bodies = new ArrayList<>();
                                outcome.replies()
                                        .forEach(r -> bodies.addAll(TWIML_RENDERER.texts(r)));
                                twiml = Twiml.messages(bodies);
                            }
                            ctx.response()
                                    .putHeader("Content-Type", "text/xml; charset=utf-8")
                                    .end(twiml);
                        });
    }

    /** The person wrote: the window is open again, and a reply held for them may go now. */
    private Future<Void> afterStep(Conversations.Outcome outcome) {
        UUID id = outcome.conversationId();
        if (db == null || id == null || outcome.erased() || outcome.duplicate()) {
            return Future.succeededFuture();
        }
        // the message is committed: a failure here must not make Twilio think otherwise
        return ReplyWindows.touch(db, id)
                .compose(v -> outbox.recipientBack(id))
                .recover(
                        err -> {
                            LOG.warn(
                                    "event=whatsapp_window_not_recorded conversation={} kind={}",
                                    id,
                                    err.getClass().getSimpleName());
                            return Future.succeededFuture();
                        });
    }

    private static int parseMedia(String raw) {
        if (raw == null || raw.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(raw);
            return n >= 0 && n <= 10 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
