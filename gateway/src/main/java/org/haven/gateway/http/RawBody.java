package org.haven.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body of at most a set size, as bytes, for routes that parse it themselves (a
 * webhook's form). Unlike Vert.x's {@code BodyHandler} it decodes nothing: a form would otherwise
 * be parsed twice on the path of every inbound message. Too large a body is answered 413 from its
 * Content-Length, or as soon as the bytes read pass the limit, without reading the rest.
 */
public final class RawBody implements Handler<RoutingContext> {
    private static final String KEY = "haven.rawBody";

    private final int limit;

    private RawBody(int limit) {
        this.limit = limit;
    }

    /** A handler that keeps bodies of up to {@code bytes} bytes. */
    public static RawBody upTo(int bytes) {
        return new RawBody(bytes);
    }

    /** The body a {@link RawBody} handler read before this route's handler ran. */
    public static Buffer of(RoutingContext ctx) {
        Buffer body = ctx.get(KEY);
        return body == null ? Buffer.buffer() : body;
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && !fits(length)) {
            ctx.response().setStatusCode(413).putHeader(HttpHeaders.CONNECTION, "close").end();
            return;
        }
        if (request.isEnded()) {
            ctx.put(KEY, Buffer.buffer());
            ctx.next();
            return;
        }
        Buffer body = Buffer.buffer(length == null ? 1024 : Integer.parseInt(length.strip()));
        boolean[] refused = {false};
        request.handler(
                chunk -> {
                    if (refused[0]) {
                        return;
                    }
                    if (body.length() + chunk.length() > limit) {
                        refused[0] = true;
                        ctx.response()
                                .setStatusCode(413)
                                .putHeader(HttpHeaders.CONNECTION, "close")
                                .end();
                        return;
                    }
                    body.appendBuffer(chunk);
                });
        request.exceptionHandler(
                err -> {
                    refused[0] = true;
                    if (!ctx.response().ended()) {
                        ctx.fail(400, err);
                    }
                });
        request.endHandler(
                v -> {
                    if (!refused[0]) {
                        ctx.put(KEY, body);
                        ctx.next();
                    }
                });
        request.resume();
    }

    private boolean fits(String length) {
        try {
            long n = Long.parseLong(length.strip());
            return n >= 0 && n <= limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
