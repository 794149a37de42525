package org.haven.gateway.cli;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.haven.gateway.config.DatabaseUrl;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.backup.BackupException;
import org.postgresql.util.PSQLException;

/**
 * Why a command failed, as the rest of one {@code haven: } line an operator acts on: the file and
 * the system's reason ("/x/y: permission denied", "…: no space left on device"), or what the
 * database said when it refused the connection ("password authentication failed for user
 * \"haven\""). Never the database URL's password, and never a server message that may quote data:
 * other database errors are named by their SQLSTATE only.
 */
public final class Reasons {
    private Reasons() {}

    /** The reason for {@code e}; {@code db} names the database connected to, if any. */
    public static String of(Throwable e, Optional<DatabaseUrl> db) {
        return known(e, db).orElse(e.getClass().getSimpleName());
    }

    /**
     * The reason for {@code e} if it (or a cause) is a file's, the database's or a backup's; else
     * empty.
     */
    public static Optional<String> known(Throwable e, Optional<DatabaseUrl> db) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BackupException b) {
                return Optional.of(b.getMessage());
            }
            if (t instanceof FileSystemException fs) {
                return Optional.of(file(fs));
            }
            if (t instanceof SQLException sql) {
                return Optional.of(database(sql, db));
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return Optional.of(
                        "cannot connect to the database"
                                + where(db)
                                + ": "
                                + (t instanceof ConnectException
                                        ? "connection refused"
                                        : "unknown host"));
            }
        }
        // an error of the pool (a command's work): named by its SQLSTATE, as its message may quote
        // data
        return Database.sqlState(e)
                .map(
                        state ->
                                (state.startsWith("08") || state.startsWith("57P")
                                                ? "the database went away"
                                                : "the database refused the command")
                                        + " (SQLSTATE "
                                        + state
                                        + ")");
    }

    /** "&lt;file&gt;: &lt;reason&gt;", the reason as the system gives it, in lower case. */
    static String file(FileSystemException e) {
        String reason;
        if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (e instanceof FileAlreadyExistsException) {
            reason = "already exists";
        } else if (e instanceof DirectoryNotEmptyException) {
            reason = "directory not empty";
        } else if (e instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (e.getReason() != null) {
            reason = e.getReason().toLowerCase(Locale.ROOT);
        } else {
            reason = e.getClass().getSimpleName();
        }
        return e.getFile() == null ? reason : e.getFile() + ": " + reason;
    }

    private static String where(Optional<DatabaseUrl> db) {
        return db.map(u -> " at " + u.host() + ":" + u.port() + "/" + u.database()).orElse("");
    }

    /** A refused connection or login as the server said it; any other error by its SQLSTATE. */
    static String database(SQLException e, Optional<DatabaseUrl> db) {
        String where = where(db);
        String state = String.valueOf(e.getSQLState());
        if (state.startsWith("08")) {
            Throwable cause = e.getCause();
            String why =
                    cause instanceof ConnectException
                            ? "connection refused"
                            : cause instanceof UnknownHostException
                                    ? "unknown host"
                                    : cause != null
                                            ? cause.getClass().getSimpleName()
                                            : "SQLSTATE " + state;
            return "cannot connect to the database" + where + ": " + why;
        }
        if (state.startsWith("28") || state.equals("3D000")) {
            // a refused login (28P01, 28000) or an unknown database: the server's message names the
            // user or the database, never the password
            String said =
                    e instanceof PSQLException p && p.getServerErrorMessage() != null
                            ? p.getServerErrorMessage().getMessage()
                            : "SQLSTATE " + state;
            return "cannot log in to the database" + where + ": " + said;
        }
        return "the database refused the command (SQLSTATE " + state + ")";
    }
}
