package org.haven.bot.script;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An intake script, loaded from YAML by {@link ScriptLoader}; immutable. The format is described in
 * {@code docs/intake.md}.
 *
 * @param source the script's file name, for error messages
 * @param title a title for administrators
 * @param defaultLanguage the language used first, and when a translation is missing
 * @param languages the languages, in the order offered
 * @param messages message key → text (help, handoff, errors, outcomes ...)
 * @param keywords keyword name → words per language
 * @param sections the sections, in order
 * @param questions all questions, in the order asked
 * @param triage triage rules, first match wins; the last is the {@code otherwise} rule
 * @param referrals referral rules
 * @param maxSuggestions the most organisations suggested at once
 * @param workingGroups the working groups and the places they cover
 * @param fallbackGroup the group for every other place ("national")
 * @param directorySource the referral directory's file name
 * @param directory the referral directory
 */
public record Script(
        String source,
        String title,
        String defaultLanguage,
        List<Language> languages,
        Map<String, Text> messages,
        Map<String, KeywordSet> keywords,
        List<Section> sections,
        List<Question> questions,
        List<TriageRule> triage,
        List<ReferralRule> referrals,
        int maxSuggestions,
        List<WorkingGroup> workingGroups,
        String fallbackGroup,
        String directorySource,
        List<Organisation> directory) {

    /** Messages every script must define. */
    public static final List<String> REQUIRED_MESSAGES =
            List.of(
                    "yes",
                    "no",
                    "help",
                    "error",
                    "handoff",
                    "human",
                    "pause",
                    "resume",
                    "expired",
                    "come_back_later",
                    "opted_out",
                    "opted_in",
                    "restart",
                    "deleted",
                    "received",
                    "decoy",
                    "emergency",
                    "not_legal_advice",
                    "outcome_urgent",
                    "outcome_in_mandate",
                    "outcome_outside",
                    "referrals_intro",
                    "partial_language",
                    "control_skip",
                    "control_pause",
                    "control_human",
                    "consent_needed",
                    "invalid_year",
                    "invalid_code",
                    "acknowledged",
                    "phone_note",
                    "other_languages",
                    "outcome_possibly",
                    "unknown_code",
                    "reference",
                    "phrase_given",
                    "phrase_welcome",
                    "phrase_unknown",
                    "phrase_wait");

    /**
     * The roles a question may have ({@code role:}), by which the gateway finds it without knowing
     * its id: the agency's referral code, whether the client consented to the agency being told,
     * and what the agency may be told. A script without one simply has no such question.
     */
    public static final List<String> ROLES =
            List.of("referral code", "agency consent", "agency share");

    /** Keywords every script must define, in every language. */
    public static final List<String> KEYWORDS =
            List.of(
                    "stop",
                    "start",
                    "help",
                    "restart",
                    "delete",
                    "human",
                    "language",
                    "skip",
                    "pause",
                    "phrase");

    /** Makes an immutable script. */
    public Script {
        languages = List.copyOf(languages);
        messages = Map.copyOf(messages);
        keywords = Map.copyOf(keywords);
        sections = List.copyOf(sections);
        questions = List.copyOf(questions);
        triage = List.copyOf(triage);
        referrals = List.copyOf(referrals);
        workingGroups = List.copyOf(workingGroups);
        directory = List.copyOf(directory);
    }

    /**
     * @param code a language code
     * @return the language, if the script speaks it
     */
    public Optional<Language> language(String code) {
        return languages.stream().filter(l -> l.code().equals(code)).findFirst();
    }

    /**
     * @param id a question id
     * @return the question
     */
    public Optional<Question> question(String id) {
        return questions.stream().filter(q -> q.id().equals(id)).findFirst();
    }

    /**
     * @param role one of {@link #ROLES}
     * @return the question with that role
     */
    public Optional<Question> questionWithRole(String role) {
        return questions.stream().filter(q -> role.equals(q.role())).findFirst();
    }

    /**
     * @param id a question id
     * @return its position in the script, or -1
     */
    public int indexOf(String id) {
        for (int i = 0; i < questions.size(); i++) {
            if (questions.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param id a section id
     * @return the section
     */
    public Optional<Section> section(String id) {
        return sections.stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /**
     * @param id a working group id
     * @return the group
     */
    public Optional<WorkingGroup> workingGroup(String id) {
        return workingGroups.stream().filter(g -> g.id().equals(id)).findFirst();
    }
}
