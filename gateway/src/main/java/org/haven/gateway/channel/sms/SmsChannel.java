package org.haven.gateway.channel.sms;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.bot.Reply;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.channel.ChannelContext;
import org.haven.gateway.channel.twilio.AreaCodes;
import org.haven.gateway.channel.twilio.TwilioApi;
import org.haven.gateway.channel.twilio.TwilioMedia;
import org.haven.gateway.channel.twilio.TwilioWebhooks;
import org.haven.gateway.channel.twilio.Twiml;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.outbox.ChannelSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS through Twilio. Incoming messages arrive at {@value #SMS_PATH} and delivery reports at
 * {@value #STATUS_PATH}, both form posts signed with the account's auth token over the public URL
 * and the parameters. A message is stored (dialogue step and replies queued in the outbox, one
 * transaction, de-duplicated on its MessageSid) before Twilio gets its empty TwiML answer; replies
 * go out through the outbox and {@link SmsSender}. MMS files are taken into the case as on WhatsApp
 * ({@link TwilioMedia}) when {@code HAVEN_TWILIO_MEDIA_TYPES} is set, and otherwise never fetched
 * (the person is asked to describe them in words). When Twilio's opt-out handling names the
 * message's keyword ({@code OptOutType}), that keyword is what the dialogue gets.
 *
 * <p>One exception: when the person erases their conversation (DELETE), nothing is left to queue
 * the confirmation to, so it goes back as a {@code <Message>} in the TwiML answer to that webhook,
 * after the commit. Twilio sends it from the number the person wrote to; Haven makes no second call
 * and keeps the number nowhere, not even in memory for a retry.
 */
public final class SmsChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(SmsChannel.class);

    /** Where Twilio posts incoming messages. */
    public static final String SMS_PATH = "/webhooks/twilio/sms";

    /** Where Twilio posts delivery reports. */
    public static final String STATUS_PATH = "/webhooks/twilio/status";

    /** Largest webhook body accepted; a real one is a few kilobytes at most. */
    public static final int MAX_BODY = TwilioWebhooks.MAX_BODY;

    private static final String EMPTY_TWIML = Twiml.EMPTY;
    private static final Pattern MESSAGE_SID = TwilioWebhooks.MESSAGE_SID;
    private static final Pattern ADDRESS = Pattern.compile("\\+?[0-9]{3,15}");
    private static final Set<String> OPT_OUT_TYPES = Set.of("STOP", "START", "HELP");

    /** The intake script's message for a picture or file, when MMS files are not taken. */
    private static final String MEDIA_NOTE = "media_note";

    private final SmsConfig config;
    private final Conversations conversations;
    private final ActiveScript script;
    private final TwilioWebhooks webhooks;
    private final SmsSender sender;
    private final TwilioMedia mms; // null: MMS files are not taken

    SmsChannel(ChannelContext ctx, SmsConfig config) {
        this.config = config;
        this.conversations = ctx.conversations();
        this.script = conversations.activeScript();
        this.webhooks = new TwilioWebhooks(config.account(), name(), ctx.outbox());
        TwilioApi api = new TwilioApi(ctx.vertx(), config.account());
        this.sender = new SmsSender(api, config);
        this.mms =
                config.media()
                        .map(limits -> new TwilioMedia(ctx.vertx(), api, limits))
                        .orElse(null);
    }

    /**
     * The SMS channel if Twilio is configured; empty (said once in the log) if not.
     *
     * @throws org.haven.gateway.config.ConfigException if it is configured wrongly
     */
    public static Optional<Channel> create(ChannelContext ctx) {
        Optional<SmsConfig> config =
                SmsConfig.parse(ctx.config().settings(), ctx.config().publicUrl());
        if (config.isEmpty()) {
            LOG.info(
                    "event=channel_disabled channel=sms reason=not_configured hint=set_HAVEN_TWILIO_ACCOUNT_SID");
            return Optional.empty();
        }
        return Optional.of(new SmsChannel(ctx, config.get()));
    }

    @Override
    public String name() {
        return "sms";
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    @Override
    public Set<String> secretSettings() {
        return SmsConfig.SECRETS;
    }

    @Override
    public void mount(Router router) {
        // the form is parsed once, by TwilioForm (byte for byte as Twilio signed it)
        webhooks.mount(router, SMS_PATH, this::onMessage, STATUS_PATH);
    }

    private void onMessage(RoutingContext ctx) {
        Map<String, String> p = webhooks.verified(ctx, "sms");
        if (p == null) {
            return;
        }
        String sid = p.get("MessageSid");
        String from = p.get("From");
        if (sid == null
                || !MESSAGE_SID.matcher(sid).matches()
                || from == null
                || !ADDRESS.matcher(from).matches()) {
            webhooks.reject(ctx, 400, "sms", "missing_parameters");
            return;
        }
        String body = optOutKeyword(p.get("OptOutType")).orElse(p.getOrDefault("Body", "").strip());
        int media = parseMedia(p.get("NumMedia"));
        if (media < 0) {
            webhooks.reject(ctx, 400, "sms", "bad_num_media");
            return;
        }
        Future<Conversations.Outcome> step;
        if (media > 0 && mms != null) {
            // taken into the case as on WhatsApp; Twilio's copies go once sealed (or refused)
            step =
                    mms.receive(p, media)
                            .compose(
                                    files ->
                                            conversations
                                                    .receive(
                                                            new Inbound(
                                                                            name(),
                                                                            from,
                                                                            body,
                                                                            Optional.of(sid),
                                                                            true,
                                                                            files.kept())
                                                                    .withProvinceHint(
                                                                            AreaCodes.province(
                                                                                    from)),
                                                            language ->
                                                                    TwilioMedia.notices(
                                                                            conversations,
                                                                            files,
                                                                            language))
                                                    .onComplete(ar -> mms.afterStep(files, ar)));
        } else {
            Inbound in =
                    new Inbound(name(), from, body, Optional.of(sid), true)
                            .withProvinceHint(AreaCodes.province(from));
            step =
                    conversations.receive(
                            in,
                            language ->
                                    media > 0
                                            ? List.of(script.message(MEDIA_NOTE, language))
                                            : List.of());
        }
        step.onComplete(
                ar -> {
                    if (ar.failed()) {
                        LOG.warn(
                                "event=sms_inbound_failed kind={}",
                                ar.cause().getClass().getSimpleName());
                        ctx.response().setStatusCode(500).end();
                        return;
                    }
                    Conversations.Outcome outcome = ar.result();
                    LOG.info(
                            "event=sms_inbound conversation={} duplicate={} media={}",
                            outcome.conversationId(),
                            outcome.duplicate(),
                            media);
                    String twiml = EMPTY_TWIML;
                    if (outcome.erased() && !outcome.replies().isEmpty()) {
                        // The conversation and its outbox are gone, and with them the
                        // encrypted number:
                        // the confirmation goes back in the answer to this webhook, which
                        // Twilio sends.
                        twiml = twiml(outcome.replies());
                        LOG.info(
                                "event=sms_erase_confirmed conversation={} via=twiml",
                                outcome.conversationId());
                    }
                    ctx.response().putHeader("Content-Type", "text/xml; charset=utf-8").end(twiml);
                });
    }

    /**
     * The keyword Twilio recognised in the message, when its opt-out handling is on: its {@code
     * OptOutType} parameter (STOP, START, HELP) names it whatever the words, in whatever language
     * the account's opt-out keywords are set up. Haven acts on it as on its own keyword.
     */
    static Optional<String> optOutKeyword(String optOutType) {
        if (optOutType == null) {
            return Optional.empty();
        }
        String t = optOutType.strip().toUpperCase(Locale.ROOT);
        return OPT_OUT_TYPES.contains(t) ? Optional.of(t) : Optional.empty();
    }

    /**
     * A TwiML answer that sends the replies to the person who wrote: one {@code <Message>} per SMS
     * body.
     */
    static String twiml(List<Reply> replies) {
        List<String> bodies = new ArrayList<>();
        for (Reply reply : replies) {
            bodies.addAll(SmsSender.bodies(reply));
        }
        return Twiml.messages(bodies);
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
