package org.haven.gateway.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.util.Locale;

/**
 * Tells a failure because PostgreSQL cannot be reached from any other failure (a bug, bad data).
 * Unreachable means: the connection could not be made or broke (any I/O error of the transport,
 * such as a refused connect, a reset, or a write to a socket the server has just closed, "Broken
 * pipe"), or the server said it is shutting down, starting or not accepting connections (SQLSTATE
 * classes 08 and 57P; 55000 "database is not currently accepting connections"), or that it is out
 * of a resource (class 53: disk full, out of memory, too many connections), which a later try may
 * have again. An error the server answered about a statement is not.
 */
public final class DatabaseUnavailable {
    private DatabaseUnavailable() {}

    /** Whether {@code error}, or one of its causes, says the database cannot be reached. */
    public static boolean is(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof ClosedConnectionException) {
                return true;
            }
            if (t instanceof PgException pg && pg.getSqlState() != null && unavailable(pg)) {
                return true;
            }
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("connection refused")
                    || message.contains("connection reset")
                    || message.contains("closed connection")
                    || message.contains("connection is closed")
                    || message.contains("broken pipe")
                    || message.contains("connection is not active")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean unavailable(PgException pg) {
        String state = pg.getSqlState();
        return state.startsWith("08")
                || state.startsWith("57P")
                || state.startsWith("53")
                || state.equals("55000")
                        && String.valueOf(pg.getErrorMessage())
                                .contains("not currently accepting connections");
    }
}
