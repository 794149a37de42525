package org.haven.gateway.channel.webchat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.haven.bot.Option;
import org.haven.bot.Reply;

/**
 * A message to the person as the chat page receives it: a {@code reply} frame
 * (docs/webchat-protocol.md).
 */
final class ReplyFrame {

    private ReplyFrame() {}

    /**
     * @param r the message
     * @param fromCoordinator whether a coordinator wrote it: the page shows it apart from the
     *     intake's words
     * @return its frame
     */
    static JsonObject of(Reply r, boolean fromCoordinator) {
        JsonArray options = new JsonArray();
        r.options().forEach(o -> options.add(option(o)));
        JsonObject frame =
                new JsonObject()
                        .put("type", "reply")
                        .put("text", r.text())
                        .put("options", options)
                        .put("lang", r.language())
                        .put("dir", r.rtl() ? "rtl" : "ltr");
        if (r.multiple()) {
            frame.put("multiple", true);
        }
        return fromCoordinator ? frame.put("from", "coordinator") : frame;
    }

    /**
     * An option; a control (skip, pause, ask for a person) is marked, so that it stays one tap
     * where answers toggle.
     */
    private static JsonObject option(Option o) {
        JsonObject f = new JsonObject().put("value", o.value()).put("label", o.label());
        return o.control() ? f.put("control", true) : f;
    }
}
