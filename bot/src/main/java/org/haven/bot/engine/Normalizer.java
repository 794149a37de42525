package org.haven.bot.engine;

import java.text.Normalizer.Form;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Folds typed input so that "ARRÊT", "arret " and "Arrêt!" match, Arabic-Indic and Persian digits
 * read as digits, and Arabic and Persian letter variants compare equal.
 */
public final class Normalizer {

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{Punct}\\p{IsPunctuation}]");
    private static final Pattern EDGE_PUNCTUATION =
            Pattern.compile(
                    "^[\\p{Punct}\\p{IsPunctuation}\\s]+|[\\p{Punct}\\p{IsPunctuation}\\s]+$");

    private Normalizer() {}

    /**
     * Replaces Arabic-Indic (U+0660..) and Persian (U+06F0..) digits by ASCII digits.
     *
     * @param s any text
     * @return the text with ASCII digits
     */
    public static String asciiDigits(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '\u0660' && c <= '\u0669') {
                b.append((char) ('0' + c - '\u0660'));
            } else if (c >= '\u06F0' && c <= '\u06F9') {
                b.append((char) ('0' + c - '\u06F0'));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Folds text for comparison: digits to ASCII, accents and Arabic diacritics removed, lower
     * case, Arabic/Persian letter variants unified, punctuation at the ends removed, spaces
     * collapsed.
     *
     * @param s any text (null is treated as empty)
     * @return the folded text
     */
    public static String fold(String s) {
        if (s == null) {
            return "";
        }
        String t = java.text.Normalizer.normalize(asciiDigits(s), Form.NFKD);
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK
                    || type == Character.ENCLOSING_MARK
                    || c == '\u0640') {
                continue; // accents, harakat, tatweel
            }
            switch (c) {
                case '\u0623', '\u0625', '\u0622', '\u0671' -> b.append('\u0627'); // alef variants
                case '\u0649', '\u06CC' -> b.append('\u064A'); // yeh variants (Arabic, Persian)
                case '\u06A9' -> b.append('\u0643'); // Persian keheh → kaf
                case '\u200C', '\u200D', '\u200E', '\u200F' -> {} // joiners and direction marks
                default -> b.append(c);
            }
        }
        String lower =
                SPACES.matcher(b.toString().toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
        return EDGE_PUNCTUATION.matcher(lower).replaceAll("");
    }

    /**
     * Folds text to its words, separated by single spaces ("Montréal, QC" → "montreal qc").
     *
     * @param s any text
     * @return the folded words
     */
    public static String words(String s) {
        return SPACES.matcher(PUNCTUATION.matcher(fold(s)).replaceAll(" ")).replaceAll(" ").strip();
    }

    /**
     * Whether a text names something: the name's words appear together in it; a name of three
     * letters or fewer ("ON", "BC") only as the whole text.
     *
     * @param text a typed answer
     * @param name a name as the script writes it
     * @return whether the text mentions the name
     */
    public static boolean mentions(String text, String name) {
        return wordsMention(words(text), words(name));
    }

    /**
     * {@link #mentions} for a text and a name already through {@link #words}: what a caller that
     * looks for many names in one text uses, so that each is normalised once.
     *
     * @param textWords {@code words(text)}
     * @param nameWords {@code words(name)}
     * @return whether the text mentions the name
     */
    public static boolean wordsMention(String textWords, String nameWords) {
        if (nameWords.isEmpty()) {
            return false;
        }
        return nameWords.length() <= 3
                ? textWords.equals(nameWords)
                : (" " + textWords + " ").contains(" " + nameWords + " ");
    }
}
