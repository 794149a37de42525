package org.haven.bot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
