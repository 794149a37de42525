package org.haven.gateway.channel.sms;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.type.PhoneNumber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.haven.bot.Reply;
import org.haven.bot.render.SmsRenderer;
import org.haven.bot.script.ScriptCheck;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;

/**
 * Sends outbox messages as SMS through Twilio's Messages API with the official SDK. The SDK blocks,
 * so each call runs on a worker thread. Failures are classified for the outbox, which retries:
 * network errors, timeouts and 5xx are retryable, 429 slows down, 21610 (the person texted STOP to
 * Twilio) stops the conversation, any other 4xx is permanent.
 */
final class SmsSender implements ChannelSender {
    /** Twilio's error: the recipient unsubscribed (replied STOP). */
    static final int UNSUBSCRIBED = 21610;

    /** Twilio's longest message body, in characters. */
    static final int MAX_BODY = 1600;

    // The budget the intake check holds every script text to: a question is one SMS of at most that
    // many segments; only a longer text (a coordinator's reply) becomes several. The renderer
    // numbers the options.
    private static final SmsRenderer RENDERER =
            new SmsRenderer(ScriptCheck.DEFAULT_SEGMENT_BUDGET, true);

    private final Vertx vertx;
    private final SmsConfig config;
    private final TwilioRestClient client;

    SmsSender(Vertx vertx, SmsConfig config) {
        this.vertx = vertx;
        this.config = config;
        this.client =
                new TwilioRestClient.Builder(config.accountSid(), config.authToken())
                        .httpClient(new BaseUrlHttpClient(config.apiUrl()))
                        .build();
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
        // A text over the segment budget goes out in parts, one by one; if a later one fails, the
        // retry
        // sends the earlier ones again (Twilio's Messages API has no idempotency key). Questions
        // are one part.
        // The HTTP timeout (15 s) is well inside the outbox lease, so a slow send is not claimed
        // twice.
        List<String> parts = bodies(m);
        return vertx.<SendResult>executeBlocking(
                        () -> {
                            String sid = null;
                            for (String body : parts) {
                                sid = creator(m.address(), body).create(client).getSid();
                            }
                            return new SendResult.Sent(sid);
                        },
                        false)
                .recover(err -> Future.succeededFuture(classify(err)));
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

    /**
     * Maps what the SDK threw to the outbox's kinds; the code never carries the provider's message
     * text.
     */
    static SendResult.Failed classify(Throwable err) {
        if (err instanceof ApiException api) {
            Integer status = api.getStatusCode();
            Integer code = api.getCode();
            String label = code != null ? "twilio_" + code : "http_" + status;
            if (code != null && code == UNSUBSCRIBED) {
                return new SendResult.Failed(SendResult.Kind.RECIPIENT_STOPPED, label);
            }
            if (status != null && status == 429) {
                return new SendResult.Failed(
                        SendResult.Kind.RATE_LIMITED, label, Duration.ofSeconds(5));
            }
            if (status != null && status >= 400 && status < 500) {
                return new SendResult.Failed(SendResult.Kind.PERMANENT, label);
            }
            return new SendResult.Failed(SendResult.Kind.RETRYABLE, label);
        }
        if (err instanceof ApiConnectionException) {
            return new SendResult.Failed(SendResult.Kind.RETRYABLE, "unreachable");
        }
        return new SendResult.Failed(SendResult.Kind.RETRYABLE, err.getClass().getSimpleName());
    }
}
