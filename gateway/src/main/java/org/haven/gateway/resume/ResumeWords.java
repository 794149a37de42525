package org.haven.gateway.resume;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.haven.bot.Intake;
import org.haven.bot.script.Language;

/**
 * The word lists of resume phrases: five words drawn at random from a 512-word list in the person's
 * language (45 bits). A phrase is recognised in any language's list, however it is typed: upper or
 * lower case, with or without accents, with Arabic or Persian letter forms, separated by spaces,
 * commas or line breaks.
 */
public final class ResumeWords {
    /** Words in a phrase. */
    public static final int WORDS = 5;

    /** Words in each list. */
    public static final int LIST_SIZE = 512;

    private static final String FALLBACK = "en";
    private static final String DIRECTORY = "resume/";
    private static final Pattern LIST_FILE = Pattern.compile("words-([a-z]{2,3})\\.txt");

    /**
     * The languages with their own list, {@code resume/words-<code>.txt} in the jar (adding a file
     * adds a language); the others get English words. A word in two lists counts as the language
     * the shipped intake script names first.
     */
    public static final List<String> LANGUAGES = languagesPresent();

    /**
     * A phrase as recognised: its canonical form (folded words, one space apart) and its list's
     * language.
     */
    public record Candidate(String canonical, String language) {}

    private final Map<String, List<String>> lists = new LinkedHashMap<>();
    private final Map<String, String> languageOf = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** Loads the lists from the jar. */
    public static ResumeWords load() {
        ResumeWords w = new ResumeWords();
        for (String lang : LANGUAGES) {
            List<String> words = read("/resume/words-" + lang + ".txt");
            if (words.size() != LIST_SIZE) {
                throw new IllegalStateException(
                        "resume word list "
                                + lang
                                + " has "
                                + words.size()
                                + " words, not "
                                + LIST_SIZE);
            }
            w.lists.put(lang, words);
            for (String word : words) {
                String prev = w.languageOf.putIfAbsent(fold(word), lang);
                if (prev != null && prev.equals(lang)) {
                    throw new IllegalStateException(
                            "resume word list " + lang + " has two words that fold alike");
                }
            }
        }
        return w;
    }

    /**
     * The codes of the lists in the jar (or the classes folder), in the shipped script's language
     * order.
     */
    private static List<String> languagesPresent() {
        URL fallback =
                ResumeWords.class.getResource("/" + DIRECTORY + "words-" + FALLBACK + ".txt");
        if (fallback == null) {
            throw new IllegalStateException("resume word list missing from the jar: " + FALLBACK);
        }
        List<String> names = new ArrayList<>();
        try {
            if ("jar".equals(fallback.getProtocol())) {
                JarURLConnection c = (JarURLConnection) fallback.openConnection();
                c.setUseCaches(false);
                try (JarFile jar = c.getJarFile()) {
                    jar.stream()
                            .map(e -> e.getName())
                            .filter(n -> n.startsWith(DIRECTORY))
                            .forEach(n -> names.add(n.substring(DIRECTORY.length())));
                }
            } else {
                try (Stream<Path> files = Files.list(Path.of(fallback.toURI()).getParent())) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("resume word lists unreadable", e);
        }
        List<String> order =
                Intake.defaultIntake().script().languages().stream().map(Language::code).toList();
        return names.stream()
                .map(LIST_FILE::matcher)
                .filter(Matcher::matches)
                .map(m -> m.group(1))
                .sorted(
                        Comparator.comparingInt(
                                        (String code) ->
                                                order.contains(code)
                                                        ? order.indexOf(code)
                                                        : order.size())
                                .thenComparing(Comparator.naturalOrder()))
                .toList();
    }

    private static List<String> read(String resource) {
        try (InputStream in = ResumeWords.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "resume word list missing from the jar: " + resource);
            }
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("resume word list unreadable: " + resource, e);
        }
    }

    /** The words of a list (for tests and checks). */
    public List<String> list(String language) {
        return lists.getOrDefault(language, lists.get(FALLBACK));
    }

    /**
     * A fresh phrase in {@code language} (English words where it has no list), words one space
     * apart.
     */
    public String generate(String language) {
        List<String> words = list(language);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < WORDS; i++) {
            b.append(i == 0 ? "" : " ").append(words.get(random.nextInt(words.size())));
        }
        return b.toString();
    }

    /**
     * The phrase in {@code text}, when it is exactly five list words (of any list) and nothing
     * else.
     */
    public Optional<Candidate> parse(String text) {
        if (text == null || text.length() > 200) {
            return Optional.empty();
        }
        String[] tokens = text.strip().split("[\\s\\p{Punct}\\p{Pd}،؛]+");
        if (tokens.length != WORDS) {
            return Optional.empty();
        }
        List<String> folded = new ArrayList<>();
        String language = null;
        for (String t : tokens) {
            String f = fold(t);
            String lang = languageOf.get(f);
            if (lang == null) {
                return Optional.empty();
            }
            language = language == null ? lang : language;
            folded.add(f);
        }
        return Optional.of(new Candidate(String.join(" ", folded), language));
    }

    /**
     * A word as compared: lower case, without accents or vowel marks, Arabic and Persian letter
     * forms made one (ي ی ى, ك ک, ة ه, أ إ آ ا, ؤ و, ئ ي), and Ukrainian ї і, є е, ґ г, й и.
     */
    public static String fold(String word) {
        String d = Normalizer.normalize(word.toLowerCase(Locale.ROOT), Normalizer.Form.NFKD);
        StringBuilder b = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (Character.getType(c) == Character.NON_SPACING_MARK
                    || c == '\u0640'
                    || c == '\u200c'
                    || c == '\u200d') {
                continue; // accents, Arabic vowel marks, tatweel, zero-width (non-)joiners
            }
            b.append(
                    switch (c) {
                        case 'ی', 'ى' -> 'ي';
                        case 'ک' -> 'ك';
                        case 'ة' -> 'ه';
                        case 'أ', 'إ', 'آ', 'ٱ' -> 'ا';
                        case 'ؤ' -> 'و';
                        case 'ئ' -> 'ي';
                        case 'є' -> 'е';
                        case 'ґ' -> 'г';
                        default -> c;
                    });
        }
        // NFKD took the marks off: ї is і, й is и, é is e, آ is ا
        return Normalizer.normalize(b.toString(), Normalizer.Form.NFC);
    }
}
