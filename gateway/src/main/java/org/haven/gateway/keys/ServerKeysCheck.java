package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.store.Database;
import org.haven.gateway.store.ServerKeysCheckStore;

/**
 * Refuses a gateway whose server keys are not the cluster's, before it serves: with other keys it
 * would tell resumed web chats that their conversation ended and fail correct logins (the
 * second-factor secrets are under the keyring). The first gateway on a database (or the first start
 * after the upgrade that added the record) records:
 *
 * <ul>
 *   <li>the fingerprint: HMAC-SHA256 under a key derived from the hash secret (HKDF info {@value
 *       #FINGERPRINT_PURPOSE}) of a fixed text; it names the keys without revealing them, and stays
 *       the same across a keyring rotation (the hash secret does not change);
 *   <li>the canary: a fixed text sealed under the keyring (associated data {@code
 *       haven/server-keys-canary/1}); a rotation writes it anew under the new key with everything
 *       else ({@code KeyringColumns}), so keys from before a retired rotation fail it.
 * </ul>
 */
public final class ServerKeysCheck {
    /** The HKDF info of the fingerprint's key. */
    public static final String FINGERPRINT_PURPOSE = "haven/server-keys-fingerprint/v1";

    private static final byte[] CANARY =
            "haven server keys canary".getBytes(StandardCharsets.UTF_8);
    private static final byte[] CANARY_BINDING =
            "haven/server-keys-canary/1".getBytes(StandardCharsets.UTF_8);

    /**
     * The keys given are not the ones the database was recorded with; the message is the one line
     * to show.
     */
    public static final class Mismatch extends Exception {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }

    private ServerKeysCheck() {}

    /**
     * The fingerprint of {@code secrets}: what the database records, and what errors show the start
     * of.
     */
    public static byte[] fingerprint(ServerSecrets secrets) {
        return secrets.contactHash().derive(FINGERPRINT_PURPOSE).hash("haven server keys");
    }

    /**
     * Records the keys' fingerprint and canary if the database holds none yet, else checks {@code
     * secrets} against them; fails with {@link Mismatch} when they are not the cluster's.
     */
    public static Future<Void> verify(Database database, ServerSecrets secrets) {
        byte[] mine = fingerprint(secrets);
        byte[] canary;
        try {
            canary = secrets.keyring().encrypt(CANARY, CANARY_BINDING);
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
        return ServerKeysCheckStore.recordIfAbsent(database, mine, canary)
                .compose(
                        recorded -> {
                            if (!MessageDigest.isEqual(recorded.fingerprint(), mine)) {
                                return Future.failedFuture(
                                        new Mismatch(
                                                "these server keys are not the cluster's (fingerprint "
                                                        + shortHex(recorded.fingerprint())
                                                        + " recorded, "
                                                        + shortHex(mine)
                                                        + " here); start it with the"
                                                        + " cluster's HAVEN_SERVER_KEYS"));
                            }
                            try {
                                byte[] opened =
                                        secrets.keyring()
                                                .decrypt(recorded.canary(), CANARY_BINDING);
                                if (!MessageDigest.isEqual(opened, CANARY)) {
                                    throw new GeneralSecurityException("canary");
                                }
                            } catch (GeneralSecurityException e) {
                                return Future.failedFuture(
                                        new Mismatch(
                                                "these server keys (fingerprint "
                                                        + shortHex(mine)
                                                        + ") lack the"
                                                        + " cluster's current keyring key (key "
                                                        + keyId(recorded.canary())
                                                        + " recorded, keys "
                                                        + secrets.keyring().keyIds()
                                                        + " here: older keys, from before a rotation?); start it with the"
                                                        + " cluster's HAVEN_SERVER_KEYS"));
                            }
                            return Future.succeededFuture();
                        });
    }

    private static String keyId(byte[] canary) {
        try {
            return Integer.toString(ServerKeyring.keyIdOf(canary));
        } catch (GeneralSecurityException e) {
            return "unknown";
        }
    }

    /** The first 4 bytes in hex and an ellipsis: enough to tell two fingerprints apart in a log. */
    static String shortHex(byte[] fingerprint) {
        return HexFormat.of().formatHex(fingerprint, 0, 4) + "…";
    }
}
