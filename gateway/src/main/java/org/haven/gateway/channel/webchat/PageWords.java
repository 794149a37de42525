package org.haven.gateway.channel.webchat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.haven.bot.script.Language;
import org.haven.gateway.intake.ActiveScript;

/**
 * The chat page's own words (its buttons, labels and status lines), served as {@code
 * /chat/words.js}: the intake script's {@value #PREFIX} messages in each of its languages, with the
 * language's writing direction from the script. The script is their one home, as it is of every
 * word a person reads, so a new language or an uploaded script changes the page too. A word missing
 * in a language is the script's first language's.
 */
final class PageWords {
    static final String PREFIX = "page_";

    private PageWords() {}

    /** The script {@code chat.js} reads: {@code var HAVEN_WORDS = {"en": {"dir": …, …}, …}}. */
    static String script(ActiveScript script) {
        return "'use strict';\nvar HAVEN_WORDS = " + words(script).encodePrettily() + ";\n";
    }

    /** The words by language code, each with its {@code dir} and camel-case keys. */
    static JsonObject words(ActiveScript script) {
        JsonObject all = new JsonObject();
        String fallback = script.languages().get(0).code();
        for (Language language : script.languages()) {
            JsonObject own =
                    new JsonObject().put("dir", script.rtl(language.code()) ? "rtl" : "ltr");
            for (String key : script.keys(PREFIX)) {
                Map<String, String> texts = script.texts(key);
                own.put(
                        camel(key.substring(PREFIX.length())),
                        texts.getOrDefault(language.code(), texts.get(fallback)));
            }
            all.put(language.code(), own);
        }
        return all;
    }

    private static String camel(String snake) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
                up = false;
            }
        }
        return out.toString();
    }
}
