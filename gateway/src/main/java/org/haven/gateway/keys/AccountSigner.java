package org.haven.gateway.keys;

import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SignatureKey;
import org.haven.crypto.Signer;

/**
 * An administrator's personal signing key, derived at login from the personal key their passphrase
 * opens, with the personal public key it belongs to. It signs the key records the administrator
 * creates (accounts, agencies, team keys at rotation) and lives only in the session's memory;
 * {@link #destroy()} wipes it.
 */
public final class AccountSigner {
    private final long accountId;
    private final RecipientPublicKey personalKey;
    private final Signer signer;

    private AccountSigner(long accountId, RecipientPublicKey personalKey, Signer signer) {
        this.accountId = accountId;
        this.personalKey = personalKey;
        this.signer = signer;
    }

    /**
     * The signer of account {@code accountId}, from its unlocked personal key (which the caller
     * still owns).
     */
    public static AccountSigner of(long accountId, RecipientPrivateKey personal) {
        return new AccountSigner(accountId, personal.publicKey(), Signer.derive(personal));
    }

    public long accountId() {
        return accountId;
    }

    /** The personal X25519 public key this signer was derived from. */
    public RecipientPublicKey personalKey() {
        return personalKey;
    }

    /** The Ed25519 public key that checks this signer's signatures. */
    public SignatureKey signatureKey() {
        return signer.signatureKey();
    }

    /** How this signer is named in the records it signs. */
    String name() {
        return KeyRecords.accountSigner(accountId);
    }

    byte[] sign(byte[] record) {
        return signer.sign(record);
    }

    /** Wipes the signing key. */
    public void destroy() {
        signer.destroy();
    }

    /** Whether {@link #destroy()} was called. */
    public boolean isDestroyed() {
        return signer.isDestroyed();
    }
}
