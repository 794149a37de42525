package org.haven.bot.render;

import java.util.ArrayList;
import java.util.List;
import org.haven.bot.Option;
import org.haven.bot.Reply;

/**
 * SMS: answer options numbered ("1) Yes"), controls as one short line ("Skip / Pause / Talk to a
 * person"), and each message within a budget of segments, split at sentence boundaries. The options
 * stay with the end of the question. Right-to-left text is sent as is: phones lay it out.
 */
public final class SmsRenderer implements Renderer {

    /**
     * Default budget: four segments per message. The script check holds every text of the script to
     * it, and the SMS sender splits at it, so a question always goes out as one SMS. Four, not
     * three: a six-choice question written in Arabic, Persian, Spanish, Tigrinya or Ukrainian is
     * sent as UCS-2 (67 characters a segment) and needs about 250 characters.
     */
    public static final int DEFAULT_SEGMENT_BUDGET = 4;

    private final int segmentBudget;
    private final boolean showControls;

    /**
     * @param segmentBudget the most segments one message may take (at least 1)
     * @param showControls whether to list the controls under every question
     */
    public SmsRenderer(int segmentBudget, boolean showControls) {
        if (segmentBudget < 1) {
            throw new IllegalArgumentException("segment budget must be at least 1");
        }
        this.segmentBudget = segmentBudget;
        this.showControls = showControls;
    }

    /** An SMS renderer with the default budget, showing controls. */
    public SmsRenderer() {
        this(DEFAULT_SEGMENT_BUDGET, true);
    }

    @Override
    public List<Rendered> render(Reply reply) {
        List<String> parts = texts(reply);
        List<Rendered> out = new ArrayList<>();
        for (String p : parts) {
            out.add(new Rendered(p, List.of(), reply.language(), reply.rtl()));
        }
        return out;
    }

    /**
     * @param reply a reply
     * @return the SMS texts for it, each within the segment budget
     */
    public List<String> texts(Reply reply) {
        String menu = menu(reply.options());
        List<String> body = Splitter.split(reply.text(), this::fits);
        List<String> out = new ArrayList<>(body);
        if (!menu.isEmpty()) {
            String last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && fits(last + "\n" + menu)) {
                out.set(out.size() - 1, last + "\n" + menu);
            } else {
                out.addAll(Splitter.split(menu, this::fits));
            }
        }
        return out;
    }

    /**
     * @param reply a reply
     * @return the segments the reply would take if sent as one message (for script checks)
     */
    public int segmentsUnsplit(Reply reply) {
        String menu = menu(reply.options());
        return SmsEncoding.segments(menu.isEmpty() ? reply.text() : reply.text() + "\n" + menu);
    }

    private boolean fits(String s) {
        return SmsEncoding.segments(s) <= segmentBudget;
    }

    private String menu(List<Option> options) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        List<String> controls = new ArrayList<>();
        for (Option o : options) {
            if (o.control()) {
                controls.add(o.label());
            } else {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(++n).append(") ").append(o.label());
            }
        }
        if (showControls && !controls.isEmpty()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(String.join(" / ", controls)); // "·" would force UCS-2
        }
        return b.toString();
    }
}
