package org.haven.bot.docs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * script (the chat page's words among its messages, {@code page_*}), so that it stays true.
 */
class TranslationCountsTest {

    /** Verifies that the counts in docs/intake.md are those of the script and the chat page. */
    @Test
    void testTranslationCountsInDocsAreTrue() throws IOException {
        DocSection.check("translation-counts", table(Intake.defaultIntake().script()));
    }

    static String table(Script s) {
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
        List<Text> pageWords =
                s.messages().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("page_"))
                        .map(Map.Entry::getValue)
                        .toList();

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
                    .append(of(pageWords, c))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String of(List<Text> texts, String lang) {
        Predicate<Text> has = t -> t.in(lang).filter(v -> !v.isBlank()).isPresent();
        return texts.stream().filter(has).count() + " / " + texts.size();
    }
}
