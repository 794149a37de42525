package org.haven.gateway.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.Haven;
import org.haven.gateway.Main;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the administrator's commands share: the server's configuration, a database connection opened
 * the way the server opens it (migrating if needed), and one-line errors.
 */
final class Cli {
    private Cli() {}

    /** Work on the database; returns the exit code. */
    interface Work {
        int run(Database database, HavenConfig config) throws Exception;
    }

    /**
     * Work on the database that also needs the command's Vert.x (key ceremonies run Argon2id off
     * its event loop).
     */
    interface VertxWork {
        int run(Vertx vertx, Database database, HavenConfig config) throws Exception;
    }

    /** A failure to report as one line and exit 1. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message);
        }
    }

    static int withDatabase(Main main, PrintWriter err, Work work) {
        return withDatabase(main, err, (vertx, database, config) -> work.run(database, config));
    }

    /**
     * The configuration, or empty after telling {@code err} why it is invalid (the command then
     * exits 2).
     */
    static Optional<HavenConfig> config(Main main, PrintWriter err) {
        try {
            return Optional.of(main.loadConfig());
        } catch (ConfigException e) {
            err.println("haven: invalid configuration: " + e.getMessage());
            return Optional.empty();
        }
    }

    static int withDatabase(Main main, PrintWriter err, VertxWork work) {
        Optional<HavenConfig> loaded = config(main, err);
        if (loaded.isEmpty()) {
            return 2;
        }
        HavenConfig config = loaded.get();
        ch.qos.logback.classic.Logger root =
                ((LoggerContext) LoggerFactory.getILoggerFactory())
                        .getLogger(Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        root.setLevel(Level.WARN); // the command's output is the answer, not the server's event log
        Vertx vertx = Vertx.vertx();
        try {
            Database database;
            try {
                database = Database.open(vertx, config.database(), config.dataDir());
            } catch (OverlappingFileLockException e) {
                err.println(locked(config));
                return 1;
            } catch (IllegalStateException e) {
                if (String.valueOf(e.getMessage()).contains("could not lock")) {
                    err.println(locked(config));
                    return 1;
                }
                err.println("haven: cannot open the database: " + Reasons.of(e, config.database()));
                return 1;
            } catch (Exception e) {
                err.println("haven: cannot open the database: " + Reasons.of(e, config.database()));
                return 1;
            }
            try (database) {
                return work.run(vertx, database, config);
            }
        } catch (Failure e) {
            err.println("haven: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("haven: failed: " + Reasons.of(e, config.database()));
            return 1;
        } finally {
            try {
                await(vertx.close());
            } catch (Exception ignored) {
                // exiting anyway
            }
            root.setLevel(before);
        }
    }

    /**
     * The server keys (they decrypt second-factor secrets and key the audit log); never created
     * here, unlike at first start.
     */
    static ServerSecrets serverSecrets(HavenConfig config) throws Cli.Failure {
        Optional<String> base64 = config.settings().get("server_keys");
        Optional<Path> file = config.settings().get("server_keys_file").map(Path::of);
        Path own = Haven.serverKeysFile(config);
        if (base64.isEmpty() && file.isEmpty() && !Files.isRegularFile(own)) {
            throw new Cli.Failure(
                    "no server keys in "
                            + own
                            + ": give the command the server's HAVEN_DATA_DIR,"
                            + " or its HAVEN_SERVER_KEYS or HAVEN_SERVER_KEYS_FILE");
        }
        try {
            return ServerSecrets.resolve(base64, file, own);
        } catch (IOException | GeneralSecurityException e) {
            throw new Cli.Failure("cannot read the server keys: " + e.getMessage());
        }
    }

    /**
     * A message written for a web page ("That username is taken.") as the rest of a {@code haven: }
     * line.
     */
    static String line(String sentence) {
        String s = sentence.strip();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }

    private static String locked(HavenConfig config) {
        return "haven: the embedded database in "
                + config.dataDir().resolve("postgres")
                + " is in use by a running Haven server: stop the server first (or set HAVEN_DB_URL to a PostgreSQL both can reach)";
    }

    static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
