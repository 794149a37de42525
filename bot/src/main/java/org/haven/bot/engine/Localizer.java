package org.haven.bot.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.haven.bot.Option;
import org.haven.bot.Reply;
import org.haven.bot.script.Choice;
import org.haven.bot.script.Language;
import org.haven.bot.script.Question;
import org.haven.bot.script.QuestionType;
import org.haven.bot.script.Script;
import org.haven.bot.script.Text;

/**
 * Turns script texts into {@link Reply replies} in a conversation's language: falls back to the
 * default language for untranslated texts (and marks the reply with the language actually used),
 * fills in {@code {group}} and {@code {days}}, and adds the control options under questions.
 */
public final class Localizer {

    private final Script script;
    private final long days;

    /**
     * @param script the script
     * @param resumeWindow the resume window, for {@code {days}}
     */
    public Localizer(Script script, Duration resumeWindow) {
        this.script = script;
        this.days = Math.max(1, resumeWindow.toDays());
    }

    /**
     * @param key a message key
     * @param language the conversation language
     * @param group the working group id, for {@code {group}}
     * @return the message as a reply
     */
    public Reply message(String key, String language, String group) {
        return text(lookup(key), language, group);
    }

    /**
     * @param t any script text (a section warning, a validation message)
     * @param language the conversation language
     * @param group the working group id, for {@code {group}}
     * @return the text as a reply
     */
    public Reply text(Text t, String language, String group) {
        String lang = t.languageFor(language, script.defaultLanguage());
        return new Reply(
                format(t.resolve(language, script.defaultLanguage()), lang, group),
                List.of(),
                lang,
                rtl(lang));
    }

    /**
     * A question as SMS shows it (numbered options).
     *
     * @param q a question
     * @param language the conversation language
     * @return the question with its choices and the controls (skip, pause, ask for a person)
     */
    public Reply question(Question q, String language) {
        return question(q, language, "sms");
    }

    /**
     * @param q a question
     * @param language the conversation language
     * @param channel the channel that shows it: a multiple-choice question ends with the script's
     *     hint for that channel ({@link #severalHint})
     * @return the question with its choices and the controls (skip, pause, ask for a person)
     */
    public Reply question(Question q, String language, String channel) {
        String d = script.defaultLanguage();
        String lang = q.prompt().languageFor(language, d);
        List<Option> options = new ArrayList<>();
        for (Choice c : q.choices()) {
            options.add(new Option(c.value(), c.label().resolve(lang, d)));
        }
        options.add(new Option("SKIP", lookup("control_skip").resolve(lang, d)));
        options.add(new Option("PAUSE", lookup("control_pause").resolve(lang, d)));
        options.add(new Option("HUMAN", lookup("control_human").resolve(lang, d)));
        boolean multiple = q.type() == QuestionType.MULTIPLE_CHOICE;
        String text = q.prompt().resolve(language, d);
        Text hint = multiple ? script.messages().get(severalHint(channel)) : null;
        if (hint != null) {
            text = text + " " + hint.resolve(lang, d);
        }
        return new Reply(text, options, lang, rtl(lang), multiple);
    }

    /**
     * The message that tells how to choose several answers where the channel shows them: numbers
     * typed on SMS ("like 1,3"), toggle buttons and Done on the web page, and on Telegram, whose
     * buttons answer at the first tap, one tap or several typed. A script without it says it in its
     * prompts.
     *
     * @param channel a channel name
     * @return the message key
     */
    private static String severalHint(String channel) {
        return switch (scriptChannel(channel)) {
            case "web" -> "choose_several_web";
            case "telegram" -> "choose_several_telegram";
            default -> "choose_several_sms";
        };
    }

    /**
     * The name a script gives a channel in its channel-specific message keys ("decoy_web",
     * "choose_several_web"): the gateway's web chat ("webchat") is "web".
     *
     * @param channel a channel name as the gateway gives it, or null
     * @return the script's name for it ("" for null)
     */
    public static String scriptChannel(String channel) {
        if (channel == null) {
            return "";
        }
        return "webchat".equals(channel) ? "web" : channel;
    }

    /**
     * One message in several languages, for a first reply when the person's language is not known.
     *
     * @param key a message key
     * @param languages the languages, in order (the first is the reply's language)
     * @param group the working group id, for {@code {group}}
     * @return the message in each language, one paragraph each
     */
    public Reply messages(String key, List<String> languages, String group) {
        List<String> texts = new ArrayList<>();
        for (String l : languages) {
            texts.add(message(key, l, group).text());
        }
        String first = languages.get(0);
        return new Reply(
                String.join("\n", texts.stream().distinct().toList()),
                List.of(),
                first,
                rtl(first));
    }

    /**
     * A question in several languages, for a first reply when the person's language is not known:
     * the prompt in each, the choices labelled in each ("Yes / Oui"), the controls in the first.
     *
     * @param q a question
     * @param languages the languages, in order
     * @param channel the channel that shows it
     * @return the question
     */
    public Reply question(Question q, List<String> languages, String channel) {
        List<Reply> each = languages.stream().map(l -> question(q, l, channel)).toList();
        Reply first = each.get(0);
        List<Option> options = new ArrayList<>();
        for (int i = 0; i < first.options().size(); i++) {
            Option o = first.options().get(i);
            final int k = i;
            String label =
                    o.control()
                            ? o.label()
                            : String.join(
                                    " / ",
                                    each.stream()
                                            .map(r -> r.options().get(k).label())
                                            .distinct()
                                            .toList());
            options.add(new Option(o.value(), label));
        }
        String text = String.join("\n\n", each.stream().map(Reply::text).distinct().toList());
        return new Reply(text, options, first.language(), first.rtl(), first.multiple());
    }

    /**
     * @param lang a language code
     * @return whether it is written right to left
     */
    public boolean rtl(String lang) {
        return script.language(lang).map(Language::rtl).orElse(false);
    }

    private Text lookup(String key) {
        Text t = script.messages().get(key);
        return t != null ? t : new Text(Map.of(script.defaultLanguage(), key), true, 0);
    }

    private String format(String text, String lang, String groupOrNull) {
        String group =
                groupOrNull == null
                        ? script.fallbackGroup()
                        : groupOrNull; // an urgent case before the place is known
        String groupName =
                script.workingGroup(group)
                        .map(g -> g.name().resolve(lang, script.defaultLanguage()))
                        .filter(s -> !s.isEmpty())
                        .orElse(group);
        return text.replace("{group}", groupName).replace("{days}", Long.toString(days));
    }
}
