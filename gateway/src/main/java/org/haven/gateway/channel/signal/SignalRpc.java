package org.haven.gateway.channel.signal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JSON-RPC 2.0 client of signal-cli's HTTP daemon ({@code signal-cli daemon --http}, signal-cli
 * 0.14.6, man page signal-cli-jsonrpc(5)): one request per {@code POST /api/v1/rpc}, the command
 * name as {@code method}, its options in camelCase as {@code params}, with the {@code account}
 * parameter always set so that a multi-account daemon works too. The events stream ({@code GET
 * /api/v1/events}) is read by {@link SignalEvents} on the same client.
 *
 * <p>Never logs: parameters and results carry addresses and message text.
 */
final class SignalRpc {
    static final String RPC_PATH = "/api/v1/rpc";
    static final String EVENTS_PATH = "/api/v1/events";

    /** Longest accepted answer: a receive of a hundred envelopes stays far below. */
    private static final int MAX_ANSWER = 4 * 1024 * 1024;

    /** A JSON-RPC error answer: signal-cli's code (-1 user error, -3 I/O, -5 rate limit…). */
    static final class RpcError extends RuntimeException {
        final int code;
        final JsonObject data;

        RpcError(int code, JsonObject data) {
            super("signal-cli error " + code, null, false, false);
            this.code = code;
            this.data = data;
        }
    }

    /** The daemon answered with an HTTP status other than 200 (or not JSON). */
    static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status) {
            super("signal-cli http status " + status, null, false, false);
            this.status = status;
        }
    }

    private final Vertx vertx;
    private final SignalConfig config;
    private final HttpClientAgent http;
    private final AtomicLong ids = new AtomicLong();

    SignalRpc(Vertx vertx, SignalConfig config) {
        this.vertx = vertx;
        this.config = config;
        URI url = config.url();
        this.http =
                vertx.createHttpClient(
                        new HttpClientOptions()
                                .setDefaultHost(url.getHost())
                                .setDefaultPort(url.getPort())
                                .setSsl("https".equals(url.getScheme()))
                                .setConnectTimeout(5_000));
    }

    HttpClientAgent http() {
        return http;
    }

    SignalConfig config() {
        return config;
    }

    /**
     * Calls {@code method}; the future holds the {@code result} member (a JSON value of any type),
     * or fails with {@link RpcError}, {@link HttpError} or the transport's exception.
     */
    Future<Object> call(String method, JsonObject params, long timeoutMillis) {
        return call(method, params, timeoutMillis, MAX_ANSWER);
    }

    /**
     * Like {@link #call(String, JsonObject, long)}, taking an answer of up to {@code maxAnswer}
     * bytes ({@code getAttachment}'s base64 of a file is larger than any other answer).
     */
    Future<Object> call(String method, JsonObject params, long timeoutMillis, int maxAnswer) {
        if (Vertx.currentContext() == null) {
            // chained from a thread of no context, an answer arriving between two steps of the
            // chain, before its body was asked for, would be lost and the call never complete
            Promise<Object> answer = Promise.promise();
            vertx.runOnContext(
                    v -> call(method, params, timeoutMillis, maxAnswer).onComplete(answer));
            return answer.future();
        }
        JsonObject request =
                new JsonObject()
                        .put("jsonrpc", "2.0")
                        .put("method", method)
                        .put("params", params.copy().put("account", config.account()))
                        .put("id", String.valueOf(ids.incrementAndGet()));
        RequestOptions options =
                new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI(RPC_PATH)
                        .putHeader("Content-Type", "application/json")
                        .setIdleTimeout(timeoutMillis);
        return http.request(options)
                .compose(req -> req.send(request.toBuffer()))
                .compose(response -> answer(response, maxAnswer));
    }

    private static Future<Object> answer(HttpClientResponse response, int maxAnswer) {
        if (response.statusCode() != 200) {
            // 201: a notification had no answer; anything else is the daemon's trouble
            return response.body()
                    .transform(ar -> Future.failedFuture(new HttpError(response.statusCode())));
        }
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,11}") && Long.parseLong(length) > maxAnswer) {
            // not read into memory at all: the connection is dropped
            response.request().reset();
            return Future.failedFuture(new HttpError(413));
        }
        return response.body()
                .compose(
                        body -> {
                            if (body.length() > maxAnswer) {
                                return Future.failedFuture(new HttpError(413));
                            }
                            return parse(body);
                        });
    }

    private static Future<Object> parse(Buffer body) {
        try {
            JsonObject answer = new JsonObject(body);
            JsonObject error = answer.getJsonObject("error");
            if (error != null) {
                Object data = error.getValue("data");
                return Future.failedFuture(
                        new RpcError(
                                error.getInteger("code", 0),
                                data instanceof JsonObject d ? d : new JsonObject()));
            }
            return Future.succeededFuture(answer.getValue("result"));
        } catch (DecodeException | ClassCastException e) {
            return Future.failedFuture(new HttpError(200));
        }
    }

    Future<Void> close() {
        return http.close();
    }
}
