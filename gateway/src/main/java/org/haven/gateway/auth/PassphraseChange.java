package org.haven.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.gateway.store.Account;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;

/**
 * A person changing their own passphrase, from the inbox ({@code /inbox/passphrase}, also the
 * first-login step that replaces a one-time passphrase) or the command line ({@code haven account
 * passphrase}).
 *
 * <p>Changing re-wraps the personal key: the current passphrase opens the personal private key's
 * box, the key is sealed in a new box under the new passphrase (at {@code
 * Argon2Params.defaults()}), and the new box and login hash replace the old ones in one statement,
 * with the audit entry in the same transaction. The key pair itself does not change, so every grant
 * sealed to its public key, and every case, stays as it is. The old box is gone from the table: the
 * old passphrase opens nothing the database holds.
 *
 * <p>The caller ends the account's other sessions (see {@link #SESSIONS_CHANNEL}): whoever knew the
 * old passphrase (the administrator who set a one-time one, or someone it leaked to) may hold one,
 * and a change is what a person does when they fear that.
 */
public final class PassphraseChange {
    /**
     * The cluster channel on which a change is announced, {@code {"account": id}}: every other
     * gateway ends that account's inbox sessions ({@code Inbox.follow}).
     */
    public static final String SESSIONS_CHANNEL = "haven_passphrase_changed";

    /** What a change came to. Nothing is stored unless {@link #CHANGED}. */
    public enum Outcome {
        /** The new passphrase is in place, the one-time mark cleared, the change audited. */
        CHANGED,
        /** The current passphrase given is not the account's. */
        WRONG_CURRENT,
        /** The new passphrase is the current one (for a one-time passphrase: the one given). */
        SAME_AS_CURRENT,
        /** The passphrase was changed by someone else between reading and writing. */
        CHANGED_MEANWHILE,
        /** No enabled account has this id. */
        NO_SUCH_ACCOUNT
    }

    private final AccountStore accounts;
    private final KeyedHash auditKey;
    private final PassphraseWork work;

    public PassphraseChange(Vertx vertx, AccountStore accounts, KeyedHash auditKey) {
        this.auditKey = auditKey;
        this.accounts = accounts;
        this.work = PassphraseWork.of(vertx);
    }

    /**
     * Changes {@code accountId}'s passphrase from {@code current} to {@code next} (already checked
     * by {@link AuthRoutes#validatePassphrase}); audits {@code passphrase_changed[suffix]} with the
     * account's username when it does. A wrong current passphrase is not audited here: the caller
     * counts it (login throttle) and audits it.
     */
    public Future<Outcome> change(long accountId, String current, String next, String auditSuffix) {
        return change(PassphraseWork.LOCAL, accountId, current, next, auditSuffix);
    }

    /**
     * The same, counted against {@code client} (a client address or device key) in the passphrase
     * pool: fails with {@code PassphraseWork.Busy} when the pool is full or the client has its
     * share.
     */
    public Future<Outcome> change(
            String client, long accountId, String current, String next, String auditSuffix) {
        if (next == null || next.length() < AccountRules.MIN_PASSPHRASE) {
            return Future.failedFuture(
                    new IllegalArgumentException("the new passphrase is too short"));
        }
        return accounts.findById(accountId)
                .compose(
                        found -> {
                            if (found.isEmpty()) {
                                return Future.succeededFuture(Outcome.NO_SUCH_ACCOUNT);
                            }
                            Account a = found.get();
                            return work.run(client, () -> rewrap(a, current, next))
                                    .compose(
                                            made -> {
                                                if (made.outcome() != Outcome.CHANGED) {
                                                    return Future.succeededFuture(made.outcome());
                                                }
                                                return accounts.db()
                                                        .transaction(
                                                                tx ->
                                                                        accounts.replacePassphrase(
                                                                                        tx,
                                                                                        a.id(),
                                                                                        a
                                                                                                .passphraseHash(),
                                                                                        a
                                                                                                .sealedPrivateKey(),
                                                                                        made.hash(),
                                                                                        made.box(),
                                                                                        true)
                                                                                .compose(
                                                                                        done ->
                                                                                                done
                                                                                                        ? new AuditLog(
                                                                                                                        tx,
                                                                                                                        auditKey)
                                                                                                                .record(
                                                                                                                        a
                                                                                                                                .username(),
                                                                                                                        "passphrase_changed"
                                                                                                                                + auditSuffix,
                                                                                                                        null)
                                                                                                                .map(
                                                                                                                        Outcome
                                                                                                                                .CHANGED)
                                                                                                        : Future
                                                                                                                .succeededFuture(
                                                                                                                        Outcome
                                                                                                                                .CHANGED_MEANWHILE)));
                                            });
                        });
    }

    /** A new login hash and personal key box, or why not. */
    private record Made(Outcome outcome, String hash, byte[] box) {
        static Made not(Outcome why) {
            return new Made(why, null, null);
        }
    }

    /**
     * Blocking, on the passphrase pool: four Argon2id runs (verify and open through the pool, with
     * its thread's working memory; hash, seal).
     */
    private Made rewrap(Account a, String current, String next) throws GeneralSecurityException {
        if (current == null || !work.verify(a.passphraseHash(), current)) {
            return Made.not(Outcome.WRONG_CURRENT);
        }
        if (next.equals(current)) {
            return Made.not(Outcome.SAME_AS_CURRENT);
        }
        String hash = PassphraseHash.hash(next.toCharArray());
        if (a.sealedPrivateKey() == null) {
            return new Made(
                    Outcome.CHANGED,
                    hash,
                    null); // an agency worker from before agency keys: no personal key
        }
        byte[] raw = work.open(a.sealedPrivateKey(), current);
        try {
            return new Made(Outcome.CHANGED, hash, PassphraseBox.seal(raw, next.toCharArray()));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
