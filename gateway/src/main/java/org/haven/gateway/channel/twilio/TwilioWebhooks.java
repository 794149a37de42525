package org.haven.gateway.channel.twilio;

import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.haven.gateway.http.RawBody;
import org.haven.gateway.logging.RepeatedLog;
import org.haven.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhooks of one Twilio channel (SMS, WhatsApp): every request is checked against the
 * account's signature over the public URL and the raw form before anything else is read, and the
 * delivery reports Twilio posts for the channel's messages are recorded in the outbox. Refused
 * requests are logged as {@code <channel>_webhook_rejected}, once a minute with a count (a forged
 * webhook can be sent in a loop).
 */
public final class TwilioWebhooks {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhooks.class);

    /** Largest webhook body accepted; a real one is a few kilobytes at most. */
    public static final int MAX_BODY = 32 * 1024;

    /** A message SID: SM for a text, MM for a message with media. */
    public static final Pattern MESSAGE_SID = Pattern.compile("(SM|MM)[0-9a-fA-F]{32}");

    private static final Set<String> STATUSES =
            Set.of(
                    "accepted",
                    "scheduled",
                    "queued",
                    "sending",
                    "sent",
                    "delivered",
                    "undelivered",
                    "failed",
                    "read",
                    "receiving",
                    "received",
                    "canceled",
                    "partially_delivered");

    private final TwilioAccount account;
    private final String channel;
    private final Outbox outbox;
    private final RepeatedLog rejected;

    /**
     * @param channel the channel's name, as the outbox stores it and as log events start
     */
    public TwilioWebhooks(TwilioAccount account, String channel, Outbox outbox) {
        this.account = account;
        this.channel = channel;
        this.outbox = outbox;
        this.rejected = new RepeatedLog(LOG);
    }

    /**
     * Mounts the channel's inbound and status webhooks, each behind the body size limit (413 from
     * Content-Length or while reading, before anything is parsed).
     */
    public void mount(
            Router router,
            String messagePath,
            Handler<RoutingContext> onMessage,
            String statusPath) {
        RawBody limit = RawBody.upTo(MAX_BODY);
        router.post(messagePath).handler(limit).handler(onMessage);
        router.post(statusPath).handler(limit).handler(this::onStatus);
    }

    /**
     * The form parameters of a request whose signature is valid, or null once it was answered (403
     * unsigned or wrongly signed or from another account, 400 not a UTF-8 form).
     */
    public Map<String, String> verified(RoutingContext ctx, String hook) {
        String signature = ctx.request().getHeader("X-Twilio-Signature");
        if (signature == null || signature.isBlank()) {
            reject(ctx, 403, hook, "missing_signature");
            return null;
        }
        Map<String, String> params = TwilioForm.parse(RawBody.of(ctx));
        if (params == null) {
            reject(ctx, 400, hook, "bad_encoding");
            return null;
        }
        // Twilio signs the URL it was given: the public base plus the path (and any query) it
        // posted to
        String url = account.publicUrl() + ctx.request().uri();
        if (!TwilioSignature.valid(account.authToken(), url, params, signature)) {
            reject(ctx, 403, hook, "bad_signature");
            return null;
        }
        if (!account.accountSid().equals(params.get("AccountSid"))) {
            reject(ctx, 403, hook, "other_account");
            return null;
        }
        return params;
    }

    /** Answers a refused request with {@code status} and logs why (no content of the request). */
    public void reject(RoutingContext ctx, int status, String hook, String reason) {
        rejected.info(
                channel + "_webhook_rejected", "hook={} status={} reason={}", hook, status, reason);
        ctx.response().setStatusCode(status).end();
    }

    private void onStatus(RoutingContext ctx) {
        Map<String, String> p = verified(ctx, "status");
        if (p == null) {
            return;
        }
        String sid = p.get("MessageSid");
        String status = p.get("MessageStatus");
        if (sid == null
                || !MESSAGE_SID.matcher(sid).matches()
                || status == null
                || !STATUSES.contains(status)) {
            reject(ctx, 400, "status", "missing_parameters");
            return;
        }
        outbox.recordDeliveryStatus(channel, sid, status)
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                LOG.warn(
                                        "event={}_status_failed kind={}",
                                        channel,
                                        ar.cause().getClass().getSimpleName());
                                ctx.response().setStatusCode(500).end();
                                return;
                            }
                            LOG.info(
                                    "event={}_delivery_status status={} known={} error_code={}",
                                    channel,
                                    status,
                                    ar.result(),
                                    p.getOrDefault("ErrorCode", "-").replaceAll("[^0-9]", ""));
                            ctx.response().setStatusCode(204).end();
                        });
    }
}
