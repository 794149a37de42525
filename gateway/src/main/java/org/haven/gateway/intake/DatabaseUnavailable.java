package org.haven.gateway.intake;

import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;

/** Tells a failure because PostgreSQL cannot be reached from any other failure (a bug, bad data). */
final class DatabaseUnavailable {
    private DatabaseUnavailable() {
    }

    static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ClosedChannelException
                    || t instanceof io.netty.channel.ConnectTimeoutException
                    || t instanceof io.vertx.sqlclient.ClosedConnectionException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (message.contains("connection refused") || message.contains("connection reset")
                    || message.contains("closed connection") || message.contains("connection is closed")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
