package org.haven.gateway.channel.whatsapp;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.haven.bot.Option;
import org.haven.gateway.config.ConfigException;
import org.haven.gateway.config.Settings;

/**
 * An intake question's answers as WhatsApp quick-reply buttons: Twilio content templates of type
 * {@code twilio/quick-reply}, one per number of buttons (1 to 3, {@value #SETTING}), filled in
 * through ContentVariables. Variable {@code 1} is the question with the line of controls SMS shows
 * under it ("Skip / Pause / Talk to a person", typed as on SMS); then each button has two: its
 * title and its id ({@code 2} and {@code 3} for the first, {@code 4} and {@code 5}, {@code 6} and
 * {@code 7}). The id is the option's value, which Twilio posts back as {@code ButtonPayload} when
 * the button is tapped: the value SMS reads from a number or a label, so the answer is the same.
 *
 * <p>WhatsApp allows at most three buttons in a message sent within the session, 20 characters a
 * title and 1,024 characters of text above them. A question with more answers, a longer label, no
 * template for its number of answers, or several answers to choose together (one tap gives one)
 * goes as numbered text.
 */
final class QuickReplies {
    /** The setting: {@code 2:HX…,3:HX…}, the Content SID of the template with that many buttons. */
    static final String SETTING = "whatsapp_buttons_content_sids";

    static final int MAX_BUTTONS = 3;
    static final int MAX_TITLE = 20;
    static final int MAX_BODY = 1024;
    // WhatsApp's longest button id; the script's values are short words
    static final int MAX_ID = 256;

    /** A template and its variables (a JSON object), ready for the Messages API. */
    record Filled(String contentSid, String variables) {}

    private static final Pattern CONTENT_SID = Pattern.compile("HX[0-9a-fA-F]{32}");

    private final Map<Integer, String> templates;

    QuickReplies(Map<Integer, String> templates) {
        this.templates = Map.copyOf(templates);
    }

    /**
     * Reads {@value #SETTING}: entries {@code n:HX…} separated by commas, n from 1 to 3.
     *
     * @return the Content SID by number of buttons (empty when unset: numbered text only)
     * @throws ConfigException naming the setting if an entry is malformed or repeated
     */
    static Map<Integer, String> parse(Settings s) {
        Optional<String> raw = s.get(SETTING);
        Map<Integer, String> out = new TreeMap<>();
        if (raw.isEmpty()) {
            return out;
        }
        for (String entry : raw.get().split(",")) {
            String e = entry.strip();
            int colon = e.indexOf(':');
            if (colon != 1
                    || e.charAt(0) < '1'
                    || e.charAt(0) > '0' + MAX_BUTTONS
                    || !CONTENT_SID.matcher(e.substring(2).strip()).matches()
                    || out.put(e.charAt(0) - '0', e.substring(2).strip()) != null) {
                throw new ConfigException(
                        Settings.variable(SETTING)
                                + " must list the Content SID of each quick-reply template by its"
                                + " number of buttons, 1 to 3, once each (2:HX…,3:HX…)");
            }
        }
        return out;
    }

    /** Whether any template is configured. */
    boolean configured() {
        return !templates.isEmpty();
    }

    /**
     * The template and variables for a question, or empty when it goes as numbered text.
     *
     * @param text the question
     * @param options its options, answers and controls
     * @param multiple whether several answers may be chosen together
     */
    Optional<Filled> fill(String text, List<Option> options, boolean multiple) {
        List<Option> answers = new ArrayList<>();
        List<String> controls = new ArrayList<>();
        for (Option o : options) {
            if (o.control()) {
                controls.add(o.label());
            } else {
                answers.add(o);
            }
        }
        String sid = templates.get(answers.size());
        if (multiple || sid == null) {
            return Optional.empty();
        }
        String body = controls.isEmpty() ? text : text + "\n" + String.join(" / ", controls);
        if (length(body) > MAX_BODY) {
            return Optional.empty();
        }
        JsonObject variables = new JsonObject().put("1", body);
        int n = 2;
        for (Option o : answers) {
            String title = o.label().strip();
            if (title.isEmpty()
                    || length(title) > MAX_TITLE
                    || o.value().isEmpty()
                    || length(o.value()) > MAX_ID) {
                return Optional.empty();
            }
            variables.put(String.valueOf(n++), title).put(String.valueOf(n++), o.value());
        }
        return Optional.of(new Filled(sid, variables.encode()));
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }
}
