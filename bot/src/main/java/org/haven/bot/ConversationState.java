package org.haven.bot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where one conversation stands; compact and immutable. The gateway stores it (encrypted) between
 * messages as {@link #toBytes()} and passes it back to {@link Engine#step}.
 *
 * <p>Serialised form: UTF-8 JSON with short keys, {@code {"v":1,"ch":"sms","l":"fr","lc":true,
 * "p":"ACTIVE","q":"where","lo":false,"a":{"who":["survivor"]},"t":1764135000,"h":false}}; {@code
 * a} maps question ids to values (an empty list = skipped), {@code t} is the last activity in epoch
 * seconds. Once the intake is handed off ({@code h}), the answers are gone (they live sealed in the
 * case): {@code a} is empty and {@code g} keeps the one thing later messages still need from them,
 * the working group that messages name.
 *
 * @param version format version (1)
 * @param channel the channel name the gateway gave ("sms", "telegram", "web")
 * @param language the conversation language
 * @param languageChosen whether the person chose the language (until then, input in another
 *     language switches to it)
 * @param phase where the conversation is
 * @param question the question waiting for an answer, or null; after the hand-off of a person in
 *     danger who gave no place yet, the city question, whose answer gets the crisis lines there
 * @param languageAsked whether a LANGUAGE keyword is waiting for its answer
 * @param answers question id → values; an empty list means skipped
 * @param lastActivity the last input or start, in epoch seconds
 * @param handedOff whether this conversation's intake was handed off (kept through STOP/START)
 * @param workingGroup the working group of the handed-off intake, or null before hand-off
 */
public record ConversationState(
        @JsonProperty("v") int version,
        @JsonProperty("ch") String channel,
        @JsonProperty("l") String language,
        @JsonProperty("lc") boolean languageChosen,
        @JsonProperty("p") Phase phase,
        @JsonProperty("q") String question,
        @JsonProperty("lo") boolean languageAsked,
        @JsonProperty("a") Map<String, List<String>> answers,
        @JsonProperty("t") long lastActivity,
        @JsonProperty("h") boolean handedOff,
        @JsonProperty("g") String workingGroup) {

    /** The current format version. */
    public static final int VERSION = 1;

    /** Where a conversation stands. */
    public enum Phase {
        /** Answering questions. */
        ACTIVE,
        /** Paused by the person (or not safe to talk); resumes within the resume window. */
        PAUSED,
        /** Opted out with STOP: nothing is sent until START. */
        OPTED_OUT,
        /** Handed off to a coordinator; later messages are for the coordinator. */
        FINISHED,
        /** Ended without a case (deleted, no consent); the next message starts again. */
        ENDED,
        /** The duress word was used: every message gets the decoy reply. */
        DURESS,
        /**
         * STOP after the duress word: nothing is sent until START, and then only the decoy, so that
         * nothing hints at the earlier conversation.
         */
        DURESS_OPTED_OUT
    }

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

    /** Makes an immutable state. */
    public ConversationState {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(phase, "phase");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (answers != null) {
            answers.forEach((k, v) -> copy.put(Objects.requireNonNull(k), List.copyOf(v)));
        }
        answers = Collections.unmodifiableMap(copy);
    }

    /**
     * @return the compact serialised form (UTF-8 JSON)
     */
    public byte[] toBytes() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise state", e);
        }
    }

    /**
     * @param bytes a serialised state
     * @return the state
     * @throws IllegalArgumentException when the bytes are not a state of this version
     */
    public static ConversationState fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty conversation state");
        }
        ConversationState s;
        try {
            s = JSON.readValue(bytes, ConversationState.class);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a conversation state", e);
        }
        if (s == null || s.version() != VERSION) {
            throw new IllegalArgumentException("unsupported conversation state version");
        }
        return s;
    }

    /**
     * @return whether the intake was handed off; later messages are for the coordinator
     */
    @JsonIgnore
    public boolean finished() {
        return phase == Phase.FINISHED;
    }

    /**
     * @return whether the duress word was used (and not yet left behind by expiry): every message
     *     gets the decoy, and nothing the person sends is kept
     */
    @JsonIgnore
    public boolean underDuress() {
        return phase == Phase.DURESS || phase == Phase.DURESS_OPTED_OUT;
    }

    /**
     * @return whether the person opted out (STOP): send nothing, not even a coordinator's reply
     */
    @JsonIgnore
    public boolean optedOut() {
        return phase == Phase.OPTED_OUT || phase == Phase.DURESS_OPTED_OUT;
    }
}
