package org.haven.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResumeWordsTest {
    private static final ResumeWords WORDS = ResumeWords.load();

    /**
     * Verifies that each list has 512 words that stay apart when folded, so a phrase carries 45
     * bits.
     */
    @Test
    void testEveryListHas512WordsDistinctWhenFolded() {
        for (String lang : ResumeWords.LANGUAGES) {
            List<String> list = WORDS.list(lang);
            assertEquals(ResumeWords.LIST_SIZE, list.size(), lang);
            Set<String> folded = new HashSet<>();
            list.forEach(w -> folded.add(ResumeWords.fold(w)));
            assertEquals(ResumeWords.LIST_SIZE, folded.size(), lang + " has words that fold alike");
            assertTrue(
                    list.stream().allMatch(w -> w.codePoints().allMatch(Character::isLetter)),
                    lang + " has a non-letter");
        }
        assertTrue(ResumeWords.WORDS * Math.log(ResumeWords.LIST_SIZE) / Math.log(2) >= 44);
    }

    /** Verifies that a phrase is found however it is typed: case, accents, commas, extra spaces. */
    @Test
    void testPhraseIsRecognisedHoweverTyped() {
        for (String lang : ResumeWords.LANGUAGES) {
            String phrase = WORDS.generate(lang);
            String canonical =
                    WORDS.parse(phrase)
                            .orElseThrow(() -> new AssertionError(lang + ": " + phrase))
                            .canonical();
            assertEquals(
                    canonical,
                    WORDS.parse("  " + phrase.toUpperCase(Locale.ROOT).replace(" ", ",  ") + ". ")
                            .orElseThrow()
                            .canonical(),
                    lang);
            String noAccents =
                    Normalizer.normalize(phrase, Normalizer.Form.NFKD).replaceAll("\\p{Mn}", "");
            assertEquals(canonical, WORDS.parse(noAccents).orElseThrow().canonical(), lang);
        }
    }

    /**
     * Verifies that Arabic and Persian letter forms are one (ي/ی, ك/ک, ة/ه, أ/ا) and vowel marks
     * are ignored.
     */
    @Test
    void testArabicAndPersianLetterFormsAreOne() {
        assertEquals(ResumeWords.fold("كتاب"), ResumeWords.fold("کتاب"));
        assertEquals(ResumeWords.fold("شاي"), ResumeWords.fold("شای"));
        assertEquals(ResumeWords.fold("قطة"), ResumeWords.fold("قطه"));
        assertEquals(ResumeWords.fold("أرز"), ResumeWords.fold("ارز"));
        assertEquals(ResumeWords.fold("كِتَاب"), ResumeWords.fold("كتاب"));
        String fa = WORDS.generate("fa");
        String arabicForms = fa.replace('ی', 'ي').replace('ک', 'ك');
        assertEquals(
                WORDS.parse(fa).orElseThrow().canonical(),
                WORDS.parse(arabicForms).orElseThrow().canonical());
    }

    /**
     * Verifies that anything but exactly five list words is not a phrase: four, six, or one word
     * off the lists.
     */
    @Test
    void testParseFailsForOtherThanFiveListWords() {
        String[] w = WORDS.generate("en").split(" ");
        assertEquals(Optional.empty(), WORDS.parse(String.join(" ", w[0], w[1], w[2], w[3])));
        assertEquals(Optional.empty(), WORDS.parse(String.join(" ", w) + " " + w[0]));
        assertEquals(
                Optional.empty(), WORDS.parse(String.join(" ", w[0], w[1], w[2], w[3], "xqzvw")));
        assertEquals(Optional.empty(), WORDS.parse("I was tortured in 2014"));
        assertEquals(Optional.empty(), WORDS.parse(""));
    }

    /**
     * Verifies that the languages are the lists present in the jar, in the shipped script's order,
     * so a word in two lists (album: en, fr, es; a shared Arabic and Persian word) keeps the
     * language it always had: the first of en, fr, es and of ar, fa.
     */
    @Test
    void testLanguagesAreTheListsPresentInScriptOrder() {
        assertEquals(List.of("en", "fr", "ar", "es", "fa", "uk"), ResumeWords.LANGUAGES);
        int shared = 0;
        for (String lang : ResumeWords.LANGUAGES) {
            for (String w : WORDS.list(lang)) {
                String f = ResumeWords.fold(w);
                String first =
                        ResumeWords.LANGUAGES.stream()
                                .filter(
                                        l ->
                                                WORDS.list(l).stream()
                                                        .anyMatch(
                                                                x -> ResumeWords.fold(x).equals(f)))
                                .findFirst()
                                .orElseThrow();
                shared += first.equals(lang) ? 0 : 1;
                assertEquals(
                        first,
                        WORDS.parse(String.join(" ", w, w, w, w, w)).orElseThrow().language(),
                        w);
            }
        }
        assertTrue(shared > 100, "words in two lists: " + shared);
    }

    /**
     * Verifies that the phrase words come from the person's language, and English where it has no
     * list.
     */
    @Test
    void testPhraseIsInThePersonsLanguage() {
        assertEquals("ar", WORDS.parse(WORDS.generate("ar")).orElseThrow().language());
        assertTrue(WORDS.list("en").containsAll(List.of(WORDS.generate("ti").split(" "))));
    }
}
