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
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.keys.AccountSigner;
import org.haven.gateway.keys.AgencyKeys;
import org.haven.gateway.keys.KeyGrants;
import org.haven.gateway.keys.ServerSecrets;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proving who an account is and unlocking what its passphrase opens: the passphrase against its
 * Argon2id hash, the personal private key sealed under it, the team-key grants sealed to that
 * key (an agency worker's: the agency-key grant), then the second factor (a TOTP code or a
 * one-time recovery code) when one is enrolled.
 * The inbox login and the command line ({@code haven account}) both go through here.
 */
public final class AccountUnlock {
    private static final Logger LOG = LoggerFactory.getLogger(AccountUnlock.class);

    /** An unknown username costs the same Argon2id run as a known one (made once, when the class loads). */
    private static final String DUMMY_HASH = PassphraseHash.hash("haven-dummy-passphrase".toCharArray());

    /**
     * An account whose passphrase (and second factor, if enrolled) was right, with the team keys it
     * unlocked ({@code keys}), for an agency worker its agency's keys ({@code agencyKeys}), and for
     * an administrator the signing key derived from their personal key ({@code signer}, else null),
     * which signs the key records they create.
     */
    public record Unlocked(Account account, List<RecipientPrivateKey> keys, List<RecipientPrivateKey> agencyKeys,
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
            return keys.stream().filter(k -> !k.isDestroyed() && k.publicKey().keyId().equals(keyId)).findFirst();
        }
    }

    /** The sealed keys an account's passphrase opens: team-key grants, and an agency worker's agency-key grant. */
    private record Grants(List<AccountStore.Grant> team, List<AccountStore.Grant> agency) {
        static final Grants NONE = new Grants(List.of(), List.of());
    }

    private final Vertx vertx;
    private final AccountStore accounts;
    private final ServerSecrets secrets;
    private final Clock clock;
    private final Totp totp = new Totp();

    public AccountUnlock(Vertx vertx, AccountStore accounts, ServerSecrets secrets, Clock clock) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.secrets = secrets;
        this.clock = clock;
    }

    /**
     * Completes with the unlocked account, or empty when the username, the passphrase or (for an
     * account that enrolled one) the second-factor code is wrong: one answer for all three. An
     * account without an enrolled second factor is unlocked by its passphrase alone; the caller
     * decides what it may do before enrolling.
     */
    public Future<Optional<Unlocked>> unlock(String username, String pass, String code) {
        return accounts.findByUsername(username).compose(found -> grantsOf(found).compose(grants -> vertx.<Optional<Unlocked>>executeBlocking(() -> {
            String hash = found.map(Account::passphraseHash).orElse(DUMMY_HASH);
            boolean ok = PassphraseHash.verify(hash, pass.toCharArray());
            if (!ok || found.isEmpty()) {
                return Optional.empty();
            }
            Account a = found.get();
            if (a.sealedPrivateKey() == null) {
                return Optional.of(new Unlocked(a, List.of(), List.of(), null));
            }
            RecipientPrivateKey personal = null;
            List<RecipientPrivateKey> keys = new ArrayList<>();
            List<RecipientPrivateKey> agencyKeys = new ArrayList<>();
            try {
                byte[] raw = PassphraseBox.open(a.sealedPrivateKey(), pass.toCharArray());
                personal = RecipientPrivateKey.fromBytes(raw, SecretKeyAccess.INSECURE);
                Arrays.fill(raw, (byte) 0);
                for (AccountStore.Grant g : grants.team()) {
                    keys.add(KeyGrants.open(g.sealed(), g.keyId(), a.id(), personal));
                }
                for (AccountStore.Grant g : grants.agency()) {
                    agencyKeys.add(AgencyKeys.openGrant(g.sealed(), g.keyId(), a.agencyId(), a.id(), personal));
                }
                AccountSigner signer = "admin".equals(a.role()) ? AccountSigner.of(a.id(), personal) : null;
                return Optional.of(new Unlocked(a, keys, agencyKeys, signer));
            } catch (GeneralSecurityException e) {
                keys.forEach(RecipientPrivateKey::destroy);
                agencyKeys.forEach(RecipientPrivateKey::destroy);
                return Optional.empty();
            } finally {
                if (personal != null) {
                    personal.destroy();
                }
            }
        }))).compose(unlocked -> {
            if (unlocked.isEmpty() || !unlocked.get().account().totpEnabled()) {
                return Future.succeededFuture(unlocked);
            }
            return secondFactor(unlocked.get().account(), code == null ? "" : code).map(ok -> {
                if (!ok) {
                    unlocked.get().destroy();
                    return Optional.<Unlocked>empty();
                }
                return unlocked;
            });
        });
    }

    private Future<Grants> grantsOf(Optional<Account> found) {
        if (found.isEmpty()) {
            return Future.succeededFuture(Grants.NONE);
        }
        Account a = found.get();
        if ("agency".equals(a.role())) {
            return a.agencyId() == null ? Future.succeededFuture(Grants.NONE)
                    : accounts.agencyGrants(a.id()).map(g -> new Grants(List.of(), g));
        }
        return accounts.grants(a.id()).map(g -> new Grants(g, List.of()));
    }

    private Future<Boolean> secondFactor(Account a, String code) {
        if (code.isEmpty()) {
            return Future.succeededFuture(false);
        }
        if (code.replaceAll("\\s", "").matches("\\d{6}")) {
            try {
                byte[] secret = secrets.keyring().decrypt(a.totpSecret(), AuthRoutes.totpAad(a.id()));
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
        return accounts.useRecoveryCode(a.id(), hash).onSuccess(used -> {
            if (used) {
                LOG.info("event=recovery_code_used account={}", a.id());
            }
        });
    }

    /** The keyed hash under which a recovery code is stored (typed with any case, spaces or dashes). */
    String recoveryHash(String code) {
        return secrets.contactHash().hashHex("recovery:" + code.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
    }
}
