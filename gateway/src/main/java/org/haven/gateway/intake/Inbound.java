package org.haven.gateway.intake;

import java.util.Optional;

/**
 * One message from a person, as a channel hands it to the dialogue. Never logged.
 *
 * @param channel the channel name
 * @param address the contact address on that channel (phone number, chat id, web resume token)
 * @param text what the person wrote, or the value of the option they chose
 * @param messageId the channel's id for this message, if any: a message seen before is not applied again
 * @param replyViaOutbox whether replies go out through the outbox (SMS, Telegram) rather than
 *     being returned to the channel to send itself (web chat)
 */
public record Inbound(String channel, String address, String text, Optional<String> messageId, boolean replyViaOutbox) {
}
