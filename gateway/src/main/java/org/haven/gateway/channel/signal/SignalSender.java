package org.haven.gateway.channel.signal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.haven.bot.Reply;
import org.haven.bot.render.SmsRenderer;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;

/**
 * Delivers outbox messages with signal-cli's {@code send} (recipient: the person's ACI), options
 * numbered as on SMS, since Signal has no buttons. Nothing else is ever sent: no typing indicator,
 * no read receipt. The provider id stored with a sent row is the message's timestamp (several
 * joined by commas when a long reply was split), which is how Signal names a message: DELETE and
 * the duress word delete those messages again on the person's phone ({@code remoteDelete}).
 */
final class SignalSender implements ChannelSender {
    /**
     * A generous budget: Signal has no segments, but a very long text becomes an attachment on
     * older clients, so a reply is split at about 1,900 characters (840 outside GSM-7).
     */
    private static final SmsRenderer RENDERER = new SmsRenderer(12, true);

    private static final Pattern ADDRESS =
            Pattern.compile(
                    "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\\+[1-9][0-9]{6,14}");

    private static final long SEND_TIMEOUT_MILLIS = 30_000;

    private final SignalRpc rpc;
    private final int maxPerSecond;

    SignalSender(SignalRpc rpc, int maxPerSecond) {
        this.rpc = rpc;
        this.maxPerSecond = maxPerSecond;
    }

    @Override
    public String channel() {
        return SignalChannel.NAME;
    }

    /**
     * Signal limits new and busy accounts without saying how much: {@code
     * HAVEN_SIGNAL_MAX_PER_SECOND}.
     */
    @Override
    public int maxPerSecond() {
        return maxPerSecond;
    }

    @Override
    public Duration minIntervalPerRecipient() {
        return Duration.ofMillis(500);
    }

    @Override
    public Duration validity() {
        return Duration.ofHours(24);
    }

    @Override
    public Future<SendResult> send(OutboundMessage m) {
        if (m.address() == null || !ADDRESS.matcher(m.address()).matches()) {
            return Future.succeededFuture(
                    new SendResult.Failed(SendResult.Kind.PERMANENT, "bad_address"));
        }
        Reply reply = new Reply(m.text(), m.options(), m.language(), m.rtl(), m.multiple());
        return sendAll(m.address(), texts(reply))
                .<SendResult>map(ids -> new SendResult.Sent(String.join(",", ids)))
                .recover(err -> Future.succeededFuture(classify(err)));
    }

    /** The texts of one reply, as many Signal messages as it takes (usually one). */
    static List<String> texts(Reply reply) {
        return RENDERER.texts(reply);
    }

    /** Sends the texts in order; the future holds their timestamps. */
    Future<List<String>> sendAll(String address, List<String> texts) {
        Future<List<String>> chain = Future.succeededFuture(new ArrayList<>());
        for (String text : texts) {
            chain =
                    chain.compose(
                            ids ->
                                    sendOne(address, text)
                                            .map(
                                                    ts -> {
                                                        ids.add(ts);
                                                        return ids;
                                                    }));
        }
        return chain;
    }

    private Future<String> sendOne(String address, String text) {
        JsonObject params =
                new JsonObject()
                        .put("recipient", new JsonArray().add(address))
                        .put("message", text);
        return rpc.call("send", params, SEND_TIMEOUT_MILLIS)
                .map(
                        result -> {
                            if (result instanceof JsonObject r && r.getValue("timestamp") != null) {
                                return String.valueOf(r.getValue("timestamp"));
                            }
                            return "";
                        });
    }

    /**
     * signal-cli's error codes (SignalJsonRpcCommandHandler): -5 rate limit, -4 the person's safety
     * number changed (untrusted identity: an operator must look), -3 I/O, -1 refused, with each
     * recipient's result type in {@code data.response.results}.
     */
    static SendResult.Failed classify(Throwable err) {
        if (err instanceof SignalRpc.RpcError e) {
            List<String> types = new ArrayList<>();
            long retryAfter = 0;
            JsonArray results =
                    e.data.getValue("response") instanceof JsonObject response
                                    && response.getValue("results") instanceof JsonArray r
                            ? r
                            : null;
            if (results != null) {
                for (Object o : results) {
                    if (o instanceof JsonObject r) {
                        types.add(String.valueOf(r.getValue("type")));
                        Object after = r.getValue("retryAfterSeconds");
                        if (after instanceof Number n) {
                            retryAfter = Math.max(retryAfter, n.longValue());
                        }
                    }
                }
            }
            return switch (e.code) {
                case -5 ->
                        new SendResult.Failed(
                                SendResult.Kind.RATE_LIMITED,
                                "rate_limited",
                                Duration.ofSeconds(Math.min(Math.max(retryAfter, 5), 3600)));
                case -4 -> new SendResult.Failed(SendResult.Kind.PERMANENT, "untrusted_identity");
                case -3 -> new SendResult.Failed(SendResult.Kind.RETRYABLE, "io_error");
                default -> {
                    if (types.contains("UNREGISTERED_FAILURE")) {
                        yield new SendResult.Failed(
                                SendResult.Kind.RECIPIENT_STOPPED, "unregistered");
                    }
                    if (types.contains("NETWORK_FAILURE")) {
                        yield new SendResult.Failed(SendResult.Kind.RETRYABLE, "network_failure");
                    }
                    yield new SendResult.Failed(
                            SendResult.Kind.PERMANENT, "refused_" + Math.abs(e.code));
                }
            };
        }
        if (err instanceof SignalRpc.HttpError e) {
            return new SendResult.Failed(SendResult.Kind.RETRYABLE, "http_" + e.status);
        }
        // the daemon is restarting or unreachable: the outbox tries again
        return new SendResult.Failed(SendResult.Kind.RETRYABLE, "unreachable");
    }
}
