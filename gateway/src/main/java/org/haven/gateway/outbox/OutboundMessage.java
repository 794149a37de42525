package org.haven.gateway.outbox;

import java.util.List;
import java.util.UUID;
import org.haven.bot.Option;

/**
 * One message to deliver, as handed to a {@link ChannelSender}: already decrypted, never logged.
 *
 * @param id the outbox id (stable across retries: use it as the provider's idempotency key)
 * @param conversationId the conversation it belongs to
 * @param address the channel address (phone number, chat id); null for web chat
 * @param text the message text
 * @param options answer options to show as buttons or numbered choices (may be empty)
 * @param language the language of the text
 * @param rtl whether the text is right-to-left
 * @param attempt 1 for the first try
 * @param multiple whether several answer options may be chosen together (a multiple-choice
 *     question)
 * @param fromCoordinator whether a coordinator wrote it (a reply from the case page), not the
 *     intake
 */
public record OutboundMessage(
        UUID id,
        UUID conversationId,
        String address,
        String text,
        List<Option> options,
        String language,
        boolean rtl,
        int attempt,
        boolean multiple,
        boolean fromCoordinator) {

    /** A message from the intake whose options, if any, are chosen one at a time. */
    public OutboundMessage(
            UUID id,
            UUID conversationId,
            String address,
            String text,
            List<Option> options,
            String language,
            boolean rtl,
            int attempt) {
        this(id, conversationId, address, text, options, language, rtl, attempt, false, false);
    }
}
