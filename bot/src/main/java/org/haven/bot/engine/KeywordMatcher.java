package org.haven.bot.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.haven.bot.script.KeywordSet;
import org.haven.bot.script.Language;
import org.haven.bot.script.Script;
import org.haven.bot.script.Text;

/**
 * Recognises a keyword typed alone, in any of the script's languages, and the labels of the control
 * options (skip, pause, ask for a person) in any language.
 */
public final class KeywordMatcher {

    /**
     * A recognised keyword and the languages whose word matched (script order).
     *
     * @param keyword the keyword
     * @param languages the languages it was written in
     */
    public record Match(Keyword keyword, List<String> languages) {}

    private final Map<String, Match> byWord = new LinkedHashMap<>();

    /**
     * @param script the script whose keywords to recognise
     */
    public KeywordMatcher(Script script) {
        for (Language lang : script.languages()) {
            for (Keyword k : Keyword.values()) {
                KeywordSet set = script.keywords().get(k.scriptName());
                if (set != null) {
                    for (String w : set.words().getOrDefault(lang.code(), List.of())) {
                        add(Normalizer.fold(w), k, lang.code());
                    }
                }
                // the canonical English name (also the option value) always works
                add(Normalizer.fold(k.name()), k, script.defaultLanguage());
            }
            addLabel(script, "control_skip", Keyword.SKIP, lang.code());
            addLabel(script, "control_pause", Keyword.PAUSE, lang.code());
            addLabel(script, "control_human", Keyword.HUMAN, lang.code());
        }
    }

    private void addLabel(Script script, String key, Keyword k, String lang) {
        Text t = script.messages().get(key);
        if (t != null) {
            t.in(lang).ifPresent(label -> add(Normalizer.fold(label), k, lang));
        }
    }

    private void add(String word, Keyword k, String lang) {
        if (word.isEmpty()) {
            return;
        }
        Match m = byWord.get(word);
        if (m == null) {
            byWord.put(word, new Match(k, List.of(lang)));
        } else if (m.keyword() == k && !m.languages().contains(lang)) {
            List<String> langs = new ArrayList<>(m.languages());
            langs.add(lang);
            byWord.put(word, new Match(k, List.copyOf(langs)));
        }
        // a word already bound to another keyword keeps its first meaning; ScriptCheck reports the
        // clash
    }

    /**
     * @param input the whole message as typed
     * @return the keyword, if the message is exactly one
     */
    public Optional<Match> match(String input) {
        return Optional.ofNullable(byWord.get(Normalizer.fold(input)));
    }
}
