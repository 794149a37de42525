package org.haven.gateway.intake;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.haven.bot.ConversationState;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.haven.bot.Turn;
import org.haven.crypto.DataKey;
import org.haven.crypto.SecretKeyAccess;
import org.haven.gateway.keys.ServerSecrets;

/**
 * A conversation's state at rest: the engine state, the last replies (shown again when the person
 * resumes) and, for a channel that keeps the person's own copy, its history key ({@link
 * PersonHistory}), as one {@code HVND} field bound to {@code haven/conversation/<id>} under the
 * conversation's own key, {@code K = HMAC-SHA256(hash secret, "haven-state|" + channel + ":" +
 * address)}. The key is derived anew from the address every message carries and is never stored: a
 * copy of the disk with the server keys opens a state only for a person whose address it already
 * knows or guesses (a web chat's resume token cannot be guessed; a phone number can be enumerated,
 * see docs/crypto.md). States written before this form are {@code HVNW} under the server keyring;
 * they are read as such and written anew in the new form at the next step.
 *
 * <p>A handed-off conversation keeps no answers (the engine drops them) and only its last reply:
 * the replies of the hand-off step name referral suggestions that follow from the answers.
 */
final class StateCipher {

    /**
     * A decrypted conversation.
     *
     * @param historyKey the key of the person's own copy of the conversation ({@link
     *     PersonHistory}), or null when its channel keeps none
     */
    record Stored(ConversationState state, List<Reply> lastReplies, byte[] historyKey) {}

    /**
     * The magic of a server-keyring ciphertext ({@code HVNW}): a state written before
     * per-conversation keys.
     */
    private static final byte[] SERVER_KEYRING_MAGIC = {'H', 'V', 'N', 'W'};

    private final ServerSecrets secrets;

    StateCipher(ServerSecrets secrets) {
        this.secrets = secrets;
    }

    byte[] encrypt(UUID id, String channel, String address, Turn turn, byte[] historyKey) {
        List<Reply> kept =
                turn.state().handedOff() && turn.replies().size() > 1
                        ? turn.replies().subList(turn.replies().size() - 1, turn.replies().size())
                        : turn.replies();
        JsonArray replies = new JsonArray();
        for (Reply r : kept) {
            JsonArray options = new JsonArray();
            r.options()
                    .forEach(
                            o ->
                                    options.add(
                                            new JsonObject()
                                                    .put("v", o.value())
                                                    .put("l", o.label())));
            JsonObject reply =
                    new JsonObject()
                            .put("t", r.text())
                            .put("o", options)
                            .put("lang", r.language())
                            .put("rtl", r.rtl());
            if (r.multiple()) {
                reply.put(
                        "m", true); // so that a reloaded page offers the same toggle buttons again
            }
            replies.add(reply);
        }
        JsonObject doc =
                new JsonObject()
                        .put("s", Base64.getEncoder().encodeToString(turn.state().toBytes()))
                        .put("r", replies);
        if (historyKey != null) {
            doc.put("h", Base64.getEncoder().encodeToString(historyKey));
        }
        DataKey key = key(channel, address);
        try {
            return key.encrypt(doc.encode().getBytes(StandardCharsets.UTF_8), aad(id));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state encryption failed", e);
        } finally {
            key.destroy();
        }
    }

    Stored decrypt(UUID id, String channel, String address, byte[] ciphertext) {
        byte[] raw = keyBytes(channel, address);
        try {
            return decrypt(id, raw, ciphertext);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Opens a state with its key's bytes (a resume phrase's box holds them). */
    Stored decrypt(UUID id, byte[] keyBytes, byte[] ciphertext) {
        return parse(open(id, keyBytes, ciphertext));
    }

    /**
     * The same state under another key: the conversation moves to another address (a resume phrase
     * was written there), and only the new address opens it from now on.
     */
    byte[] rekey(UUID id, byte[] oldKey, byte[] newKey, byte[] ciphertext) {
        byte[] plain = open(id, oldKey, ciphertext);
        DataKey key = dataKey(newKey);
        try {
            return key.encrypt(plain, aad(id));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state encryption failed", e);
        } finally {
            key.destroy();
            Arrays.fill(plain, (byte) 0);
        }
    }

    /** The bytes of the state key of an address (for a resume phrase's box). */
    byte[] keyBytes(String channel, String address) {
        return secrets.contactHash().hash("haven-state|" + channel + ":" + address);
    }

    private byte[] open(UUID id, byte[] keyBytes, byte[] ciphertext) {
        try {
            if (startsWith(ciphertext, SERVER_KEYRING_MAGIC)) {
                return secrets.keyring().decrypt(ciphertext, aad(id));
            }
            DataKey key = dataKey(keyBytes);
            try {
                return key.decrypt(ciphertext, aad(id));
            } finally {
                key.destroy();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state decryption failed", e);
        }
    }

    private static Stored parse(byte[] plain) {
        JsonObject doc = new JsonObject(new String(plain, StandardCharsets.UTF_8));
        ConversationState state =
                ConversationState.fromBytes(Base64.getDecoder().decode(doc.getString("s")));
        List<Reply> replies = new ArrayList<>();
        for (Object o : doc.getJsonArray("r")) {
            JsonObject r = (JsonObject) o;
            List<Option> options = new ArrayList<>();
            for (Object p : r.getJsonArray("o")) {
                JsonObject op = (JsonObject) p;
                options.add(new Option(op.getString("v"), op.getString("l")));
            }
            replies.add(
                    new Reply(
                            r.getString("t"),
                            options,
                            r.getString("lang"),
                            r.getBoolean("rtl"),
                            r.getBoolean("m", false)));
        }
        String h = doc.getString("h");
        return new Stored(state, replies, h == null ? null : Base64.getDecoder().decode(h));
    }

    private DataKey key(String channel, String address) {
        byte[] raw = keyBytes(channel, address);
        try {
            return dataKey(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private static DataKey dataKey(byte[] raw) {
        try {
            return DataKey.fromBytes(raw, SecretKeyAccess.INSECURE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("state key unusable", e);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length
                && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] aad(UUID conversationId) {
        return ("haven/conversation/" + conversationId).getBytes(StandardCharsets.UTF_8);
    }
}
