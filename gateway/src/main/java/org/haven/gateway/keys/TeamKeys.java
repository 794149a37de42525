package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator team key. Its public half seals every case entry; its private half exists at
 * rest only sealed under a passphrase: the first administrator's, or before that the one-time
 * setup code that first start writes to {@code <data dir>/setup-code.txt}.
 */
public final class TeamKeys {
    private static final Logger LOG = LoggerFactory.getLogger(TeamKeys.class);
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final Vertx vertx;
    private final AccountStore accounts;
    private final Path setupCodeFile;
    private volatile List<RecipientPublicKey> recipients = List.of();

    public TeamKeys(Vertx vertx, AccountStore accounts, Path dataDir) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.setupCodeFile = dataDir.resolve("setup-code.txt");
    }

    /** Where the one-time setup code is written until the first administrator is created. */
    public Path setupCodeFile() {
        return setupCodeFile;
    }

    /**
     * On first start, creates the team key and the one-time setup code; afterwards loads the
     * team public key. Completes with the recipients new entries are sealed to.
     */
    public Future<List<RecipientPublicKey>> initialise() {
        return accounts.activeTeamKey().compose(existing -> {
            if (existing.isPresent()) {
                return Future.succeededFuture(existing.get());
            }
            return vertx.executeBlocking(this::createWithSetupCode).compose(created ->
                    accounts.pool().withTransaction(tx -> accounts.createTeamKeyWithSetup(tx, created.key(), created.sealed()))
                            .compose(v -> writeSetupCode(created.code()))
                            .map(v -> created.key()));
        }).compose(key -> {
            try {
                recipients = List.of(RecipientPublicKey.fromBytes(key.publicKey()));
                return accounts.pendingSetup(accounts.pool()).map(pending -> {
                    if (pending.isPresent()) {
                        LOG.info("event=setup_pending file={}", setupCodeFile);
                    }
                    return recipients;
                });
            } catch (GeneralSecurityException e) {
                return Future.failedFuture(e);
            }
        });
    }

    private record Created(AccountStore.TeamKey key, byte[] sealed, String code) {
    }

    private Created createWithSetupCode() throws GeneralSecurityException {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        String code = newSetupCode();
        byte[] sealed = PassphraseBox.seal(pair.privateKey().toBytes(SecretKeyAccess.INSECURE), code.toCharArray());
        pair.privateKey().destroy();
        RecipientPublicKey pub = pair.publicKey();
        return new Created(new AccountStore.TeamKey(pub.keyId(), pub.toBytes()), sealed, code);
    }

    private Future<Void> writeSetupCode(String code) {
        return vertx.executeBlocking(() -> {
            Files.createDirectories(setupCodeFile.getParent());
            Files.deleteIfExists(setupCodeFile);
            Files.createFile(setupCodeFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(setupCodeFile, code + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            return null;
        });
    }

    /** Reads the current team public key again (after a rotation, here or on another gateway). */
    public Future<List<RecipientPublicKey>> reload() {
        return accounts.activeTeamKey().compose(key -> {
            if (key.isEmpty()) {
                return Future.succeededFuture(recipients);
            }
            try {
                recipients = List.of(RecipientPublicKey.fromBytes(key.get().publicKey()));
                return Future.succeededFuture(recipients);
            } catch (GeneralSecurityException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /**
     * Runs work that seals to the team key. When it meets a key retired meanwhile (a rotation here,
     * on another gateway or at the command line: the database refuses new entry keys for a retired
     * key, and the work's transaction rolled back), reads the current key and runs the work again,
     * twice at most. So a rotation never costs a message: it is applied with the new key.
     */
    public <T> Future<T> sealing(Supplier<Future<T>> work) {
        return sealing(work, 2);
    }

    private <T> Future<T> sealing(Supplier<Future<T>> work, int retries) {
        Future<T> attempt;
        try {
            attempt = work.get();
        } catch (RuntimeException e) {
            attempt = Future.failedFuture(e);
        }
        return attempt.recover(err -> {
            if (retries == 0 || !RetiredKey.is(err)) {
                return Future.failedFuture(err);
            }
            LOG.info("event=team_key_retired_meanwhile action=reload_and_retry");
            return reload().compose(current -> sealing(work, retries - 1));
        });
    }

    /** Keeps the recipients current when another gateway rotates the key. */
    public void refreshEvery(long millis) {
        refresher = vertx.setPeriodic(millis, id -> reload());
    }

    private long refresher = -1;

    /** Stops what {@link #refreshEvery} started (a reload in flight is a read; it may fail unseen). */
    public void stopRefreshing() {
        if (refresher >= 0) {
            vertx.cancelTimer(refresher);
            refresher = -1;
        }
    }

    /** The id of the current team key. */
    public String currentKeyId() {
        return recipients.get(0).keyId();
    }

    /** Removes the setup code once the first administrator exists. */
    public void forgetSetupCode() {
        try {
            Files.deleteIfExists(setupCodeFile);
        } catch (IOException e) {
            LOG.warn("event=setup_code_not_removed file={}", setupCodeFile);
        }
    }

    /** The public keys every new case entry is sealed to. */
    public List<RecipientPublicKey> recipients() {
        return recipients;
    }

    static String newSetupCode() {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                sb.append('-');
            }
            sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }
}
