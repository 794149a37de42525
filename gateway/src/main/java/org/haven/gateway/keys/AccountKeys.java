package org.haven.gateway.keys;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.haven.crypto.PassphraseBox;
import org.haven.crypto.PassphraseHash;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.SecretKeyAccess;

/**
 * A new account's secrets, made off the event loop: the passphrase hash, a personal key pair and
 * its private half sealed under the passphrase; {@code team} is the key to grant, if any. The first
 * administrator's setup, the Team page and the command line make accounts with it.
 */
public record AccountKeys(
        String hash, RecipientKeyPair personal, byte[] sealedPersonal, RecipientPrivateKey team) {
    /** Makes them (blocking: two Argon2id runs). */
    public static AccountKeys make(String passphrase, RecipientPrivateKey team)
            throws GeneralSecurityException {
        RecipientKeyPair personal = RecipientKeyPair.generate();
        byte[] raw = personal.privateKey().toBytes(SecretKeyAccess.INSECURE);
        try {
            return new AccountKeys(
                    PassphraseHash.hash(passphrase.toCharArray()),
                    personal,
                    PassphraseBox.seal(raw, passphrase.toCharArray()),
                    team);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Wipes the private keys held. */
    public void destroy() {
        personal.privateKey().destroy();
    }
}
