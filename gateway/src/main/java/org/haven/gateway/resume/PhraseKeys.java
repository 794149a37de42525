package org.haven.gateway.resume;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.UUID;
import org.haven.crypto.Argon2Memory;
import org.haven.crypto.Argon2Params;
import org.haven.crypto.DataKey;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.SecretKeyAccess;
import org.haven.crypto.SlowHash;

/**
 * What a resume phrase opens: 64 bytes of Argon2id (19 MiB, t = 2) over the canonical phrase,
 * salted with a value derived from the server's hash secret. The first half finds the conversation
 * ({@code conversations.phrase_lookup}); the second opens its box ({@code
 * conversations.phrase_box}), which holds the key of the conversation's state.
 *
 * @param lookup what the conversation is found by
 * @param boxKey the key of the box
 */
public record PhraseKeys(byte[] lookup, byte[] boxKey) {
    /** Argon2id's cost for phrases: the minimum (19 MiB, t = 2). */
    static final Argon2Params COST = Argon2Params.minimum();

    /**
     * Derives the keys of a canonical phrase ({@link ResumeWords.Candidate#canonical()}); slow, run
     * it off the event loop.
     */
    public static PhraseKeys derive(String canonical, KeyedHash hashSecret) {
        return derive(canonical, hashSecret, null);
    }

    /** As {@link #derive(String, KeyedHash)}, in Argon2id memory kept by the caller's thread. */
    static PhraseKeys derive(String canonical, KeyedHash hashSecret, Argon2Memory memory) {
        byte[] salt = hashSecret.derive("haven-resume-phrase").hash("salt");
        byte[] out =
                SlowHash.derive(canonical.getBytes(StandardCharsets.UTF_8), salt, COST, 64, memory);
        try {
            return new PhraseKeys(Arrays.copyOfRange(out, 0, 32), Arrays.copyOfRange(out, 32, 64));
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    /** Seals a conversation's state key into its box. */
    public byte[] seal(UUID conversationId, byte[] stateKey) {
        DataKey k = key();
        try {
            return k.encrypt(stateKey, aad(conversationId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("phrase box sealing failed", e);
        } finally {
            k.destroy();
        }
    }

    /** Opens a conversation's box: its state key. */
    public byte[] open(UUID conversationId, byte[] box) throws GeneralSecurityException {
        DataKey k = key();
        try {
            return k.decrypt(box, aad(conversationId));
        } finally {
            k.destroy();
        }
    }

    private DataKey key() {
        try {
            return DataKey.fromBytes(boxKey, SecretKeyAccess.INSECURE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("phrase box key unusable", e);
        }
    }

    private static byte[] aad(UUID conversationId) {
        return ("haven/phrase/" + conversationId).getBytes(StandardCharsets.UTF_8);
    }
}
