package org.haven.gateway.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.Haven;
import org.haven.gateway.Main;
import org.haven.gateway.channel.signal.SignalJournal;
import org.haven.gateway.config.HavenConfig;
import org.haven.gateway.intake.Spool;
import org.haven.gateway.keys.ServerKeyRotation;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.ServingLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code haven server-keys}: prints new server keys for a cluster ({@code HAVEN_SERVER_KEYS});
 * {@code rotate} and {@code retire} rotate the working keyring (see docs/operations.md).
 */
@Command(
        name = "server-keys",
        mixinStandardHelpOptions = true,
        description = {
            "Print new server keys (base64) for HAVEN_SERVER_KEYS; store the output as a secret.",
            "With 'rotate' (and, for keys given as HAVEN_SERVER_KEYS, then 'retire'), rotate the server keyring."
        },
        subcommands = {ServerKeysCommand.Rotate.class, ServerKeysCommand.Retire.class})
public final class ServerKeysCommand implements Callable<Integer> {
    @ParentCommand Main main;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println(ServerSecrets.generateBase64());
        out.flush();
        return 0;
    }

    /**
     * The keys in force for {@code config}, and the file they live in when a single node keeps them
     * itself.
     */
    private record Source(ServerSecrets secrets, Optional<Path> ownFile) {}

    private static Source source(HavenConfig config) throws Exception {
        Optional<String> base64 = config.settings().get("server_keys");
        Optional<Path> file = config.settings().get("server_keys_file").map(Path::of);
        Path own = Haven.serverKeysFile(config);
        if (base64.isEmpty() && file.isEmpty() && !Files.isRegularFile(own)) {
            throw new Cli.Failure(
                    "there are no server keys in " + own + " yet: start Haven once first");
        }
        ServerSecrets secrets = ServerSecrets.resolve(base64, file, own);
        return new Source(
                secrets, base64.isEmpty() && file.isEmpty() ? Optional.of(own) : Optional.empty());
    }

    /** {@code haven server-keys rotate}. */
    @Command(
            name = "rotate",
            mixinStandardHelpOptions = true,
            description = {
                "Rotate the server keyring. With the keys in the data directory (a single node, Haven stopped):",
                "adds a new key, writes every queued message, address, second-factor secret and spooled message",
                "anew under it, then destroys the old keys, so that nothing encrypted before (old copies in",
                "PostgreSQL's files and backups included) can be opened any more. With HAVEN_SERVER_KEYS or",
                "HAVEN_SERVER_KEYS_FILE (a cluster): prints the keys with a new key added, to give every gateway;",
                "then run 'haven server-keys retire'."
            })
    static final class Rotate implements Callable<Integer> {
        @ParentCommand ServerKeysCommand parent;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    parent.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        Source source = source(config);
                        ServerSecrets added =
                                source.secrets().withKeyring(source.secrets().keyring().rotate());
                        if (source.ownFile().isEmpty()) {
                            out.println(added.toBase64());
                            out.println(
                                    "# the server keys with key "
                                            + added.keyring().primaryKeyId()
                                            + " added: give them to every gateway"
                                            + " as HAVEN_SERVER_KEYS, restart them, then run 'haven server-keys retire' with them");
                            out.flush();
                            return 0;
                        }
                        // the exclusive lock is held for the whole rotation
                        return Cli.await(
                                ServingLock.alone(
                                                db,
                                                () ->
                                                        vertx.executeBlocking(
                                                                        () -> {
                                                                            added.writeTo(
                                                                                    source.ownFile()
                                                                                            .get()); // both keys on disk before anything moves
                                                                            return null;
                                                                        })
                                                                .compose(
                                                                        v ->
                                                                                retire(
                                                                                        vertx,
                                                                                        db.db(),
                                                                                        added,
                                                                                        config,
                                                                                        out,
                                                                                        source.ownFile()
                                                                                                .get())))
                                        .compose(
                                                done ->
                                                        done.isPresent()
                                                                ? Future.succeededFuture(done.get())
                                                                : Future.failedFuture(
                                                                        new Cli.Failure(
                                                                                "a Haven gateway is running on this database:"
                                                                                        + " stop it, rotate, then start it again"))));
                    });
        }
    }

    /** {@code haven server-keys retire}. */
    @Command(
            name = "retire",
            mixinStandardHelpOptions = true,
            description = {
                "For keys given as HAVEN_SERVER_KEYS or HAVEN_SERVER_KEYS_FILE, once every gateway runs with the keys",
                "'rotate' printed: writes everything still under an old key anew under the newest, then prints the",
                "keys without the old ones, to give every gateway in their place."
            })
    static final class Retire implements Callable<Integer> {
        @ParentCommand ServerKeysCommand parent;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            return Cli.withDatabase(
                    parent.main,
                    spec.commandLine().getErr(),
                    (vertx, db, config) -> {
                        Source source = source(config);
                        if (source.ownFile().isPresent()) {
                            throw new Cli.Failure(
                                    "these server keys live in "
                                            + source.ownFile().get()
                                            + ": 'rotate' retires the old"
                                            + " keys itself");
                        }
                        if (source.secrets().keyring().keyIds().size() < 2) {
                            throw new Cli.Failure(
                                    "the server keys hold one key only: run 'haven server-keys rotate' first");
                        }
                        return Cli.await(
                                retire(vertx, db.db(), source.secrets(), config, out, null));
                    });
        }
    }

    /**
     * Writes everything under the primary key, checks that nothing is left under another, then
     * drops the other keys: into {@code file} for a single node, else printed for the operator.
     */
    private static Future<Integer> retire(
            Vertx vertx,
            Db db,
            ServerSecrets secrets,
            HavenConfig config,
            PrintWriter out,
            Path file) {
        ServerKeyring ring = secrets.keyring();
        return ServerKeyRotation.reencrypt(db, ring)
                .compose(
                        result ->
                                vertx.executeBlocking(
                                        () -> {
                                            int spooled =
                                                    file == null
                                                            ? 0
                                                            : new Spool(config.dataDir(), ring)
                                                                            .rewriteUnderPrimary()
                                                                    + SignalJournal
                                                                            .rewriteUnderPrimary(
                                                                                    config
                                                                                            .dataDir(),
                                                                                    ring);
                                            if (result.underOtherKeys() > 0) {
                                                throw new Cli.Failure(
                                                        result.underOtherKeys()
                                                                + " values are still under an older key (unreadable with these"
                                                                + " keys); nothing was retired");
                                            }
                                            ServerKeyring only = ring;
                                            for (int id : ring.keyIds()) {
                                                if (id != ring.primaryKeyId()) {
                                                    only = only.retire(id);
                                                }
                                            }
                                            ServerSecrets retired = secrets.withKeyring(only);
                                            if (file != null) {
                                                retired.writeTo(file);
                                                out.println(
                                                        "server keyring rotated to key "
                                                                + ring.primaryKeyId()
                                                                + ": "
                                                                + result.total()
                                                                + " values written anew "
                                                                + result.rewritten()
                                                                + ", "
                                                                + spooled
                                                                + " spooled messages; the older keys are destroyed");
                                            } else {
                                                out.println(retired.toBase64());
                                                out.println(
                                                        "# "
                                                                + result.total()
                                                                + " values written anew under key "
                                                                + ring.primaryKeyId()
                                                                + " "
                                                                + result.rewritten()
                                                                + ": give these keys, without the older ones, to every gateway as HAVEN_SERVER_KEYS and restart them");
                                            }
                                            out.flush();
                                            return ring.primaryKeyId();
                                        }))
                .compose(
                        keyId ->
                                new AuditLog(db, secrets.auditKey())
                                        .record("operator", "server_keys_rotated:" + keyId, null))
                .map(0);
    }
}
