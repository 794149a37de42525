package org.haven.gateway.channel.twilio;

import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.MessageCreator;
import com.twilio.rest.api.v2010.account.message.Media;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.haven.gateway.outbox.SendResult;

/**
 * Twilio's REST API for one account, through the official SDK and {@link BaseUrlHttpClient}: the
 * one place SMS and WhatsApp send messages and delete the media Twilio holds. The SDK blocks, so
 * each call runs on a worker thread. Failures are classified for the outbox, which retries: network
 * errors, timeouts and 5xx are retryable, 429 slows down, 21610 (the person opted out) stops the
 * conversation, any other 4xx is permanent.
 */
public final class TwilioApi {
    /** Twilio's error: the recipient unsubscribed (replied STOP). */
    public static final int UNSUBSCRIBED = 21610;

    private final Vertx vertx;
    private final TwilioAccount account;
    private final TwilioRestClient client;

    public TwilioApi(Vertx vertx, TwilioAccount account) {
        this.vertx = vertx;
        this.account = account;
        this.client =
                new TwilioRestClient.Builder(account.accountSid(), account.authToken())
                        .httpClient(new BaseUrlHttpClient(account.apiUrl()))
                        .build();
    }

    /** The account this API acts for. */
    public TwilioAccount account() {
        return account;
    }

    /**
     * Creates the messages one after the other (the parts of one long text); the result names the
     * last one's SID. If a later one fails, a retry sends the earlier ones again: Twilio's Messages
     * API has no idempotency key. Never fails the future.
     */
    public Future<SendResult> send(List<MessageCreator> parts) {
        return vertx.<SendResult>executeBlocking(
                        () -> {
                            String sid = null;
                            for (MessageCreator part : parts) {
                                sid = part.create(client).getSid();
                            }
                            return new SendResult.Sent(sid);
                        },
                        false)
                .recover(err -> Future.succeededFuture(classify(err)));
    }

    /** Deletes a media file Twilio holds for a received message. */
    public Future<Boolean> deleteMedia(String messageSid, String mediaSid) {
        return vertx.executeBlocking(
                () -> Media.deleter(account.accountSid(), messageSid, mediaSid).delete(client),
                false);
    }

    /**
     * Maps what the SDK threw to the outbox's kinds; the code never carries the provider's message
     * text.
     */
    public static SendResult.Failed classify(Throwable err) {
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
