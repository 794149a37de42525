package org.haven.gateway.admin;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.store.CannedReplyStore;
import org.haven.gateway.store.Db;

/**
 * The first canned replies of an install: before issue 19 they were the intake script's messages
 * whose key starts with {@code canned_}. At the first start with the canned reply store they are
 * copied into it, in the script's order, each language's title the start of its text; from then on
 * administrators manage them on the Canned replies page and the script's {@code canned_*} messages
 * are not read again.
 */
public final class CannedReplySeed {
    /** The prefix of the script's canned reply messages. */
    static final String PREFIX = "canned_";

    private static final int TITLE = 60;

    private CannedReplySeed() {}

    /** Copies the script's canned replies into the store, once per database; answers whether. */
    public static Future<Boolean> seedOnce(Db db, ActiveScript script) {
        return CannedReplyStore.seedOnce(db, fromScript(script));
    }

    static List<Map<String, CannedReplyStore.Version>> fromScript(ActiveScript script) {
        List<Map<String, CannedReplyStore.Version>> out = new ArrayList<>();
        for (String key : script.keys(PREFIX)) {
            Map<String, CannedReplyStore.Version> versions = new LinkedHashMap<>();
            script.languages()
                    .forEach(
                            l -> {
                                String text = script.texts(key).get(l.code());
                                if (text != null && !text.isBlank()) {
                                    versions.put(
                                            l.code(),
                                            new CannedReplyStore.Version(title(text), text));
                                }
                            });
            out.add(versions);
        }
        return out;
    }

    /** The start of a text, cut at a word where it is long. */
    static String title(String text) {
        String t = text.strip();
        if (t.length() <= TITLE) {
            return t;
        }
        int cut = t.lastIndexOf(' ', TITLE - 1);
        return t.substring(0, cut > TITLE / 2 ? cut : TITLE - 1).strip() + "…";
    }
}
