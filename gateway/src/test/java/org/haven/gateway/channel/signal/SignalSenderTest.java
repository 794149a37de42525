package org.haven.gateway.channel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.outbox.SendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How signal-cli's answers to {@code send} become the outbox's send results: a table of its error
 * codes (SignalJsonRpcCommandHandler, 0.14.6) and per-recipient result types
 * (JsonSendMessageResult).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SignalSenderTest {

    /** Verifies each error code and result type against the kind of failure it means. */
    @ParameterizedTest
    @CsvSource({
        "-5, RATE_LIMIT_FAILURE, RATE_LIMITED, rate_limited",
        "-4, IDENTITY_FAILURE, PERMANENT, untrusted_identity",
        "-3, NETWORK_FAILURE, RETRYABLE, io_error",
        "-1, UNREGISTERED_FAILURE, RECIPIENT_STOPPED, unregistered",
        "-1, NETWORK_FAILURE, RETRYABLE, network_failure",
        "-1, INVALID_PRE_KEY_FAILURE, PERMANENT, refused_1",
        "-32602, SUCCESS, PERMANENT, refused_32602",
    })
    void testErrorAnswerIsClassified(int code, String type, SendResult.Kind kind, String label) {
        JsonObject data =
                new JsonObject()
                        .put(
                                "response",
                                new JsonObject()
                                        .put("timestamp", 1)
                                        .put(
                                                "results",
                                                new JsonArray()
                                                        .add(
                                                                new JsonObject()
                                                                        .put("type", type)
                                                                        .put(
                                                                                "retryAfterSeconds",
                                                                                90))));
        SendResult.Failed failed = SignalSender.classify(new SignalRpc.RpcError(code, data));
        assertEquals(kind, failed.kind());
        assertEquals(label, failed.code());
        if (kind == SendResult.Kind.RATE_LIMITED) {
            assertEquals(Duration.ofSeconds(90), failed.retryAfter());
        }
    }

    /** Verifies that a daemon that is down or answers badly is tried again later. */
    @Test
    void testUnreachableDaemonIsRetried() {
        assertEquals(
                SendResult.Kind.RETRYABLE,
                SignalSender.classify(new ConnectException("refused")).kind());
        assertEquals("http_503", SignalSender.classify(new SignalRpc.HttpError(503)).code());
    }
}
