package org.haven.bot.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.haven.bot.Intake;
import org.haven.bot.script.Choice;
import org.haven.bot.script.Language;
import org.haven.bot.script.PromptVariant;
import org.haven.bot.script.Question;
import org.haven.bot.script.Script;
import org.haven.bot.script.Section;
import org.haven.bot.script.Text;
import org.haven.bot.script.WorkingGroup;
import org.junit.jupiter.api.Test;

/**
 * The table of translated texts per language in {@code docs/intake.md}, counted from the default
 * script and the chat page's words (gateway {@code webroot/chat/words.js}, read only), so that it
 * stays true.
 */
class TranslationCountsTest {

    private static final Path WORDS_JS =
            Path.of("..", "gateway", "src", "main", "resources", "webroot", "chat", "words.js");

    /** Verifies that the counts in docs/intake.md are those of the script and the chat page. */
    @Test
    void testTranslationCountsInDocsAreTrue() throws IOException {
        DocSection.check("translation-counts", table(Intake.defaultIntake().script(), words()));
    }

    private static JsonNode words() throws IOException {
        String js = Files.readString(WORDS_JS, StandardCharsets.UTF_8);
        return new ObjectMapper().readTree(js.substring(js.indexOf('{'), js.lastIndexOf('}') + 1));
    }

    static String table(Script s, JsonNode words) {
        List<Text> prompts = new ArrayList<>();
        List<Text> options = new ArrayList<>();
        List<Text> labels = new ArrayList<>();
        List<Text> other = new ArrayList<>();
        for (Question q : s.questions()) {
            prompts.add(q.prompt());
            q.variants().stream().map(PromptVariant::prompt).forEach(prompts::add);
            q.choices().stream().map(Choice::label).forEach(options::add);
            if (q.label() != null) {
                labels.add(q.label());
            }
            if (q.validation() != null) {
                other.add(q.validation().message());
            }
        }
        s.sections().stream().map(Section::warning).filter(w -> w != null).forEach(other::add);
        s.workingGroups().stream().map(WorkingGroup::name).forEach(other::add);
        List<Text> messages = new ArrayList<>(s.messages().values());
        List<Text> all = new ArrayList<>();
        List.of(prompts, options, labels, messages, other).forEach(all::addAll);
        int chatTotal = wordKeys(words.path(s.defaultLanguage())).size();

        StringBuilder b = new StringBuilder();
        b.append("| language | all texts | question prompts (with variants) | options | messages |")
                .append(" keyword sets | chat-page words |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        for (Language l : s.languages()) {
            String c = l.code();
            long sets =
                    s.keywords().values().stream()
                            .filter(k -> !k.words().getOrDefault(c, List.of()).isEmpty())
                            .count();
            b.append("| ")
                    .append(c)
                    .append(" (")
                    .append(l.name())
                    .append(") | ")
                    .append(of(all, c))
                    .append(" | ")
                    .append(of(prompts, c))
                    .append(" | ")
                    .append(of(options, c))
                    .append(" | ")
                    .append(of(messages, c))
                    .append(" | ")
                    .append(sets + " / " + s.keywords().size())
                    .append(" | ")
                    .append(wordKeys(words.path(c)).size() + " / " + chatTotal)
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String of(List<Text> texts, String lang) {
        Predicate<Text> has = t -> t.in(lang).filter(v -> !v.isBlank()).isPresent();
        return texts.stream().filter(has).count() + " / " + texts.size();
    }

    /** The page's words in one language: every key but its writing direction. */
    private static List<String> wordKeys(JsonNode lang) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> i = lang.fieldNames(); i.hasNext(); ) {
            String k = i.next();
            if (!k.equals("dir")) {
                keys.add(k);
            }
        }
        return keys;
    }
}
