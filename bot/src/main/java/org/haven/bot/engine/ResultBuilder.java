package org.haven.bot.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.haven.bot.Answer;
import org.haven.bot.IntakeResult;
import org.haven.bot.Reply;
import org.haven.bot.Triage;
import org.haven.bot.script.Condition;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Question;
import org.haven.bot.script.Script;

/**
 * Builds the {@link IntakeResult} for the coordinators: triage, working group, English answers,
 * suggestions.
 */
public final class ResultBuilder {

    private final Script script;
    private final Triager triager;

    /**
     * @param script the script
     * @param triager its rules
     */
    public ResultBuilder(Script script, Triager triager) {
        this.script = script;
        this.triager = triager;
    }

    /**
     * @param answers question id → values (empty = skipped)
     * @param language the conversation language
     * @param duress whether the duress word was used (then: urgent, priority 0)
     * @return the result
     */
    public IntakeResult build(Map<String, List<String>> answers, String language, boolean duress) {
        Triager.Outcome o =
                duress ? new Triager.Outcome(Triage.URGENT, 0) : triager.triage(answers);
        // an urgent case handed off before the place was asked is every coordinator's, not the
        // fallback group's
        String group =
                o.triage() == Triage.URGENT && !duress && !triager.placeGiven(answers)
                        ? null
                        : triager.workingGroup(answers);
        List<String> suggestions =
                triager
                        .suggestions(
                                answers, o.triage(), group == null ? script.fallbackGroup() : group)
                        .stream()
                        .map(ResultBuilder::suggestion)
                        .toList();
        return new IntakeResult(
                language,
                o.triage(),
                o.priority(),
                group,
                answers(answers),
                suggestions,
                duress,
                answers,
                false,
                roles());
    }

    /**
     * The result of an intake the person cut short by asking for a person: urgent when the answers
     * so far say so, otherwise {@link Triage#PERSON_ASKED}, never out of the mandate; first in the
     * queue; the working group of the place they gave, or none (every coordinator's) before that.
     *
     * @param answers question id → values given so far
     * @param language the conversation language
     * @return the result
     */
    public IntakeResult askedForPerson(Map<String, List<String>> answers, String language) {
        Triager.Outcome o = triager.triage(answers);
        Triage triage = o.triage() == Triage.URGENT ? Triage.URGENT : Triage.PERSON_ASKED;
        String group = triager.placeGiven(answers) ? triager.workingGroup(answers) : null;
        List<String> suggestions =
                group == null
                        ? List.of()
                        : triager.suggestions(answers, triage, group).stream()
                                .map(ResultBuilder::suggestion)
                                .toList();
        return new IntakeResult(
                language,
                triage,
                0,
                group,
                answers(answers),
                suggestions,
                false,
                answers,
                true,
                roles());
    }

    /** Role → question id, for the questions of the script that have a role. */
    private Map<String, String> roles() {
        Map<String, String> out = new HashMap<>();
        script.questions().stream()
                .filter(q -> q.role() != null)
                .forEach(q -> out.putIfAbsent(q.role(), q.id()));
        return out;
    }

    /**
     * @param o an organisation
     * @return how it is suggested: "name (where): contact"
     */
    public static String suggestion(Organisation o) {
        return o.name() + (o.where().isEmpty() ? "" : " (" + o.where() + ")") + ": " + o.contact();
    }

    /**
     * A list of organisations as it is sent, one line each, after its introduction in the person's
     * language and apart from it: names, numbers and addresses are left to right and need no
     * alphabet beyond GSM-7, so a list of four fits in one SMS whatever the person's language (with
     * the introduction, in Arabic or Ukrainian, it took up to 7 segments).
     *
     * @param intro the introduction (its language and direction are the list's)
     * @param suggestions the organisations, each as {@link #suggestion}
     * @return the reply
     */
    public static Reply listed(Reply intro, List<String> suggestions) {
        StringBuilder b = new StringBuilder();
        suggestions.forEach(x -> b.append(b.length() == 0 ? "- " : "\n- ").append(x));
        return new Reply(b.toString(), List.of(), intro.language(), intro.rtl());
    }

    /**
     * Where the answers keep messages that answered a question no longer known (see {@code
     * Engine.late}).
     */
    public static final String WRITTEN_WHILE_AWAY = "_away";

    private List<Answer> answers(Map<String, List<String>> answers) {
        String d = script.defaultLanguage();
        String en = script.language("en").isPresent() ? "en" : d;
        List<Answer> out = new ArrayList<>();
        for (Question q : script.questions()) {
            List<String> a = answers.get(q.id());
            if (a == null) {
                continue;
            }
            String text;
            if (a.isEmpty()) {
                text = "(skipped)";
            } else if (q.type().hasChoices()) {
                text =
                        String.join(
                                ", ",
                                a.stream()
                                        .map(
                                                v ->
                                                        v.startsWith(Condition.TYPED_PREFIX)
                                                                ? "Other, in their words: "
                                                                        + v.substring(
                                                                                Condition
                                                                                        .TYPED_PREFIX
                                                                                        .length())
                                                                : q.choice(v)
                                                                        .map(
                                                                                c ->
                                                                                        c.label()
                                                                                                .resolve(
                                                                                                        en,
                                                                                                        d))
                                                                        .orElse(v))
                                        .toList());
            } else {
                // the answer as written (later values are the engine's reading of it, like a
                // country's
                // code), then any the person wrote to it while the service was away (Engine.late)
                List<String> shown = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    String v = a.get(i);
                    if (v.startsWith(Condition.TYPED_PREFIX)) {
                        shown.add(
                                "Written while the service was away: "
                                        + v.substring(Condition.TYPED_PREFIX.length()));
                    } else if (i == 0) {
                        shown.add(v);
                    }
                }
                text = String.join("\n", shown);
            }
            String question = q.prompt().resolve(en, d);
            out.add(
                    new Answer(
                            q.id(),
                            question,
                            text,
                            q.label() == null ? question : q.label().resolve(en, d),
                            q.sensitive()));
        }
        List<String> away = answers.get(WRITTEN_WHILE_AWAY);
        if (away != null && !away.isEmpty()) {
            out.add(
                    new Answer(
                            WRITTEN_WHILE_AWAY,
                            "Written while the service was away (the question it answered is not known)",
                            String.join(
                                    "\n",
                                    away.stream()
                                            .map(
                                                    v ->
                                                            v.startsWith(Condition.TYPED_PREFIX)
                                                                    ? v.substring(
                                                                            Condition.TYPED_PREFIX
                                                                                    .length())
                                                                    : v)
                                            .toList())));
        }
        return out;
    }
}
