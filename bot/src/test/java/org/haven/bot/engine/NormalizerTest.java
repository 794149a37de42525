package org.haven.bot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Input folding for keyword and label matching. */
class NormalizerTest {

    /** Verifies that case, accents, punctuation at the ends and extra spaces do not matter. */
    @Test
    void testFoldIgnoresCaseAccentsAndPunctuation() {
        assertEquals("arret", Normalizer.fold("  ARRÊT! "));
        assertEquals("plus tard", Normalizer.fold("Plus   tard."));
        assertEquals("", Normalizer.fold(null));
    }

    /** Verifies that Arabic and Persian letter variants and digits fold together. */
    @Test
    void testFoldUnifiesArabicAndPersianVariants() {
        assertEquals(Normalizer.fold("كمك"), Normalizer.fold("کمک"));
        assertEquals(Normalizer.fold("اعادة"), Normalizer.fold("إعادة"));
        assertEquals(Normalizer.fold("مساعدة"), Normalizer.fold("مُسَاعَدَة"));
        assertEquals("35", Normalizer.fold("٣۵"));
    }

    /**
     * Verifies that a name is mentioned only as whole words, together, anywhere in the text, and a
     * short abbreviation only as the whole text.
     */
    @Test
    void testMentionsNeedsWholeWords() {
        assertTrue(Normalizer.mentions("I live in Saint-Jérôme, QC", "Saint Jerome"));
        assertTrue(Normalizer.mentions("toronto", "Toronto"));
        assertTrue(Normalizer.mentions("near North York now", "North York"));
        assertTrue(Normalizer.mentions("york york north york", "North York"));
        assertFalse(Normalizer.mentions("a Torontonian", "Toronto"));
        assertFalse(Normalizer.mentions("Newtoronto", "Toronto"));
        assertFalse(Normalizer.mentions("North, then York", "North York y"));
        assertFalse(Normalizer.mentions("I am on my way", "ON"));
        assertTrue(Normalizer.mentions(" on. ", "ON"));
        assertFalse(Normalizer.mentions("anything", "!!"));
    }

    /**
     * Verifies that the form for normalised words gives what {@link Normalizer#mentions} gives,
     * over every pair of a set of texts and names.
     */
    @Test
    void testWordsMentionAgreesWithMentions() {
        String[] texts = {
            "Montréal",
            "in montreal-nord",
            "Halifax, Nova Scotia",
            "nova",
            "scotia nova scotia",
            "ON",
            "B.C.",
            "Victoriaville",
            "victoria",
            "",
            "Saint John's",
            "st johns",
            "قم",
            "مونتريال"
        };
        String[] names = {
            "Montreal",
            "Montréal-Nord",
            "Nova Scotia",
            "ON",
            "BC",
            "Victoria",
            "Saint John",
            "St. John's",
            "مونتريال",
            "Nord"
        };
        for (String text : texts) {
            for (String name : names) {
                assertEquals(
                        Normalizer.mentions(text, name),
                        Normalizer.wordsMention(Normalizer.words(text), Normalizer.words(name)),
                        text + " / " + name);
                String padded = " " + Normalizer.words(text) + " ";
                String n = Normalizer.words(name);
                boolean before =
                        !n.isEmpty()
                                && (n.length() <= 3
                                        ? Normalizer.words(text).equals(n)
                                        : padded.contains(" " + n + " "));
                assertEquals(before, Normalizer.mentions(text, name), text + " / " + name);
            }
        }
    }
}
