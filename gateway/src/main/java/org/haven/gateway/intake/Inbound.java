package org.haven.gateway.intake;

import java.util.List;
import java.util.Optional;
import org.haven.gateway.cases.Attachment;

/**
 * One message from a person, as a channel hands it to the dialogue. Never logged.
 *
 * @param channel the channel name
 * @param address the contact address on that channel (phone number, chat id, web resume token)
 * @param text what the person wrote, or the value of the option they chose
 * @param messageId the channel's id for this message, if any: a message seen before is not applied
 *     again
 * @param replyViaOutbox whether replies go out through the outbox (SMS, Telegram) rather than being
 *     returned to the channel to send itself (web chat)
 * @param spooled when the message waited in the local spool: when it arrived and what it answered
 * @param media files that came with the message (voice notes, photos, documents), already checked
 *     against the channel's limits; sealed into the case in the same step. Not spooled: a message
 *     that waits in the spool keeps its text only
 * @param provinceHint the person's province as their channel address hints it (an SMS or WhatsApp
 *     number's area code), for this message's replies only: never stored, spooled or logged
 */
public record Inbound(
        String channel,
        String address,
        String text,
        Optional<String> messageId,
        boolean replyViaOutbox,
        Optional<Spooled> spooled,
        List<Attachment> media,
        Optional<String> provinceHint) {

    /**
     * When a spooled message arrived; the question its conversation was at then, as far as this
     * gateway knew (null when it did not: another gateway had the conversation's last step); and
     * how many of the contact's messages went into the spool before it since that step (0: the
     * first, which answered that question; the next ones were written without a reply in between).
     */
    public record Spooled(long arrivedAtMillis, String question, int run) {}

    /** A message as it arrives, not spooled. */
    public Inbound(
            String channel,
            String address,
            String text,
            Optional<String> messageId,
            boolean replyViaOutbox) {
        this(channel, address, text, messageId, replyViaOutbox, List.of());
    }

    /** A message as it arrives, with the files that came with it. */
    public Inbound(
            String channel,
            String address,
            String text,
            Optional<String> messageId,
            boolean replyViaOutbox,
            List<Attachment> media) {
        this(
                channel,
                address,
                text,
                messageId,
                replyViaOutbox,
                Optional.empty(),
                media,
                Optional.empty());
    }

    /** A message read back from the spool (its files were not spooled). */
    public Inbound(
            String channel,
            String address,
            String text,
            Optional<String> messageId,
            boolean replyViaOutbox,
            Optional<Spooled> spooled) {
        this(
                channel,
                address,
                text,
                messageId,
                replyViaOutbox,
                spooled,
                List.of(),
                Optional.empty());
    }

    /** The same message, as it goes into the spool. */
    public Inbound spooled(long arrivedAtMillis, String question, int run) {
        return new Inbound(
                channel,
                address,
                text,
                messageId,
                replyViaOutbox,
                Optional.of(new Spooled(arrivedAtMillis, question, run)));
    }

    /** The same message, with the province its address hints (the spool does not keep it). */
    public Inbound withProvinceHint(Optional<String> hint) {
        return new Inbound(channel, address, text, messageId, replyViaOutbox, spooled, media, hint);
    }
}
