package org.haven.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.haven.gateway.config.HttpTimeouts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server's time limits ({@link HttpTimeouts}). The idle timeout is Vert.x's own option;
 * the header and body timeouts are not offered by Vert.x, so this watches each HTTP/1.1 connection
 * around Vert.x's request decoder: a request's head must be decoded within the header timeout of
 * its first byte (for the first request, of the connection's start), and its last content within
 * the body timeout of the head; past either the connection is closed. Between requests, and after
 * an upgrade to a web chat socket, only the idle timeout applies.
 *
 * <p>The decoder is found by Vert.x's internal name for it ({@value #DECODER}) on the Netty
 * pipeline of the connection ({@link NettyChannels}, Vert.x-internal): a Vert.x upgrade that
 * changes either is caught by {@code RequestTimeoutsTest}, and logged at start-up of the first
 * connection ({@code event=http_timeouts_unavailable}). HTTP/2 in clear text is turned off, so that
 * every connection is HTTP/1.1 from its first byte (the proxies in front speak HTTP/1.1).
 *
 * <p>A request whose first bytes arrive in the same read as the end of the one before (pipelined)
 * is timed from the next bytes that arrive, so it lasts at most the idle timeout plus the header
 * timeout.
 */
public final class RequestTimeouts implements Handler<HttpConnection> {
    private static final Logger LOG = LoggerFactory.getLogger(RequestTimeouts.class);

    /** Vert.x's name for its HTTP/1.x request decoder in the connection's pipeline. */
    static final String DECODER = "httpDecoder";

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final long headerNanos;
    private final long bodyNanos;

    private RequestTimeouts(HttpTimeouts timeouts) {
        this.headerNanos = timeouts.header().toNanos();
        this.bodyNanos = timeouts.body().toNanos();
    }

    /**
     * Sets the idle timeout on {@code options}, turns HTTP/2 in clear text off, and returns the
     * connection handler that times each request's head and body.
     */
    public static RequestTimeouts apply(HttpServerOptions options, HttpTimeouts timeouts) {
        options.setIdleTimeout((int) timeouts.idle().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setHttp2ClearTextEnabled(false);
        return new RequestTimeouts(timeouts);
    }

    @Override
    public void handle(HttpConnection connection) {
        ChannelPipeline pipeline = NettyChannels.of(connection).map(Channel::pipeline).orElse(null);
        if (pipeline == null || pipeline.get(DECODER) == null) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn(
                        "event=http_timeouts_unavailable connection={}",
                        connection.getClass().getSimpleName());
            }
            return;
        }
        Watch watch = new Watch();
        pipeline.addBefore(DECODER, "havenRequestBytes", watch.bytes);
        pipeline.addAfter(DECODER, "havenRequestParts", watch.parts);
    }

    /** One connection's state, touched only on its event loop. */
    private final class Watch {
        private ScheduledFuture<?> deadline;

        /**
         * From a request's first byte (or the connection's start) until its last content is
         * decoded.
         */
        private boolean inRequest;

        final ChannelInboundHandlerAdapter bytes =
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        inRequest = true;
                        arm(ctx, headerNanos, "header");
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (!inRequest && msg instanceof ByteBuf b && b.isReadable()) {
                            if (ctx.pipeline().get(DECODER) == null) {
                                detach(ctx.pipeline()); // upgraded: a web chat socket, pinged
                                // and idle-timed on its own
                            } else {
                                inRequest = true;
                                arm(ctx, headerNanos, "header");
                            }
                        }
                        ctx.fireChannelRead(msg);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        cancel();
                        ctx.fireChannelInactive();
                    }

                    @Override
                    public void handlerRemoved(ChannelHandlerContext ctx) {
                        cancel();
                    }
                };

        final ChannelInboundHandlerAdapter parts =
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest) {
                            arm(ctx, bodyNanos, "body");
                        }
                        if (msg instanceof LastHttpContent) {
                            inRequest = false;
                            cancel();
                        }
                        ctx.fireChannelRead(msg);
                    }
                };

        private void arm(ChannelHandlerContext ctx, long nanos, String part) {
            cancel();
            deadline =
                    ctx.executor()
                            .schedule(
                                    () -> {
                                        LOG.debug("event=http_request_timeout part={}", part);
                                        ctx.channel().close();
                                    },
                                    nanos,
                                    TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        private void detach(ChannelPipeline pipeline) {
            cancel();
            if (pipeline.get("havenRequestParts") != null) {
                pipeline.remove(parts);
            }
            pipeline.remove(bytes);
        }
    }
}
