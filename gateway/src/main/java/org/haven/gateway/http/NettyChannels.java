package org.haven.gateway.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.Optional;

/**
 * The Netty channel under a Vert.x HTTP connection, for the two things Vert.x's API does not do:
 * timing a request's head and body ({@link RequestTimeouts}), and closing an upgraded web chat
 * socket whose close frame cannot be written. Vert.x-internal ({@code ConnectionBase}): the one
 * place that reaches under Vert.x, checked by RequestTimeoutsTest and WebChatAbuseTest.
 */
public final class NettyChannels {
    private NettyChannels() {}

    /**
     * The channel of {@code connection}, if Vert.x still builds connections on {@code
     * ConnectionBase}.
     */
    static Optional<Channel> of(HttpConnection connection) {
        return connection instanceof ConnectionBase base
                ? Optional.of(base.channel())
                : Optional.empty();
    }

    /**
     * Closes the TCP connection under {@code connection} now, whatever waits to be written on it
     * and whatever it was upgraded to (the connection Vert.x gave the upgrade request no longer
     * closes it once upgraded); falls back to {@link HttpConnection#close()}.
     */
    public static void closeNow(HttpConnection connection) {
        of(connection).ifPresentOrElse(NettyChannels::closeUnderVertx, connection::close);
    }

    /**
     * Closes from the front of the pipeline: Vert.x's own handler at its end would turn a close of
     * the channel into a graceful one, which waits for a close frame that cannot be written.
     */
    private static void closeUnderVertx(Channel channel) {
        ChannelHandlerContext first = channel.pipeline().firstContext();
        if (first != null) {
            first.close();
        } else {
            channel.close();
        }
    }
}
