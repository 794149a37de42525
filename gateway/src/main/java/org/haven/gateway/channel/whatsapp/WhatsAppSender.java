package org.haven.gateway.channel.whatsapp;

import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.haven.bot.Reply;
import org.haven.bot.render.SmsRenderer;
import org.haven.gateway.channel.twilio.TwilioApi;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ReplyWindows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends outbox messages on WhatsApp through Twilio's Messages API ({@link TwilioApi}), with an
 * intake question's options as quick-reply buttons where a template fits ({@link QuickReplies}),
 * else numbered as on SMS; either way the values are SMS's. If Twilio refuses the buttons (a
 * template deleted or not fitting its variables), the question goes again as numbered text, so the
 * person is never left without it. WhatsApp's rule: a free-form message may only be sent within 24
 * hours of the person's last message. The intake's replies always answer a message just received; a
 * coordinator's reply after the window has closed is held ({@link SendResult.Kind#RECIPIENT_AWAY},
 * so it waits without using up attempts) and the approved template (its Content SID) tells the
 * person, once per silence, that a coordinator replied. When the person writes again, the channel
 * nudges the outbox and the held reply goes out.
 */
final class WhatsAppSender implements ChannelSender {
    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppSender.class);

    /** Twilio's longest message body; WhatsApp has no segments, so one budget covers it. */
    static final int MAX_BODY = 1600;

    /** Looked at again this often while held (the person's answer nudges it at once). */
    static final Duration HELD_RECHECK = Duration.ofMinutes(10);

    // ten SMS segments: at most 1530 GSM-7 or 670 UCS-2 characters, within Twilio's 1600
    private static final SmsRenderer RENDERER = new SmsRenderer(10, true);

    private final TwilioApi api;
    private final WhatsAppConfig config;
    private final Db db;
    private final QuickReplies buttons;

    WhatsAppSender(TwilioApi api, WhatsAppConfig config, Db db) {
        this.api = api;
        this.config = config;
        this.db = db;
        this.buttons = new QuickReplies(config.buttonTemplates());
    }

    @Override
    public String channel() {
        return WhatsAppChannel.NAME;
    }

    @Override
    public int maxPerSecond() {
        return config.maxPerSecond();
    }

    @Override
    public Duration validity() {
        return config.hold();
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        if (m.address() == null) {
            return Future.succeededFuture(
                    new SendResult.Failed(SendResult.Kind.PERMANENT, "no_address"));
        }
        if (!m.fromCoordinator()) {
            return sendQuestion(m);
        }
        return ReplyWindows.find(db, m.conversationId(), WhatsAppConfig.WINDOW)
                .compose(
                        window -> {
                            if (window.isPresent() && window.get().open()) {
                                return sendText(m);
                            }
                            return announce(m);
                        },
                        err ->
                                Future.succeededFuture(
                                        new SendResult.Failed(
                                                SendResult.Kind.RETRYABLE, "window_unknown")));
    }

    /** Holds a reply outside the window, sending the template once per silence of the person. */
    private Future<SendResult> announce(OutboundMessage m) {
        SendResult held =
                new SendResult.Failed(
                        SendResult.Kind.RECIPIENT_AWAY, "whatsapp_window_closed", HELD_RECHECK);
        if (config.replyTemplateSid().isEmpty()) {
            return Future.succeededFuture(held);
        }
        return ReplyWindows.claimTemplate(db, m.conversationId())
                .compose(
                        claimed -> {
                            if (!claimed) {
                                return Future.succeededFuture(held);
                            }
                            return api.send(List.of(template(m.address())))
                                    .compose(
                                            r ->
                                                    r instanceof SendResult.Sent
                                                            ? Future.succeededFuture(held)
                                                            : ReplyWindows.releaseTemplate(
                                                                            db, m.conversationId())
                                                                    .map(r));
                        });
    }

    /** The intake's message: its options as buttons where a template fits, else as text. */
    private Future<SendResult> sendQuestion(OutboundMessage m) {
        Optional<QuickReplies.Filled> filled =
                m.options().isEmpty()
                        ? Optional.empty()
                        : buttons.fill(m.text(), m.options(), m.multiple());
        if (filled.isEmpty()) {
            return sendText(m);
        }
        return api.send(List.of(buttons(m.address(), filled.get())))
                .compose(
                        r -> {
                            if (r instanceof SendResult.Failed f
                                    && f.kind() == SendResult.Kind.PERMANENT) {
                                LOG.warn(
                                        "event=whatsapp_buttons_refused code={} effect=numbered_text",
                                        f.code());
                                return sendText(m);
                            }
                            return Future.succeededFuture(r);
                        });
    }

    private Future<SendResult> sendText(OutboundMessage m) {
        List<String> parts =
                RENDERER.texts(new Reply(m.text(), m.options(), m.language(), m.rtl()));
        return api.send(parts.stream().map(body -> text(m.address(), body)).toList());
    }

    private MessageCreator text(String to, String body) {
        return Message.creator(new PhoneNumber(to), new PhoneNumber(config.from()), body)
                .setStatusCallback(config.statusWebhookUrl());
    }

    private MessageCreator buttons(String to, QuickReplies.Filled filled) {
        return Message.creator(new PhoneNumber(to), new PhoneNumber(config.from()), (String) null)
                .setContentSid(filled.contentSid())
                .setContentVariables(filled.variables())
                .setStatusCallback(config.statusWebhookUrl());
    }

    private MessageCreator template(String to) {
        MessageCreator c =
                Message.creator(new PhoneNumber(to), new PhoneNumber(config.from()), (String) null)
                        .setContentSid(config.replyTemplateSid().orElseThrow())
                        .setStatusCallback(config.statusWebhookUrl());
        config.replyTemplateVariables().ifPresent(c::setContentVariables);
        return c;
    }
}
