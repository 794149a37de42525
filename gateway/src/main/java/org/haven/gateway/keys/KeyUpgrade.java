package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.KeyRecordStore;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What only an administrator's keys can complete after an installation from before signed key
 * records (docs/crypto.md, "Upgrading"). Under an upgrade pin, the first administrator login
 * holding the pinned key gives that key its signing key, signs the administrator's own record with
 * it and every other unsigned account and agency record with the administrator's signing key (trust
 * on first use, once), and replaces the upgrade pin by the full one. Afterwards, an administrator
 * whose verified record has no signing key yet (signed during that upgrade, when it was known to no
 * one else) has it signed by the current team key at their login. Setup done on an upgraded
 * installation replaces the upgrade pin the same way.
 */
final class KeyUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(KeyUpgrade.class);

    private final TeamKeys teamKeys;
    private final Db db;
    private final KeyRejections rejections;

    KeyUpgrade(TeamKeys teamKeys, Db db, KeyRejections rejections) {
        this.teamKeys = teamKeys;
        this.db = db;
        this.rejections = rejections;
    }

    /** See {@link TeamKeys#afterSetup}. */
    Future<Void> afterSetup(RecipientPrivateKey team) {
        TeamKeyPin pin = teamKeys.pin();
        Future<Void> pinned = Future.succeededFuture();
        if (pin.isLegacy() && pin.equals(TeamKeyPin.legacy(team.publicKey().toBytes()))) {
            pinned =
                    teamKeys.replacePin(
                            TeamKeyPin.of(
                                    team.publicKey().toBytes(),
                                    KeySigning.signingKeyOf(team).toBytes()));
        }
        return pinned.compose(v -> teamKeys.reload()).mapEmpty();
    }

    /** See {@link TeamKeys#afterAdministratorUnlock}. */
    Future<Void> afterAdministratorUnlock(AccountSigner admin, List<RecipientPrivateKey> held) {
        TeamKeyPin pin = teamKeys.pin();
        if (admin == null || pin == null) {
            return Future.succeededFuture();
        }
        Future<Void> done =
                pin.isLegacy() ? completeUpgrade(admin, held, pin) : completeOwnRecord(admin, held);
        return done.recover(
                err -> {
                    LOG.warn(
                            "event=key_records_not_signed account={} error={}",
                            admin.accountId(),
                            err.getClass().getSimpleName());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> completeOwnRecord(AccountSigner admin, List<RecipientPrivateKey> held) {
        KeyVerifier.Result r = teamKeys.verified();
        Optional<KeyRecordStore.AccountKeyRow> own =
                r == null ? Optional.empty() : r.account(admin.accountId());
        if (own.isEmpty()
                || !"admin".equals(own.get().role())
                || (own.get().signingKey() != null && own.get().signingKey().length > 0)
                || !Arrays.equals(own.get().publicKey(), admin.personalKey().toBytes())
                || teamKeys.recipients().isEmpty()) {
            return Future.succeededFuture();
        }
        Optional<RecipientPrivateKey> team =
                held.stream()
                        .filter(
                                k ->
                                        !k.isDestroyed()
                                                && k.publicKey()
                                                        .keyId()
                                                        .equals(teamKeys.currentKeyId()))
                        .findFirst();
        if (team.isEmpty()) {
            return Future.succeededFuture();
        }
        return db.transaction(
                        tx -> KeySigning.administratorByTeamKey(tx, own.get(), admin, team.get()))
                .compose(
                        v -> {
                            LOG.info(
                                    "event=key_record_completed account={} signer=team:{}",
                                    admin.accountId(),
                                    team.get().publicKey().keyId());
                            return teamKeys.reload();
                        })
                .mapEmpty();
    }

    private record Upgrade(TeamKeyPin pin, int accounts, int agencies) {}

    private Future<Void> completeUpgrade(
            AccountSigner admin, List<RecipientPrivateKey> held, TeamKeyPin legacy) {
        return db.transaction(
                        tx ->
                                KeyRecordStore.lockTeamKeys(tx)
                                        .compose(v -> KeyRecordStore.load(tx))
                                        .compose(
                                                snapshot -> {
                                                    Optional<TeamKeyRow> root =
                                                            snapshot.team().stream()
                                                                    .filter(legacy::matches)
                                                                    .findFirst();
                                                    Optional<RecipientPrivateKey> rootKey =
                                                            root.flatMap(
                                                                    t ->
                                                                            held.stream()
                                                                                    .filter(
                                                                                            k ->
                                                                                                    !k
                                                                                                                    .isDestroyed()
                                                                                                            && k.publicKey()
                                                                                                                    .keyId()
                                                                                                                    .equals(
                                                                                                                            t
                                                                                                                                    .keyId()))
                                                                                    .findFirst());
                                                    Optional<KeyRecordStore.AccountKeyRow> own =
                                                            snapshot.accounts().stream()
                                                                    .filter(
                                                                            a ->
                                                                                    a.id()
                                                                                                    == admin
                                                                                                            .accountId()
                                                                                            && "admin"
                                                                                                    .equals(
                                                                                                            a
                                                                                                                    .role())
                                                                                            && !a
                                                                                                    .disabled())
                                                                    .findFirst();
                                                    if (rootKey.isEmpty() || own.isEmpty()) {
                                                        LOG.warn(
                                                                "event=key_upgrade_waiting account={} note=\"this administrator holds no grant of the pinned key\"",
                                                                admin.accountId());
                                                        return Future.succeededFuture(
                                                                Optional.<Upgrade>empty());
                                                    }
                                                    byte[] signing =
                                                            KeySigning.signingKeyOf(rootKey.get())
                                                                    .toBytes();
                                                    if (root.get().signingKey() != null
                                                            && !Arrays.equals(
                                                                    root.get().signingKey(),
                                                                    signing)) {
                                                        rejections.report(
                                                                new KeyVerifier.Rejection(
                                                                        "team",
                                                                        KeyVerifier.safeKeyId(
                                                                                root.get().keyId()),
                                                                        "signing-key"));
                                                    }
                                                    Future<Void> f =
                                                            KeyRecordStore.setTeamSigningKey(
                                                                            tx,
                                                                            root.get().keyId(),
                                                                            signing)
                                                                    .compose(
                                                                            v ->
                                                                                    KeySigning
                                                                                            .administratorByTeamKey(
                                                                                                    tx,
                                                                                                    own
                                                                                                            .get(),
                                                                                                    admin,
                                                                                                    rootKey
                                                                                                            .get()));
                                                    int[] counts = new int[2];
                                                    for (KeyRecordStore.AccountKeyRow a :
                                                            snapshot.accounts()) {
                                                        if (a.id() != admin.accountId()
                                                                && !a.disabled()
                                                                && a.publicKey() != null
                                                                && a.signature() == null) {
                                                            counts[0]++;
                                                            f =
                                                                    f.compose(
                                                                            v ->
                                                                                    KeySigning
                                                                                            .existingAccount(
                                                                                                    tx,
                                                                                                    a,
                                                                                                    admin));
                                                        }
                                                    }
                                                    for (KeyRecordStore.AgencyKeyRow g :
                                                            snapshot.agencies()) {
                                                        if (g.keyId() != null
                                                                && g.signature() == null) {
                                                            try {
                                                                RecipientPublicKey key =
                                                                        RecipientPublicKey
                                                                                .fromBytes(
                                                                                        g
                                                                                                .publicKey());
                                                                if (key.keyId().equals(g.keyId())) {
                                                                    counts[1]++;
                                                                    f =
                                                                            f.compose(
                                                                                    v ->
                                                                                            KeySigning
                                                                                                    .agency(
                                                                                                            tx,
                                                                                                            g
                                                                                                                    .id(),
                                                                                                            g
                                                                                                                    .referralCode(),
                                                                                                            key,
                                                                                                            admin));
                                                                }
                                                            } catch (GeneralSecurityException e) {
                                                                // not a key: left unsigned, and
                                                                // rejected from now on
                                                            }
                                                        }
                                                    }
                                                    TeamKeyPin full =
                                                            TeamKeyPin.of(
                                                                    root.get().publicKey(),
                                                                    signing);
                                                    return f.map(
                                                            v ->
                                                                    Optional.of(
                                                                            new Upgrade(
                                                                                    full, counts[0],
                                                                                    counts[1])));
                                                }))
                .compose(
                        upgrade -> {
                            if (upgrade.isEmpty()) {
                                return Future.succeededFuture();
                            }
                            LOG.info(
                                    "event=key_records_signed account={} accounts={} agencies={}",
                                    admin.accountId(),
                                    upgrade.get().accounts(),
                                    upgrade.get().agencies());
                            return teamKeys.replacePin(upgrade.get().pin())
                                    .compose(v -> teamKeys.reload())
                                    .mapEmpty();
                        });
    }
}
