package org.haven.bot.script;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of question, with their names in the script. */
public enum QuestionType {
    /** One of the listed choices. */
    SINGLE_CHOICE("single choice", true),
    /** One or more of the listed choices ("1,3"). */
    MULTIPLE_CHOICE("multiple choice", true),
    /** Yes or no; labels come from the messages {@code yes} and {@code no} unless given. */
    YES_NO("yes/no", true),
    /** Free text, kept verbatim. */
    FREE_TEXT("free text", false),
    /** A country name, kept verbatim. */
    COUNTRY("country", false),
    /** A year ("2014") or a period ("2012-2015", "the 1990s"); years must be plausible. */
    YEAR_OR_PERIOD("year or period", false),
    /** A city or province in Canada, mapped to a working group. */
    CITY("city", false),
    /** The conversation language; choices are the script's languages. */
    LANGUAGE("language", true),
    /** An agency referral code, with a check digit. */
    REFERRAL_CODE("referral code", false);

    private final String scriptName;
    private final boolean choices;

    QuestionType(String scriptName, boolean choices) {
        this.scriptName = scriptName;
        this.choices = choices;
    }

    /**
     * @return the type's name in the script
     */
    public String scriptName() {
        return scriptName;
    }

    /**
     * @return whether the question offers choices
     */
    public boolean hasChoices() {
        return choices;
    }

    /**
     * @param name a type name as written in a script
     * @return the type, if known
     */
    public static Optional<QuestionType> byScriptName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', ' ');
        return Arrays.stream(values()).filter(t -> t.scriptName.equals(n)).findFirst();
    }
}
