package org.haven.gateway.channel;

import java.util.ArrayList;
import java.util.List;
import org.haven.bot.Reply;
import org.haven.gateway.intake.Conversations;

/**
 * What a person is told about the files of one message, on every channel that takes files
 * (WhatsApp, MMS, Signal): that they were kept for the coordinators, and that some could not be
 * (too large, or of a type not taken), from the intake script's messages {@value #KEPT} and {@value
 * #REFUSED}, in the dialogue's language.
 */
public final class MediaNotices {
    /** Script message: the files were kept for the coordinators. */
    public static final String KEPT = "media_kept";

    /** Script message: a file was too large or of a type not taken. */
    public static final String REFUSED = "media_refused";

    private MediaNotices() {}

    /** The notices for {@code kept} files kept and {@code refused} refused, in {@code language}. */
    public static List<Reply> of(
            Conversations conversations, int kept, int refused, String language) {
        List<Reply> out = new ArrayList<>();
        if (kept > 0) {
            out.add(conversations.activeScript().message(KEPT, language));
        }
        if (refused > 0) {
            out.add(conversations.activeScript().message(REFUSED, language));
        }
        return out;
    }
}
