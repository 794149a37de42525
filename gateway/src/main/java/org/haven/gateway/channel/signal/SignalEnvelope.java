package org.haven.gateway.channel.signal;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * @param files the files sent with it ({@code dataMessage.attachments}: {@code id}, {@code
 *     contentType}, {@code size}), a long text's own attachment ({@value #LONG_TEXT}) left out: its
 *     words are already the text
 * @param sticker whether a sticker came with it (never a file Haven takes)
 * @param stored the ids of every file of the envelope the daemon stored in its attachments
 *     directory, when it downloads attachments: the files, a long text, link preview images, quoted
 *     thumbnails, shared contacts' avatars, an edited or synced message's files. Haven deletes them
 *     all once the envelope is handled
 * @param groupId the group the message was written in ({@code dataMessage.groupInfo.groupId}),
 *     empty for a direct message
 */
record SignalEnvelope(
        String sender,
        long timestamp,
        Kind kind,
        String text,
        List<File> files,
        boolean sticker,
        List<String> stored,
        Optional<String> groupId) {

    /**
     * One file of a message, as signal-cli lists it (JsonAttachment); its bytes are had with {@code
     * getAttachment}.
     *
     * @param id the daemon's name for it in its attachments directory
     * @param contentType as the sender's app declared it, "" when it did not
     * @param size as the sender's app declared it, -1 when it did not
     */
    record File(String id, String contentType, long size) {}

    /** The content type of the attachment that carries a long message's text. */
    static final String LONG_TEXT = "text/x-signal-plain";

    /** signal-cli's attachment ids: the remote id with an extension, sanitised by the daemon. */
    private static final Pattern FILE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}");

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
            List<String> stored = new ArrayList<>();
            storedIds(e, stored);
            JsonObject data = e.getJsonObject("dataMessage");
            if (data == null) {
                return Optional.of(
                        new SignalEnvelope(
                                sender.get(),
                                timestamp,
                                Kind.OTHER,
                                "",
                                List.of(),
                                false,
                                List.copyOf(stored),
                                Optional.empty()));
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
            List<File> files = files(data.getJsonArray("attachments"));
            boolean sticker = data.getValue("sticker") != null;
            Kind kind;
            if (!text.isEmpty() || !files.isEmpty() || sticker) {
                kind = Kind.MESSAGE;
            } else if (group != null) {
                kind = Kind.GROUP_UPDATE;
            } else {
                kind = Kind.OTHER; // a reaction, a deletion, an expiry timer change
            }
            return Optional.of(
                    new SignalEnvelope(
                            sender.get(),
                            timestamp,
                            kind,
                            text,
                            files,
                            sticker,
                            List.copyOf(stored),
                            groupId));
        } catch (ClassCastException e) {
            return Optional.empty();
        }
    }

    /** The files of {@code dataMessage.attachments}, a long text's own left out. */
    private static List<File> files(JsonArray list) {
        List<File> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (Object o : list) {
            if (!(o instanceof JsonObject a)) {
                continue;
            }
            String type = a.getString("contentType");
            if (LONG_TEXT.equals(type)) {
                continue;
            }
            String id = a.getString("id");
            Long size = a.getLong("size");
            out.add(
                    new File(
                            id != null && FILE_ID.matcher(id).matches() ? id : "",
                            type == null ? "" : type,
                            size == null ? -1 : size));
        }
        return List.copyOf(out);
    }

    /**
     * Every file the daemon stored for the envelope, wherever it is listed: any object with a
     * string {@code id} and {@code contentType} (JsonAttachment's shape), at any depth.
     */
    private static void storedIds(Object node, List<String> out) {
        if (node instanceof JsonObject o) {
            Object id = o.getValue("id");
            if (id instanceof String s
                    && o.getValue("contentType") instanceof String
                    && FILE_ID.matcher(s).matches()
                    && !out.contains(s)) {
                out.add(s);
            }
            for (Map.Entry<String, Object> field : o) {
                storedIds(field.getValue(), out);
            }
        } else if (node instanceof JsonArray a) {
            for (Object item : a) {
                storedIds(item, out);
            }
        }
    }

    /** How many files (or a sticker) came with the message. */
    int attachments() {
        return files.size() + (sticker ? 1 : 0);
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
