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
}
