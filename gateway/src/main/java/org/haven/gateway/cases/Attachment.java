package org.haven.gateway.cases;

import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.Optional;

/**
 * A file the person sent (a voice note, a photo, a document), in clear, only in memory: on its way
 * to being sealed into a case, or just opened for a coordinator. {@link #toString()} shows no byte.
 *
 * @param contentType its content type, as checked against the channel's limits
 * @param data its bytes
 */
public record Attachment(String contentType, byte[] data) {

    /** The entry document: {@code {content_type, size, data}}. */
    public JsonObject toEntry() {
        return new JsonObject()
                .put("content_type", contentType)
                .put("size", data.length)
                .put("data", Base64.getEncoder().encodeToString(data));
    }

    /** The attachment an opened entry holds, if it is one. */
    public static Optional<Attachment> fromEntry(JsonObject doc) {
        if (doc == null || doc.getString("content_type") == null || doc.getString("data") == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new Attachment(
                            doc.getString("content_type"),
                            Base64.getDecoder().decode(doc.getString("data"))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "Attachment[contentType=" + contentType + ", size=" + data.length + "]";
    }
}
