package org.haven.bot.render;

import java.util.ArrayList;
import java.util.List;
import org.haven.bot.Option;
import org.haven.bot.Reply;

/**
 * Telegram and web: options as buttons, one answer per row (labels can be long), the controls
 * together on a last row. Long texts are split at sentence boundaries; the buttons go with the last
 * part.
 */
public final class ButtonRenderer implements Renderer {

    /** Telegram's limit on a message's text. */
    public static final int TELEGRAM_MAX_CHARS = 4096;

    /** A comfortable length for one web chat bubble on a small screen. */
    public static final int WEB_MAX_CHARS = 600;

    private final int maxChars;

    /**
     * @param maxChars the longest text of one message
     */
    public ButtonRenderer(int maxChars) {
        if (maxChars < 20) {
            throw new IllegalArgumentException("maxChars too small");
        }
        this.maxChars = maxChars;
    }

    /**
     * @return a renderer for Telegram
     */
    public static ButtonRenderer telegram() {
        return new ButtonRenderer(TELEGRAM_MAX_CHARS);
    }

    /**
     * @return a renderer for the web chat
     */
    public static ButtonRenderer web() {
        return new ButtonRenderer(WEB_MAX_CHARS);
    }

    @Override
    public List<Rendered> render(Reply reply) {
        List<String> parts = Splitter.split(reply.text(), s -> s.length() <= maxChars);
        List<List<Option>> rows = new ArrayList<>();
        List<Option> controls = new ArrayList<>();
        for (Option o : reply.options()) {
            if (o.control()) {
                controls.add(o);
            } else {
                rows.add(List.of(o));
            }
        }
        if (!controls.isEmpty()) {
            rows.add(controls);
        }
        if (parts.isEmpty()) {
            parts = List.of("");
        }
        List<Rendered> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            out.add(
                    new Rendered(
                            parts.get(i),
                            i == parts.size() - 1 ? rows : List.of(),
                            reply.language(),
                            reply.rtl()));
        }
        return out;
    }
}
