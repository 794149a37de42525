package org.haven.gateway.cases;

import java.util.Locale;

/**
 * What a sealed case entry holds; its name is stored in {@code case_entries.kind} and bound into
 * the entry's seal.
 */
public enum EntryKind {
    /**
     * The intake answers: {@code {language, answers: [{id, question, label, answer}], referrals:
     * [...]}} ({@code label}, the question's short name, since issue 19).
     */
    ANSWERS,
    /** A message the person wrote after hand-off: {@code {text}}. */
    MESSAGE_IN,
    /** A coordinator's reply to the person: {@code {text}}. */
    MESSAGE_OUT,
    /** A coordinator's private note: {@code {text}}. */
    NOTE,
    /** A referral to a partner organisation: {@code {text}}. */
    REFERRAL,
    /**
     * Where the person can be reached on their channel (an SMS number, a Telegram chat id): {@code
     * {channel, address}}. Sealed at hand-off so that the server keeps no readable copy; a
     * coordinator's session opens it to send a reply.
     */
    CONTACT,
    /**
     * A voice note, photo or document the person sent: {@code {content_type, size, data}} ({@code
     * data} in base64). Sealed like every entry; the inbox serves it only to a session that opens
     * it.
     */
    ATTACHMENT;

    /** The stored name ({@code message_in}). */
    public String stored() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of a stored name. */
    public static EntryKind of(String stored) {
        return valueOf(stored.toUpperCase(Locale.ROOT));
    }
}
