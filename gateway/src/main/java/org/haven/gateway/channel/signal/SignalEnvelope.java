package org.haven.gateway.channel.signal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One incoming envelope as signal-cli 0.14.6 writes it (JsonMessageEnvelope), on the events stream
 * as {@code {"envelope":{…},"account":"+…"}} and in the result of {@code receive} as a list of the
 * same. Only what Haven acts on is kept. Never logged.
 *
 * @param sender the person's address: their ACI (a UUID, {@code sourceUuid}) whenever signal-cli
 *     gives it, the number ({@code sourceNumber}) only when it does not
 * @param timestamp the message's timestamp as the sender's device set it; with the sender, the id
 *     that de-duplicates a message delivered twice
 * @param kind what the envelope carries
 * @param text the message text ({@code dataMessage.message}), "" when none
 * @param attachments how many attachments (or a sticker) came with it
 * @param groupId the group the message was written in ({@code dataMessage.groupInfo.groupId}),
 *     empty for a direct message
 */
record SignalEnvelope(
        String sender,
        long timestamp,
        Kind kind,
        String text,
        int attachments,
        Optional<String> groupId) {

    /** What an envelope carries, as far as Haven is concerned. */
    enum Kind {
        /** A message written to Haven (text, attachments, or both). */
        MESSAGE,
        /**
         * Anything without words from a group: Haven was added to it, it was edited, a reaction in
         * it.
         */
        GROUP_UPDATE,
        /** Anything else: receipts, typing, sync, calls, stories, reactions, edits, deletions. */
        OTHER
    }

    private static final Pattern UUID =
            Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");

    /** Longest text handed to the dialogue; Signal's own limit for one message is far above. */
    static final int MAX_TEXT = 4096;

    /**
     * Reads one {@code {"envelope":…}} object; empty when it is not an envelope Haven can use (no
     * sender it can write back to, no timestamp, or not JSON of that shape).
     */
    static Optional<SignalEnvelope> parse(JsonObject event) {
        try {
            JsonObject e = event.getJsonObject("envelope");
            if (e == null) {
                return Optional.empty();
            }
            Optional<String> sender = sender(e);
            Long timestamp = e.getLong("timestamp");
            if (sender.isEmpty() || timestamp == null || timestamp <= 0) {
                return Optional.empty();
            }
            JsonObject data = e.getJsonObject("dataMessage");
            if (data == null) {
                return Optional.of(
                        new SignalEnvelope(
                                sender.get(), timestamp, Kind.OTHER, "", 0, Optional.empty()));
            }
            JsonObject group = data.getJsonObject("groupInfo");
            Optional<String> groupId =
                    group == null
                            ? Optional.empty()
                            : Optional.ofNullable(group.getString("groupId"));
            String text = data.getString("message");
            text = text == null ? "" : text.strip();
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT);
            }
            JsonArray files = data.getJsonArray("attachments");
            int attachments =
                    (files == null ? 0 : files.size()) + (data.getValue("sticker") != null ? 1 : 0);
            Kind kind;
            if (!text.isEmpty() || attachments > 0) {
                kind = Kind.MESSAGE;
            } else if (group != null) {
                kind = Kind.GROUP_UPDATE;
            } else {
                kind = Kind.OTHER; // a reaction, a deletion, an expiry timer change
            }
            return Optional.of(
                    new SignalEnvelope(sender.get(), timestamp, kind, text, attachments, groupId));
        } catch (ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The ACI when given: never the number where Signal gives the UUID. */
    private static Optional<String> sender(JsonObject e) {
        String uuid = e.getString("sourceUuid");
        if (uuid != null && UUID.matcher(uuid).matches()) {
            return Optional.of(uuid.toLowerCase(java.util.Locale.ROOT));
        }
        String number = e.getString("sourceNumber");
        if (number != null && NUMBER.matcher(number).matches()) {
            return Optional.of(number);
        }
        return Optional.empty();
    }

    /** The id that de-duplicates this message (with the sender, inside the intake's keyed hash). */
    String messageId() {
        return String.valueOf(timestamp);
    }

    boolean inGroup() {
        return groupId.isPresent();
    }
}
