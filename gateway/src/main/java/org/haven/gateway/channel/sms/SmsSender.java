package org.haven.gateway.channel.sms;

import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import org.haven.bot.Reply;
import org.haven.bot.render.SmsRenderer;
import org.haven.bot.script.ScriptCheck;
import org.haven.gateway.channel.twilio.TwilioApi;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;

/**
 * Sends outbox messages as SMS through Twilio's Messages API ({@link TwilioApi}, shared with
 * WhatsApp, which also classifies failures for the outbox): numbered options, within the segment
 * budget, from the configured number or messaging service, at the configured rate.
 */
final class SmsSender implements ChannelSender {
    /** Twilio's error: the recipient unsubscribed (replied STOP). */
    static final int UNSUBSCRIBED = TwilioApi.UNSUBSCRIBED;

    /** Twilio's longest message body, in characters. */
    static final int MAX_BODY = 1600;

    // The budget the intake check holds every script text to: a question is one SMS of at most that
    // many segments; only a longer text (a coordinator's reply) becomes several. The renderer
    // numbers the options.
    private static final SmsRenderer RENDERER =
            new SmsRenderer(ScriptCheck.DEFAULT_SEGMENT_BUDGET, true);

    private final SmsConfig config;
    private final TwilioApi api;

    SmsSender(TwilioApi api, SmsConfig config) {
        this.api = api;
        this.config = config;
    }

    @Override
    public String channel() {
        return "sms";
    }

    @Override
    public int maxPerSecond() {
        return config.maxPerSecond();
    }

    @Override
    public Duration validity() {
        return config.validity();
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        if (m.address() == null) {
            return Future.succeededFuture(
                    new SendResult.Failed(SendResult.Kind.PERMANENT, "no_address"));
        }
        // A text over the segment budget goes out in parts, one by one (questions are one part).
        // The HTTP timeout (15 s) is well inside the outbox lease, so a slow send is not claimed
        // twice.
        return api.send(bodies(m).stream().map(body -> creator(m.address(), body)).toList());
    }

    /**
     * The SMS bodies for one message: one for every script text (the check holds them to the
     * budget); more for a longer text.
     */
    static List<String> bodies(OutboundMessage m) {
        return bodies(new Reply(m.text(), m.options(), m.language(), m.rtl()));
    }

    /**
     * The SMS bodies for one reply, rendered as {@link #send} renders an outbox message: each
     * within the segment budget.
     */
    static List<String> bodies(Reply reply) {
        return RENDERER.texts(reply);
    }

    private MessageCreator creator(String to, String body) {
        MessageCreator c =
                config.from().isPresent()
                        ? Message.creator(
                                new PhoneNumber(to), new PhoneNumber(config.from().get()), body)
                        : Message.creator(
                                new PhoneNumber(to),
                                config.messagingServiceSid().orElseThrow(),
                                body);
        return c.setValidityPeriod((int) config.validity().toSeconds())
                .setStatusCallback(config.statusWebhookUrl());
    }

    /** Maps what the SDK threw to the outbox's kinds (see {@link TwilioApi#classify}). */
    static SendResult.Failed classify(Throwable err) {
        return TwilioApi.classify(err);
    }
}
