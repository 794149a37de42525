package org.haven.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.FileSystemException;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.haven.gateway.config.DatabaseUrl;
import org.junit.jupiter.api.Test;

/**
 * The reasons a command's error line gives, for the errors a command meets past opening the
 * database.
 */
class ReasonsTest {

    /**
     * Verifies that an error of the pool (met by a command's work) is named by its SQLSTATE,
     * wrapped or not, and never by the server's message, which may quote a row.
     */
    @Test
    void testPoolErrorsAreNamedByTheirSqlStateOnly() {
        PgException quoting =
                new PgException(
                        "duplicate key value (username)=(+14165550199)",
                        "ERROR",
                        "23505",
                        "Key exists");
        assertEquals(
                "the database refused the command (SQLSTATE 23505)",
                Reasons.of(new CompletionException(quoting), Optional.empty()));
        assertEquals(
                "the database went away (SQLSTATE 57P01)",
                Reasons.of(
                        new PgException(
                                "terminating connection due to administrator command",
                                "FATAL",
                                "57P01",
                                null),
                        Optional.empty()));
    }

    /**
     * Verifies that a refused TCP connection names the database (host, port, database, never the
     * password), and that a write's error names the file and the system's reason in lower case.
     */
    @Test
    void testConnectionAndFileErrorsNameWhere() {
        DatabaseUrl db = DatabaseUrl.parse("postgresql://haven:pw-S3cret@db.example:5433/haven");
        assertEquals(
                "cannot connect to the database at db.example:5433/haven: connection refused",
                Reasons.of(
                        new IOException(
                                new ConnectException(
                                        "Connection refused: db.example/10.0.0.5:5433")),
                        Optional.of(db)));
        assertEquals(
                "/backups/x: no space left on device",
                Reasons.of(
                        new FileSystemException("/backups/x", null, "No space left on device"),
                        Optional.of(db)));
        assertEquals(
                "IllegalStateException",
                Reasons.of(new IllegalStateException("anything at all"), Optional.of(db)));
    }
}
