package org.haven.bot.render;

import java.util.List;
import org.haven.bot.Reply;

/** Renders a reply for one channel. */
public interface Renderer {

    /**
     * @param reply a reply from the engine
     * @return the messages to send, in order
     */
    List<Rendered> render(Reply reply);

    /**
     * @param replies replies from the engine
     * @return all messages to send, in order
     */
    default List<Rendered> renderAll(List<Reply> replies) {
        return replies.stream().flatMap(r -> render(r).stream()).toList();
    }
}
