package org.haven.gateway.keys;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.OpenPgpSigningKey;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.crypto.Signer;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AgencyKeyCheck;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.EntryKeyStore;
import org.haven.gateway.store.GroupKeyStore;
import org.haven.gateway.store.KeyRecordStore;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator team key, authenticated. Its public half seals every case entry; its private half
 * exists at rest only sealed under a passphrase: the first administrator's, or before that the
 * one-time setup code that first start writes to {@code <data dir>/setup-code.txt}.
 *
 * <p>Which team key that is, is decided by verification, never by the newest row: every load (at
 * start, every {@link #refreshEvery} period, before each grant or rotation, and when the intake
 * reads an agency's key) walks the key records from the pinned first team key ({@link TeamKeyPin})
 * with {@link KeyVerifier}. {@link #recipients()} is the newest team key of the verified chain and
 * only moves forward along it; a record that fails is never used and is reported once ({@link
 * KeyRejections}). The same verification answers whether an agency's key may be a recipient ({@link
 * AgencyKeyCheck}).
 */
public final class TeamKeys implements AgencyKeyCheck {
    private static final Logger LOG = LoggerFactory.getLogger(TeamKeys.class);
    private static final String EXPORT_SIGNER_USER_ID = "Haven case exports (team key %s)";
    private static final String EXPORT_KEY_USER_ID = "Haven case exports (key %s)";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /** Where the pin that verification starts from came from. */
    public enum PinSource {
        /** {@code HAVEN_TEAM_KEY_PIN}. */
        SETTING,
        /** The file under the data dir, written when the key was created or first seen. */
        FILE,
        /**
         * Nothing: this process trusts the first team key it found (a gateway without the file or
         * the setting).
         */
        FIRST_USE
    }

    /**
     * No team key verifies: the gateway must not start (or, running, keeps the last verified key).
     */
    public static final class Unverified extends Exception {
        private static final long serialVersionUID = 1L;

        Unverified(String message) {
            super(message);
        }
    }

    /**
     * The acting administrator's own key record does not verify, so what they would sign would not
     * either.
     */
    public static final class UnverifiedAdministrator extends Exception {
        private static final long serialVersionUID = 1L;

        UnverifiedAdministrator() {
            super(
                    "Your own key record does not verify, so Haven cannot accept what you sign:"
                            + " see the audit log for key_rejected, and ask another administrator.");
        }
    }

    private final Vertx vertx;
    private final AccountStore accounts;
    private final Path setupCodeFile;
    private final Path pinFile;
    private final Optional<TeamKeyPin> configuredPin;
    private final KeyVerifier verifier = new KeyVerifier();
    private final KeyRejections rejections;
    private final KeyUpgrade upgrade;
    private final AtomicReference<Future<List<RecipientPublicKey>>> reloading =
            new AtomicReference<>();
    private volatile TeamKeyPin pin;
    private volatile PinSource pinSource;
    private volatile KeyVerifier.Result verified;
    private volatile List<RecipientPublicKey> recipients = List.of();
    private volatile String exportKeyId;
    private volatile boolean unverifiedReported;
    private volatile boolean pendingReported;
    private long refresher = -1;

    /**
     * Team keys of the database behind {@code accounts}; {@code pinSetting} is {@code
     * HAVEN_TEAM_KEY_PIN}, if set; rejected key records are audited under {@code auditKey}.
     *
     * @throws IllegalArgumentException when {@code pinSetting} is not a pin
     */
    public TeamKeys(
            Vertx vertx,
            AccountStore accounts,
            Path dataDir,
            Optional<String> pinSetting,
            KeyedHash auditKey) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.setupCodeFile = dataDir.resolve("setup-code.txt");
        this.pinFile = TeamKeyPin.file(dataDir);
        try {
            this.configuredPin = pinSetting.map(TeamKeyPin::parse);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HAVEN_TEAM_KEY_PIN: " + e.getMessage());
        }
        this.rejections = new KeyRejections(accounts.db(), auditKey);
        this.upgrade = new KeyUpgrade(this, accounts.db(), rejections);
    }

    /** Counts rejected key records in {@code metrics}. */
    public TeamKeys metrics(HavenMetrics metrics) {
        rejections.metrics(metrics);
        return this;
    }

    /** Where the one-time setup code is written until the first administrator is created. */
    public Path setupCodeFile() {
        return setupCodeFile;
    }

    /** The pin verification starts from. */
    public TeamKeyPin pin() {
        return pin;
    }

    /** Where {@link #pin()} came from. */
    public PinSource pinSource() {
        return pinSource;
    }

    /** The file a node keeps its pin in. */
    public Path pinFile() {
        return pinFile;
    }

    /** What the last load verified. */
    public KeyVerifier.Result verified() {
        return verified;
    }

    /**
     * On first start, creates the team key (with its signing key), pins it and writes the one-time
     * setup code; afterwards finds the pin (setting, file, or the key found, pinned now) and
     * verifies. Completes with the recipients new entries are sealed to; fails with {@link
     * Unverified} when no team key verifies from the pin.
     */
    public Future<List<RecipientPublicKey>> initialise() {
        return KeyRecordStore.load(accounts.db())
                .compose(
                        snapshot -> {
                            if (snapshot.team().isEmpty()) {
                                if (configuredPin.isPresent()) {
                                    return Future.failedFuture(
                                            new Unverified(
                                                    "HAVEN_TEAM_KEY_PIN is set but the database holds no team key:"
                                                            + " a new or emptied database? Restore the database, or unset HAVEN_TEAM_KEY_PIN for a new installation."));
                                }
                                return createFirst();
                            }
                            return findPin(snapshot, true).compose(v -> verify(snapshot, true));
                        })
                .compose(r -> refreshExportKey().map(r))
                .compose(
                        r ->
                                accounts.pendingSetup(accounts.db())
                                        .map(
                                                pending -> {
                                                    if (pending.isPresent()) {
                                                        LOG.info(
                                                                "event=setup_pending file={}",
                                                                setupCodeFile);
                                                    }
                                                    return recipients;
                                                }));
    }

    /**
     * For tools: finds the pin as {@link #initialise} would, without creating or writing anything
     * (without a pin, trusts the first team key found for as long as it runs), and verifies.
     */
    public Future<List<RecipientPublicKey>> load() {
        return KeyRecordStore.load(accounts.db())
                .compose(snapshot -> findPin(snapshot, false).compose(v -> verify(snapshot, true)))
                .compose(r -> refreshExportKey())
                .map(r -> recipients);
    }

    private Future<KeyVerifier.Result> createFirst() {
        return vertx.executeBlocking(TeamKeys::createWithSetupCode)
                .compose(
                        created ->
                                accounts.db()
                                        .transaction(
                                                tx ->
                                                        KeyRecordStore.insertTeamKey(
                                                                        tx, created.row())
                                                                .compose(
                                                                        v ->
                                                                                accounts
                                                                                        .createSetup(
                                                                                                tx,
                                                                                                created.row()
                                                                                                        .keyId(),
                                                                                                created
                                                                                                        .sealed())))
                                        .compose(v -> writeSetupCode(created.code()))
                                        .compose(
                                                v -> {
                                                    pin =
                                                            TeamKeyPin.administratorsOnly(
                                                                    created.row().publicKey(),
                                                                    created.row().signingKey());
                                                    return writePin(pin);
                                                })
                                        .map(
                                                v -> {
                                                    pinSource = PinSource.FILE;
                                                    LOG.info(
                                                            "event=team_key_pinned pin={} file={} note=\"clusters: set HAVEN_TEAM_KEY_PIN to this on every gateway\"",
                                                            pin,
                                                            pinFile);
                                                    return null;
                                                }))
                .compose(v -> KeyRecordStore.load(accounts.db()))
                .compose(snapshot -> verify(snapshot, true));
    }

    /** A new team key (with its signing key), its private half sealed under a new setup code. */
    record Created(TeamKeyRow row, byte[] sealed, String code) {}

    static Created createWithSetupCode() throws GeneralSecurityException {
        RecipientKeyPair pair = RecipientKeyPair.generate();
        String code = newSetupCode();
        byte[] sealed =
                PassphraseBox.seal(
                        pair.privateKey().toBytes(SecretKeyAccess.INSECURE), code.toCharArray());
        Signer signer = Signer.derive(pair.privateKey());
        pair.privateKey().destroy();
        RecipientPublicKey pub = pair.publicKey();
        byte[] signing = signer.signatureKey().toBytes();
        // its own signature of its record as administrators only, kept where a successor keeps
        // the previous key's: a gateway that pins it on first use pins it hvpin2- (the pin decides)
        byte[] self = signer.sign(KeyRecords.team(pub.keyId(), pub.toBytes(), signing, "", ""));
        TeamKeyRow row =
                new TeamKeyRow(pub.keyId(), pub.toBytes(), signing, null, null, self, null, false);
        signer.destroy();
        return new Created(row, sealed, code);
    }

    /**
     * Chooses the pin: the setting, else the file, else (a gateway, {@code write}) the key found,
     * pinned now in the file: the first team key of a chain, or for an installation from before
     * signed records its current key by an upgrade pin. Says loudly when it trusts what it found.
     */
    private Future<Void> findPin(KeyRecordStore.Snapshot snapshot, boolean write) {
        return vertx.executeBlocking(
                () -> {
                    Optional<TeamKeyPin> fromFile = TeamKeyPin.read(pinFile);
                    if (configuredPin.isPresent()) {
                        pin = configuredPin.get();
                        pinSource = PinSource.SETTING;
                        if (fromFile.isPresent() && !fromFile.get().equals(pin)) {
                            LOG.warn(
                                    "event=team_key_pin_differs file={} note=\"HAVEN_TEAM_KEY_PIN is used\"",
                                    pinFile);
                        }
                    } else if (fromFile.isPresent()) {
                        pin = fromFile.get();
                        pinSource = PinSource.FILE;
                    } else {
                        pin = firstUse(snapshot);
                        pinSource = write && tryWrite(pin) ? PinSource.FILE : PinSource.FIRST_USE;
                        LOG.warn(
                                "event=team_key_pinned_on_first_use pin={} file={} note=\"no pin was set: the team key found in the"
                                        + " database is trusted from now on; compare it with the pin shown at setup, and on clusters set"
                                        + " HAVEN_TEAM_KEY_PIN\"",
                                pin,
                                pinSource == PinSource.FILE ? pinFile : "(none: not written)");
                    }
                    if (pin.isLegacy()) {
                        legacyRootCompletedElsewhere(snapshot, write);
                    }
                    return null;
                });
    }

    /** Writes the pin file; false (and a warning) when the data dir is not writable. */
    private boolean tryWrite(TeamKeyPin p) {
        try {
            p.write(pinFile);
            return true;
        } catch (IOException e) {
            LOG.warn(
                    "event=team_key_pin_not_written file={} error={}",
                    pinFile,
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /**
     * The pin of a database found without one: its first signed team key, or an upgrade pin of its
     * current key.
     */
    private static TeamKeyPin firstUse(KeyRecordStore.Snapshot snapshot) throws Unverified {
        List<TeamKeyRow> roots =
                snapshot.team().stream()
                        .filter(
                                t ->
                                        t.signingKey() != null
                                                && t.previousKeyId() == null
                                                && t.adminSignature() == null)
                        .toList();
        if (roots.size() == 1) {
            TeamKeyRow root = roots.get(0);
            return KeyVerifier.selfSignedAdministratorsOnly(root)
                    ? TeamKeyPin.administratorsOnly(root.publicKey(), root.signingKey())
                    : TeamKeyPin.of(root.publicKey(), root.signingKey());
        }
        if (roots.isEmpty() && snapshot.team().stream().noneMatch(t -> t.signingKey() != null)) {
            // an installation from before signed key records: its current key, as the newest
            // unretired row says
            List<TeamKeyRow> current = snapshot.team().stream().filter(t -> !t.retired()).toList();
            if (!current.isEmpty()) {
                return TeamKeyPin.legacy(current.get(current.size() - 1).publicKey());
            }
        }
        throw new Unverified(
                "cannot tell which team key is the first one ("
                        + roots.size()
                        + " candidates):"
                        + " set HAVEN_TEAM_KEY_PIN to the pin shown at setup");
    }

    /**
     * An upgrade pin whose key already carries a signing key that this process did not write: the
     * upgrade was completed by another gateway (or this one crashed before replacing the file). Its
     * X25519 half is pinned; the Ed25519 half is trusted on first use, loudly.
     */
    private void legacyRootCompletedElsewhere(KeyRecordStore.Snapshot snapshot, boolean write) {
        for (TeamKeyRow t : snapshot.team()) {
            if (pin.matches(t) && t.signingKey() != null) {
                pin = TeamKeyPin.of(t.publicKey(), t.signingKey());
                if (write && pinSource == PinSource.FILE) {
                    tryWrite(pin);
                }
                LOG.warn(
                        "event=team_key_pinned_on_first_use pin={} note=\"the upgrade pin's key was signed elsewhere: its signing"
                                + " key is trusted from now on; set HAVEN_TEAM_KEY_PIN to this pin\"",
                        pin);
                return;
            }
        }
    }

    private Future<Void> writePin(TeamKeyPin p) {
        if (configuredPin.isPresent()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(
                () -> {
                    p.write(pinFile);
                    return null;
                });
    }

    private Future<Void> writeSetupCode(String code) {
        return vertx.executeBlocking(
                () -> {
                    Files.createDirectories(setupCodeFile.getParent());
                    Files.deleteIfExists(setupCodeFile);
                    Files.createFile(
                            setupCodeFile,
                            PosixFilePermissions.asFileAttribute(
                                    PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(
                            setupCodeFile,
                            code + "\n",
                            StandardCharsets.UTF_8,
                            StandardOpenOption.TRUNCATE_EXISTING);
                    return null;
                });
    }

    /**
     * Loads and verifies the key records again (after a rotation, here or on another gateway);
     * completes with the recipients, which change only to a later key of the verified chain.
     * Concurrent calls share one load.
     */
    public Future<List<RecipientPublicKey>> reload() {
        Promise<List<RecipientPublicKey>> mine = Promise.promise();
        Future<List<RecipientPublicKey>> running =
                reloading.compareAndExchange(null, mine.future());
        if (running != null) {
            return running;
        }
        KeyRecordStore.load(accounts.db())
                .compose(snapshot -> verify(snapshot, false))
                .compose(r -> refreshExportKey())
                .map(r -> recipients)
                .onComplete(
                        ar -> {
                            reloading.set(null);
                            mine.handle(ar);
                        });
        return mine.future();
    }

    /**
     * Loads and verifies the key records inside {@code tx} (before a grant or a rotation, so that
     * what it grants to is what it verified), reporting what fails; does not move the recipients.
     */
    public Future<KeyVerifier.Result> verifyIn(Db tx) {
        return KeyRecordStore.load(tx)
                .compose(
                        snapshot ->
                                vertx.executeBlocking(() -> verifier.verify(snapshot, pin), false))
                .map(
                        r -> {
                            rejections.report(r.rejected());
                            return r;
                        });
    }

    /**
     * {@link #verifyIn}, then checks that {@code admin} is a verified administrator whose signing
     * key is theirs; fails with {@link UnverifiedAdministrator} otherwise (in an installation not
     * yet upgraded, too: an administrator's login completes the upgrade first).
     */
    public Future<KeyVerifier.Result> requireAdministrator(Db tx, AccountSigner admin) {
        return verifyIn(tx)
                .compose(
                        r ->
                                r.isAdministrator(admin.accountId(), admin.signatureKey())
                                        ? Future.succeededFuture(r)
                                        : Future.failedFuture(new UnverifiedAdministrator()));
    }

    private Future<KeyVerifier.Result> verify(KeyRecordStore.Snapshot snapshot, boolean starting) {
        TeamKeyPin from = pin;
        return vertx.executeBlocking(() -> verifier.verify(snapshot, from), false)
                .compose(
                        r -> {
                            rejections.report(r.rejected());
                            verified = r;
                            if (r.legacy() && r.pending() > 0 && !pendingReported) {
                                pendingReported = true;
                                LOG.warn(
                                        "event=key_records_unsigned records={} note=\"from before signed key records: not used until an"
                                                + " administrator logs in, which signs them\"",
                                        r.pending());
                            }
                            Optional<String> problem = problem(r);
                            if (problem.isPresent()) {
                                if (starting) {
                                    LOG.error(
                                            "event=team_key_unverified pin={} reason=\"{}\"",
                                            from,
                                            problem.get());
                                    return Future.failedFuture(new Unverified(problem.get()));
                                }
                                if (!unverifiedReported) {
                                    unverifiedReported = true;
                                    LOG.error(
                                            "event=team_key_unverified pin={} reason=\"{}\" note=\"still sealing to the last verified key {}\"",
                                            from,
                                            problem.get(),
                                            recipients.isEmpty()
                                                    ? "(none)"
                                                    : recipients.get(0).keyId());
                                }
                                return Future.succeededFuture(r);
                            }
                            unverifiedReported = false;
                            TeamKeyRow head = r.head().orElseThrow();
                            if (!recipients.isEmpty() && !r.inChain(recipients.get(0).keyId())) {
                                LOG.error(
                                        "event=team_key_chain_regressed key={} note=\"the verified chain no longer holds the key in use;"
                                                + " still sealing to it\"",
                                        recipients.get(0).keyId());
                                return Future.succeededFuture(r);
                            }
                            try {
                                RecipientPublicKey next =
                                        RecipientPublicKey.fromBytes(head.publicKey());
                                if (recipients.isEmpty() || !recipients.get(0).equals(next)) {
                                    recipients = List.of(next);
                                    LOG.info(
                                            "event=team_key_verified key={} chain={}",
                                            next.keyId(),
                                            r.chain().size());
                                }
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(e);
                            }
                            return Future.succeededFuture(r);
                        });
    }

    private Optional<String> problem(KeyVerifier.Result r) {
        if (r.head().isEmpty()) {
            return Optional.of(
                    "no team key in the database matches the pin ("
                            + describePinSource()
                            + "): a database"
                            + " restored from another installation, or tampered with");
        }
        if (r.forked()) {
            return Optional.of(
                    "the team key "
                            + r.head().get().keyId()
                            + " has two validly signed successors, which only a holder"
                            + " of its private key and an administrator's signing key can make");
        }
        if (r.head().get().retired()) {
            return Optional.of(
                    "the newest verified team key "
                            + r.head().get().keyId()
                            + " is marked retired: a later key was"
                            + " deleted, or the database was tampered with");
        }
        return Optional.empty();
    }

    /** Where the pin came from, in words. */
    public String describePinSource() {
        return switch (pinSource == null ? PinSource.FIRST_USE : pinSource) {
            case SETTING -> "HAVEN_TEAM_KEY_PIN";
            case FILE -> pinFile.toString();
            case FIRST_USE -> "trusted on first use";
        };
    }

    /**
     * After setup signed the first administrator with {@code team} (which gave the key its signing
     * key if it had none): an upgrade pin of that key becomes the full pin. Then verifies again.
     */
    public Future<Void> afterSetup(RecipientPrivateKey team) {
        return upgrade.afterSetup(team);
    }

    /**
     * After an administrator unlocked their keys (inbox login, command line): signs what only their
     * keys can, in an installation upgraded from before signed records ({@link KeyUpgrade}).
     * Failures are logged, never the login's.
     */
    public Future<Void> afterAdministratorUnlock(
            AccountSigner admin, List<RecipientPrivateKey> held) {
        return upgrade.afterAdministratorUnlock(admin, held);
    }

    /**
     * Replaces an upgrade pin by the full one, in the file (unless the pin is a setting, which the
     * operator updates).
     */
    Future<Void> replacePin(TeamKeyPin full) {
        pin = full;
        if (pinSource == PinSource.SETTING) {
            LOG.warn(
                    "event=team_key_pin_outdated pin={} note=\"replace HAVEN_TEAM_KEY_PIN by this pin on every gateway\"",
                    full);
            return Future.succeededFuture();
        }
        pinSource = PinSource.FILE;
        LOG.info("event=team_key_pinned pin={} file={}", full, pinFile);
        return vertx.executeBlocking(
                () -> {
                    full.write(pinFile);
                    return null;
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
        return attempt.recover(
                err -> {
                    if (retries == 0 || !EntryKeyStore.refusedRetiredKey(err)) {
                        return Future.failedFuture(err);
                    }
                    LOG.info("event=team_key_retired_meanwhile action=reload_and_retry");
                    return reload().compose(current -> sealing(work, retries - 1));
                });
    }

    /** Reads which key is the current export key (see {@link #exportSigningKey}). */
    private Future<Void> refreshExportKey() {
        return GroupKeyStore.current(accounts.db(), GroupKeyStore.EXPORT)
                .map(
                        row -> {
                            exportKeyId = row.map(GroupKeyStore.GroupKeyRow::keyId).orElse(null);
                            return null;
                        });
    }

    /** Keeps the recipients current when another gateway rotates the key. */
    public void refreshEvery(long millis) {
        // a failed load (the database away, the pool closing) changes nothing: the next one retries
        refresher = vertx.setPeriodic(millis, id -> reload());
    }

    /**
     * Stops what {@link #refreshEvery} started (a reload in flight is a read; it may fail unseen).
     */
    public void stopRefreshing() {
        if (refresher >= 0) {
            vertx.cancelTimer(refresher);
            refresher = -1;
        }
    }

    /**
     * The export signing key: derived from the current export key ({@code group_keys} of {@link
     * GroupKeyStore#EXPORT}, which every coordinator and administrator holds, so that coordinators,
     * who hold no team key, can sign) when {@code held} returns it for its key id; otherwise, in an
     * installation without one yet, from the current team key. Empty when the session holds neither
     * (an agency worker, or a session from before a rotation).
     */
    public Optional<OpenPgpSigningKey> exportSigningKey(
            Function<String, Optional<RecipientPrivateKey>> held) {
        String exportId = exportKeyId;
        if (exportId != null) {
            Optional<RecipientPrivateKey> export = held.apply(exportId);
            if (export.isPresent()) {
                return Optional.of(
                        OpenPgpSigningKey.derive(
                                export.get(), String.format(EXPORT_KEY_USER_ID, exportId)));
            }
        }
        String keyId = currentKeyId();
        return keyId == null
                ? Optional.empty()
                : held.apply(keyId)
                        .map(
                                k ->
                                        OpenPgpSigningKey.derive(
                                                k, String.format(EXPORT_SIGNER_USER_ID, keyId)));
    }

    /** The id of the current (verified) team key. */
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

    /**
     * The public keys every new case entry is sealed to: the newest team key of the verified chain,
     * or, while the records fail verification, the last one that verified.
     */
    public List<RecipientPublicKey> recipients() {
        return recipients;
    }

    /**
     * Whether the intake may seal to this agency key: only when its record verifies. A signer not
     * yet known here (an administrator added on another gateway moments ago) makes it load the
     * records again first; a record that still fails is reported and not used.
     */
    @Override
    public Future<Boolean> verified(KeyRecordStore.AgencyKeyRow row) {
        KeyVerifier.Result current = verified;
        if (current == null) {
            return Future.succeededFuture(false);
        }
        KeyVerifier.AgencyCheck check = verifier.agency(row, current);
        if (check == KeyVerifier.AgencyCheck.UNKNOWN_SIGNER) {
            return reload().map(
                            v -> {
                                KeyVerifier.AgencyCheck again = verifier.agency(row, verified);
                                return decided(
                                        row,
                                        again == KeyVerifier.AgencyCheck.UNKNOWN_SIGNER
                                                ? KeyVerifier.AgencyCheck.REJECTED
                                                : again);
                            })
                    .otherwise(false);
        }
        return Future.succeededFuture(decided(row, check));
    }

    /**
     * Reports a rejected record that the snapshot verification does not see (a working group's
     * key): logged, audited and counted like the others, once per distinct record.
     */
    void reportRejected(KeyVerifier.Rejection rejection) {
        rejections.report(rejection);
    }

    /**
     * Refuses a grant of an administrators-only team key found held by a non-administrator (planted
     * by a database writer): logged and audited in {@code tx}.
     */
    Future<Void> refuseTeamGrant(Db tx, long accountId) {
        return rejections.teamGrantRefused(tx, accountId);
    }

    private boolean decided(KeyRecordStore.AgencyKeyRow row, KeyVerifier.AgencyCheck check) {
        if (check == KeyVerifier.AgencyCheck.REJECTED) {
            rejections.report(KeyVerifier.agencyRejection(row));
        }
        return check == KeyVerifier.AgencyCheck.VERIFIED;
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
