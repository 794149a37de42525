package org.haven.gateway.intake;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.Reply;
import org.haven.bot.script.Language;
import org.haven.bot.script.Script;
import org.haven.bot.script.WorkingGroup;

/**
 * The intake script in use, for the facts the gateway takes from it rather than repeat them: what
 * it says to a person itself (a note about pictures on SMS, a coordinator's canned replies), from
 * the script's {@code messages}; which languages are written right to left, from its {@code
 * languages}; and the working groups. So a language or a group is added in the script alone. A
 * message an older uploaded script lacks is taken from the shipped default script.
 */
public final class ActiveScript {
    private final Supplier<Engine> active;
    private volatile Engine shipped;

    /**
     * @param active the engine in use (it changes when an administrator uploads a script)
     */
    public ActiveScript(Supplier<Engine> active) {
        this.active = active;
    }

    /**
     * A message in a language, or in the script's default language where it has none.
     *
     * @param key a message key
     * @param language the person's language
     * @return the message, with its language and direction
     */
    public Reply message(String key, String language) {
        Engine engine = active.get();
        return engine.messageIfDefined(key, language)
                .orElseGet(() -> shipped().message(key, language));
    }

    private Engine shipped() {
        Engine e = shipped;
        if (e == null) {
            e = new Engine(Intake.defaultIntake(), EngineSettings.defaults());
            shipped = e;
        }
        return e;
    }

    /**
     * The keys of the messages that start with {@code prefix}, in the order the script writes them
     * (the shipped default script's when the script in use has none).
     *
     * @param prefix a key prefix, e.g. {@code canned_}
     * @return the keys
     */
    public List<String> keys(String prefix) {
        List<String> keys = keys(active.get().script(), prefix);
        return keys.isEmpty() ? keys(Intake.defaultIntake().script(), prefix) : keys;
    }

    /**
     * A message's texts as the script writes them, language code → text, with no fallback (the
     * shipped default script's when the script in use lacks the message).
     *
     * @param key a message key
     * @return the texts; empty for an unknown key
     */
    public Map<String, String> texts(String key) {
        org.haven.bot.script.Text t = active.get().script().messages().get(key);
        if (t == null) {
            t = Intake.defaultIntake().script().messages().get(key);
        }
        return t == null ? Map.of() : t.values();
    }

    /**
     * @return the script's languages, in its order (code, own name, direction)
     */
    public List<Language> languages() {
        return active.get().script().languages();
    }

    private static List<String> keys(Script script, String prefix) {
        return script.messages().entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .sorted(Comparator.comparingInt(e -> e.getValue().line()))
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * @return the ids of the script's working groups, in its order (the fallback group among them)
     */
    public List<String> workingGroups() {
        return active.get().script().workingGroups().stream().map(WorkingGroup::id).toList();
    }

    /**
     * @param language a language code
     * @return whether the script speaks it (declares it among its languages)
     */
    public boolean speaks(String language) {
        return language != null && active.get().script().language(language).isPresent();
    }

    /**
     * @param language a language code
     * @return whether the script writes it right to left ({@code rtl: true}); false for a language
     *     it does not speak
     */
    public boolean rtl(String language) {
        return active.get().script().language(language).map(Language::rtl).orElse(false);
    }

    /**
     * Whether the script in use marks a question sensitive (its answers may be hidden in the inbox
     * until the coordinator asks to read them).
     */
    public boolean sensitive(String questionId) {
        return active.get().script().question(questionId).map(q -> q.sensitive()).orElse(false);
    }
}
