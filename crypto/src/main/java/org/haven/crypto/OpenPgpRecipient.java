package org.haven.crypto;

import java.time.Instant;
import java.util.List;
import org.haven.crypto.internal.OpenPgp;

/**
 * An outside recipient's OpenPGP public key (a lawyer's), read and checked, and what a person
 * confirms before anything is encrypted to it: fingerprints, user ids, dates, algorithm.
 *
 * <p>{@link #parse} accepts exactly one ASCII-armored transferable public key that is bound by
 * valid self-signatures, not revoked, not expired, of an acceptable strength, and has a valid
 * encryption-capable key: the newest valid subkey with encryption flags, or the primary key if it
 * may encrypt. Anything else is an {@link OpenPgpKeyException} saying why. Validity is judged by
 * Bouncy Castle's {@code OpenPGPCertificate} (signature chains, revocations, expiry, policy) at the
 * current time.
 */
public final class OpenPgpRecipient {
    private final OpenPgp.Recipient recipient;

    private OpenPgpRecipient(OpenPgp.Recipient recipient) {
        this.recipient = recipient;
    }

    /** Reads and checks one armored public key. */
    public static OpenPgpRecipient parse(String armoredPublicKey) throws OpenPgpKeyException {
        return new OpenPgpRecipient(OpenPgp.recipient(armoredPublicKey, Instant.now()));
    }

    /** The primary key's fingerprint: 40 upper-case hex digits (v4). */
    public String fingerprint() {
        return recipient.fingerprint();
    }

    /** The fingerprint of the key the message is encrypted to (a subkey, or the primary key). */
    public String encryptionFingerprint() {
        return recipient.encryptionFingerprint();
    }

    /** The user ids bound to the key and not revoked, primary first. */
    public List<String> userIds() {
        return recipient.userIds();
    }

    /** When the primary key was made. */
    public Instant created() {
        return recipient.created();
    }

    /** When the encryption key was made. */
    public Instant encryptionKeyCreated() {
        return recipient.encryptionKeyCreated();
    }

    /**
     * The encryption key's algorithm, named as gpg names it ({@code cv25519}, {@code rsa3072},
     * ...).
     */
    public String encryptionAlgorithm() {
        return recipient.encryptionAlgorithm();
    }

    /**
     * The primary key's algorithm, named as gpg names it ({@code ed25519}, {@code rsa3072}, ...).
     */
    public String algorithm() {
        return recipient.algorithm();
    }

    OpenPgp.Recipient internal() {
        return recipient;
    }

    /**
     * A fingerprint grouped as gpg prints it: blocks of four hex digits, two spaces in the middle
     * ({@code "3EF9 EC47 0715 4A26 CCD2 4D4A 6DE7 1F67 A763 3764"}).
     */
    public static String grouped(String fingerprint) {
        StringBuilder b = new StringBuilder();
        int half = fingerprint.length() / 2;
        for (int i = 0; i < fingerprint.length(); i += 4) {
            if (i > 0) {
                b.append(i == half ? "  " : " ");
            }
            b.append(fingerprint, i, Math.min(i + 4, fingerprint.length()));
        }
        return b.toString();
    }
}
