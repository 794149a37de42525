package org.haven.gateway.inbox;

import java.util.List;
import org.haven.gateway.intake.ActiveScript;

/**
 * Replies coordinators send often: the intake script's messages whose key starts with {@code
 * canned_}, in the order the script writes them, sent in the person's language.
 */
final class CannedReplies {
    /**
     * The prefix of a canned reply's message key; its id is the rest ({@code canned_received} →
     * {@code received}).
     */
    static final String PREFIX = "canned_";

    private final ActiveScript script;

    CannedReplies(ActiveScript script) {
        this.script = script;
    }

    /** The ids of the canned replies, in order. */
    List<String> ids() {
        return script.keys(PREFIX).stream().map(k -> k.substring(PREFIX.length())).toList();
    }

    /**
     * A canned reply in a language (the script's default where it has none); null for an unknown
     * id.
     */
    String text(String id, String language) {
        return id == null || !ids().contains(id)
                ? null
                : script.message(PREFIX + id, language).text();
    }
}
