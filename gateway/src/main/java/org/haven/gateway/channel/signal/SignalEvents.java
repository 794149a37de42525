package org.haven.gateway.channel.signal;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * signal-cli's events stream: {@code GET /api/v1/events?account=…}, Server-Sent Events (text/event
 * stream, as ServerSentEventSender writes it in signal-cli 0.14.6): one event {@code receive} per
 * incoming envelope, its {@code data} the JSON object {@code {"envelope":…,"account":…}}, and a
 * comment line ({@code :}) every 15 seconds to keep the connection alive. The reader parses the
 * stream as the SSE specification says (fields, comments, multi-line data, CRLF) and hands each
 * {@code receive} event's data on; the idle timeout notices a daemon that went away without closing
 * the connection.
 */
final class SignalEvents {
    /** Three keep-alives missed: the connection is dead. */
    static final long IDLE_TIMEOUT_MILLIS = 50_000;

    /** Longest line accepted; an envelope with its attachments' metadata is a few kilobytes. */
    private static final int MAX_LINE = 1024 * 1024;

    private SignalEvents() {}

    /**
     * Opens the stream. The future succeeds with the open response once the daemon answered 200
     * (the caller pauses and resumes it for back-pressure); {@code onEvent} then gets each event's
     * data, and {@code onClose} is called once when the stream ends or breaks.
     */
    static Future<HttpClientResponse> open(
            SignalRpc rpc, Handler<JsonObject> onEvent, Handler<Void> onClose) {
        RequestOptions options =
                new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setURI(
                                SignalRpc.EVENTS_PATH
                                        + "?account="
                                        + URLEncoder.encode(
                                                rpc.config().account(), StandardCharsets.UTF_8))
                        .putHeader("Accept", "text/event-stream")
                        .setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        return rpc.http()
                .request(options)
                .compose(req -> req.send())
                .compose(
                        response -> {
                            if (response.statusCode() != 200) {
                                response.request().reset();
                                return Future.failedFuture(
                                        new SignalRpc.HttpError(response.statusCode()));
                            }
                            Parser parser = new Parser(onEvent);
                            RecordParser lines =
                                    RecordParser.newDelimited("\n", parser::line)
                                            .maxRecordSize(MAX_LINE);
                            boolean[] closed = {false};
                            Handler<Void> once =
                                    v -> {
                                        if (!closed[0]) {
                                            closed[0] = true;
                                            onClose.handle(null);
                                        }
                                    };
                            lines.exceptionHandler(
                                    err -> {
                                        response.request().reset();
                                        once.handle(null);
                                    });
                            response.handler(lines);
                            response.exceptionHandler(err -> once.handle(null));
                            response.endHandler(once);
                            return Future.succeededFuture(response);
                        });
    }

    /** The SSE fields of the event being read, up to its blank line. */
    static final class Parser {
        private final Handler<JsonObject> onEvent;
        private final StringBuilder data = new StringBuilder();
        private String event = "";

        Parser(Handler<JsonObject> onEvent) {
            this.onEvent = onEvent;
        }

        void line(Buffer raw) {
            String line = raw.toString(StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            if (line.startsWith(":")) {
                return; // a comment: signal-cli's keep-alive
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> event = value;
                case "data" -> {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(value);
                }
                default -> {
                    // id, retry: signal-cli sends neither; nothing to resume from
                }
            }
        }

        private void dispatch() {
            String type = event.isEmpty() ? "message" : event;
            String payload = data.toString();
            event = "";
            data.setLength(0);
            if (!"receive".equals(type) || payload.isEmpty()) {
                return;
            }
            try {
                onEvent.handle(new JsonObject(payload));
            } catch (DecodeException | ClassCastException e) {
                onEvent.handle(new JsonObject()); // counted as unreadable by the channel
            }
        }
    }
}
