package org.haven.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.AgencyKeys;
import org.haven.gateway.keys.GroupKeys;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.GroupKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proving who an account is and unlocking what its passphrase opens: the passphrase against its
 * Argon2id hash, the personal private key sealed under it, the team-key and working-group-key
 * grants sealed to that key (an agency worker's: the agency-key grant), then the second factor (a
 * TOTP code or a one-time recovery code) when one is enrolled. The inbox login and the command line
 * ({@code haven account}) both go through here.
 */
public final class AccountUnlock {
    private static final Logger LOG = LoggerFactory.getLogger(AccountUnlock.class);

    /**
     * An unknown username costs the same Argon2id run as a known one: a well-formed hash at the
     * current cost that no passphrase matches (its salt and hash are fixed bytes, not the output of
     * a run, so making it costs nothing at start-up).
     */
    private static final String DUMMY_HASH =
            "$argon2id$v=19$m="
                    + Argon2Params.defaults().memoryKiB()
                    + ",t="
                    + Argon2Params.defaults().iterations()
                    + ",p="
                    + Argon2Params.defaults().parallelism()
                    + "$aGF2ZW4tZHVtbXktc2FsdA$aGF2ZW4tZHVtbXktaGFzaC1ub3QtYS1yZWFsLW9uZSE";

    /**
     * An account whose passphrase (and second factor, if enrolled) was right, with the team keys it
     * unlocked ({@code keys}), for an agency worker its agency's keys ({@code agencyKeys}), and for
     * an administrator the signing key derived from their personal key ({@code signer}, else null),
     * which signs the key records they create.
     */
    public record Unlocked(
            Account account,
            List<RecipientPrivateKey> keys,
            List<RecipientPrivateKey> agencyKeys,
            AccountSigner signer) {
        /** Wipes the unlocked keys. */
        public void destroy() {
            keys.forEach(RecipientPrivateKey::destroy);
            agencyKeys.forEach(RecipientPrivateKey::destroy);
            if (signer != null) {
                signer.destroy();
            }
        }

        /** The unlocked team key with this id, if a grant held it. */
        public Optional<RecipientPrivateKey> teamKey(String keyId) {
            return keys.stream()
                    .filter(k -> !k.isDestroyed() && k.publicKey().keyId().equals(keyId))
                    .findFirst();
        }
    }

    /**
     * The sealed keys an account's passphrase opens: team-key grants, and an agency worker's
     * agency-key grant.
     */
    private record Grants(
            List<AccountStore.Grant> team,
            List<AccountStore.Grant> agency,
            List<GroupKeyStore.Grant> group,
            Optional<GroupKeyStore.GroupKeyRow> export) {
        static final Grants NONE = new Grants(List.of(), List.of(), List.of(), Optional.empty());
    }

    private final AccountStore accounts;
    private final ServerSecrets secrets;
    private final Clock clock;
    private final Totp totp = new Totp();
    private final PassphraseWork work;

    public AccountUnlock(Vertx vertx, AccountStore accounts, ServerSecrets secrets, Clock clock) {
        this.work = PassphraseWork.of(vertx);
        this.accounts = accounts;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Completes with the unlocked account, or empty when the username, the passphrase or (for an
     * account that enrolled one) the second-factor code is wrong: one answer for all three, after
     * the same work (one Argon2id run: the personal key is opened only once the second factor
     * passed, so a wrong code costs what a wrong passphrase or an unknown username costs). An
     * account without an enrolled second factor is unlocked by its passphrase alone; the caller
     * decides what it may do before enrolling (and, for a one-time passphrase, before choosing its
     * own). A hash or personal key box stored at a lower Argon2id cost than {@link
     * Argon2Params#defaults()} is replaced by one at that cost once the whole login succeeded.
     * Fails with {@code PassphraseWork.Busy} when the passphrase pool is full or {@code client} has
     * its share of it.
     *
     * @param client the client address or device key the work is counted against
     */
    public Future<Optional<Unlocked>> unlock(
            String client, String username, String pass, String code) {
        return accounts.findByUsername(username)
                .compose(
                        found ->
                                grantsOf(found)
                                        .compose(
                                                grants ->
                                                        work.<Optional<Opened>>run(
                                                                client,
                                                                () ->
                                                                        open(
                                                                                found, grants, pass,
                                                                                code))))
                .compose(
                        opened -> {
                            if (opened.isEmpty()) {
                                return Future.succeededFuture(Optional.<Unlocked>empty());
                            }
                            return store(opened.get().upgrade())
                                    .map(v -> Optional.of(opened.get().unlocked()));
                        });
    }

    /** The same, for the command line. */
    public Future<Optional<Unlocked>> unlock(String username, String pass, String code) {
        return unlock(PassphraseWork.LOCAL, username, pass, code);
    }

    /** Blocking (on the passphrase pool): the passphrase, then the second factor, then the keys. */
    private Optional<Opened> open(Optional<Account> found, Grants grants, String pass, String code)
            throws Exception {
        String hash = found.map(Account::passphraseHash).orElse(DUMMY_HASH);
        boolean ok = work.verify(hash, pass);
        if (!ok || found.isEmpty()) {
            return Optional.empty();
        }
        Account a = found.get();
        if (a.totpEnabled()
                && !secondFactor(a, code == null ? "" : code)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(30, TimeUnit.SECONDS)) {
            return Optional.empty();
        }
        if (a.sealedPrivateKey() == null) {
            return Optional.of(
                    new Opened(
                            new Unlocked(a, List.of(), List.of(), null), upgrade(a, pass, null)));
        }
        RecipientPrivateKey personal = null;
        List<RecipientPrivateKey> keys = new ArrayList<>();
        List<RecipientPrivateKey> agencyKeys = new ArrayList<>();
        byte[] raw = null;
        try {
            raw = work.open(a.sealedPrivateKey(), pass);
            personal = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
            for (AccountStore.Grant g : grants.team()) {
                keys.add(KeyGrants.open(g.sealed(), g.keyId(), a.id(), personal));
            }
            // an administrator holds the export signing key through the team key
            if (grants.export().isPresent()) {
                GroupKeyStore.GroupKeyRow x = grants.export().get();
                for (RecipientPrivateKey team : List.copyOf(keys)) {
                    if (team.publicKey().keyId().equals(x.teamKeyId())) {
                        keys.add(
                                GroupKeys.openWithTeamKey(
                                        x.sealed(), x.groupId(), x.keyId(), team));
                    }
                }
            }
            for (GroupKeyStore.Grant g : grants.group()) {
                keys.add(GroupKeys.openGrant(g.sealed(), g.keyId(), g.groupId(), a.id(), personal));
            }
            for (AccountStore.Grant g : grants.agency()) {
                agencyKeys.add(
                        AgencyKeys.openGrant(
                                g.sealed(), g.keyId(), a.agencyId(), a.id(), personal));
            }
            AccountSigner signer =
                    "admin".equals(a.role()) ? AccountSigner.of(a.id(), personal) : null;
            return Optional.of(
                    new Opened(new Unlocked(a, keys, agencyKeys, signer), upgrade(a, pass, raw)));
        } catch (GeneralSecurityException e) {
            keys.forEach(RecipientPrivateKey::destroy);
            agencyKeys.forEach(RecipientPrivateKey::destroy);
            return Optional.empty();
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
            if (personal != null) {
                personal.destroy();
            }
        }
    }

    /** What a right passphrase opened, and what to store if its cost is to be raised. */
    private record Opened(Unlocked unlocked, Optional<Upgrade> upgrade) {}

    /**
     * An account's passphrase hash and personal key box re-made at the current cost, to replace the
     * old ones.
     */
    private record Upgrade(
            long accountId, String oldHash, byte[] oldBox, String newHash, byte[] newBox) {}

    /**
     * A new hash and box at {@link Argon2Params#defaults()} when either was made at a lower cost
     * (blocking: two Argon2id runs); {@code rawPersonal} is the opened personal key, null without
     * one. None for a one-time passphrase: choosing one's own re-makes both.
     */
    private static Optional<Upgrade> upgrade(Account a, String pass, byte[] rawPersonal)
            throws GeneralSecurityException {
        Argon2Params target = Argon2Params.defaults();
        boolean box =
                rawPersonal != null && !PassphraseBox.params(a.sealedPrivateKey()).atLeast(target);
        if (a.passphraseOneTime()
                || !(box || PassphraseHash.needsRehash(a.passphraseHash(), target))) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new Upgrade(
                            a.id(),
                            a.passphraseHash(),
                            a.sealedPrivateKey(),
                            PassphraseHash.hash(pass.toCharArray(), target),
                            rawPersonal == null
                                    ? null
                                    : PassphraseBox.seal(rawPersonal, pass.toCharArray(), target)));
        } catch (GeneralSecurityException e) {
            return Optional.empty(); // the old ones still work; the next login tries again
        }
    }

    /**
     * Stores an upgrade unless the passphrase changed meanwhile; a failure leaves the old ones,
     * which still work.
     */
    private Future<Void> store(Optional<Upgrade> upgrade) {
        if (upgrade.isEmpty()) {
            return Future.succeededFuture();
        }
        Upgrade u = upgrade.get();
        return accounts.replacePassphrase(
                        accounts.db(),
                        u.accountId(),
                        u.oldHash(),
                        u.oldBox(),
                        u.newHash(),
                        u.newBox(),
                        false)
                .<Void>map(
                        done -> {
                            LOG.info(
                                    "event=passphrase_cost_raised account={} stored={}",
                                    u.accountId(),
                                    done);
                            return null;
                        })
                .recover(
                        err -> {
                            LOG.warn(
                                    "event=passphrase_cost_raise_failed account={} kind={}",
                                    u.accountId(),
                                    err.getClass().getSimpleName());
                            return Future.succeededFuture();
                        });
    }

    private Future<Grants> grantsOf(Optional<Account> found) {
        if (found.isEmpty()) {
            return Future.succeededFuture(Grants.NONE);
        }
        Account a = found.get();
        if ("agency".equals(a.role())) {
            return a.agencyId() == null
                    ? Future.succeededFuture(Grants.NONE)
                    : accounts.agencyGrants(a.id())
                            .map(g -> new Grants(List.of(), g, List.of(), Optional.empty()));
        }
        return accounts.grants(a.id())
                .compose(
                        team ->
                                GroupKeyStore.grants(accounts.db(), a.id())
                                        .compose(
                                                group ->
                                                        ("admin".equals(a.role())
                                                                        ? GroupKeyStore.current(
                                                                                accounts.db(),
                                                                                GroupKeyStore
                                                                                        .EXPORT)
                                                                        : Future.succeededFuture(
                                                                                Optional
                                                                                        .<GroupKeyStore
                                                                                                        .GroupKeyRow>
                                                                                                empty()))
                                                                .map(
                                                                        export ->
                                                                                new Grants(
                                                                                        team,
                                                                                        List.of(),
                                                                                        group,
                                                                                        export))));
    }

    private Future<Boolean> secondFactor(Account a, String code) {
        if (code.isEmpty()) {
            return Future.succeededFuture(false);
        }
        if (code.replaceAll("\\s", "").matches("\\d{6}")) {
            try {
                byte[] secret =
                        secrets.keyring().decrypt(a.totpSecret(), AuthRoutes.totpAad(a.id()));
                OptionalLong step = totp.verify(secret, code, clock.instant(), a.totpLastStep());
                Arrays.fill(secret, (byte) 0);
                if (step.isEmpty()) {
                    return Future.succeededFuture(false);
                }
                return accounts.useTotpStep(a.id(), step.getAsLong());
            } catch (GeneralSecurityException e) {
                return Future.succeededFuture(false);
            }
        }
        String hash = recoveryHash(code);
        return accounts.useRecoveryCode(a.id(), hash)
                .onSuccess(
                        used -> {
                            if (used) {
                                LOG.info("event=recovery_code_used account={}", a.id());
                            }
                        });
    }

    /**
     * The keyed hash under which a recovery code is stored (typed with any case, spaces or dashes).
     */
    String recoveryHash(String code) {
        return secrets.contactHash()
                .hashHex("recovery:" + code.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
    }
}
