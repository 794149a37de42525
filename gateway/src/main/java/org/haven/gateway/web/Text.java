package org.haven.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The inbox's words, one bundle per language: {@code web/text_<code>.properties} (UTF-8) for each
 * of {@link #LANGUAGES}. A word missing in a language is the first language's (English); an unknown
 * key is shown as itself. A new inbox language is one more bundle and its code here.
 */
public final class Text {
    /** The inbox's languages, the fallback first. */
    static final List<String> LANGUAGES = List.of("en", "fr");

    private static final Map<String, Map<String, String>> BUNDLES = load();

    private Text() {}

    private static Map<String, Map<String, String>> load() {
        Map<String, Map<String, String>> bundles = new HashMap<>();
        for (String language : LANGUAGES) {
            String name = "/web/text_" + language + ".properties";
            try (InputStream in = Text.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing " + name);
                }
                Properties words = new Properties();
                words.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                Map<String, String> own = new HashMap<>();
                words.stringPropertyNames().forEach(k -> own.put(k, words.getProperty(k)));
                bundles.put(language, Map.copyOf(own));
            } catch (IOException e) {
                throw new UncheckedIOException(name, e);
            }
        }
        return Map.copyOf(bundles);
    }

    /** Every key of every bundle, for the test that each has every language. */
    static Set<String> keys() {
        Set<String> keys = new HashSet<>();
        BUNDLES.values().forEach(b -> keys.addAll(b.keySet()));
        return keys;
    }

    /**
     * A key's texts as written, in the order of {@link #LANGUAGES} (null where one is missing), for
     * that test.
     */
    static List<String> written(String key) {
        return Arrays.asList(
                LANGUAGES.stream().map(l -> BUNDLES.get(l).get(key)).toArray(String[]::new));
    }

    /**
     * The language of a page shown before login: {@code param} ("fr" or anything else for English)
     * if given, else French when the browser's {@code Accept-Language} starts with it, else
     * English.
     */
    public static String preferred(String param, String acceptLanguage) {
        if (param != null) {
            return "fr".equals(param) ? "fr" : "en";
        }
        return acceptLanguage != null
                        && acceptLanguage.strip().toLowerCase(Locale.ROOT).startsWith("fr")
                ? "fr"
                : "en";
    }

    /** The text for {@code key} in {@code language} ("en" or "fr"; any other gets English). */
    public static String t(String language, String key) {
        Map<String, String> own = BUNDLES.get(language);
        String text = own == null ? null : own.get(key);
        if (text == null) {
            text = BUNDLES.get(LANGUAGES.get(0)).get(key);
        }
        return text == null ? key : text;
    }

    /**
     * The text of {@code key} with {@code {0}} replaced by {@code arg}, unescaped: the caller
     * escapes the whole.
     */
    public static String t(String language, String key, String arg) {
        return t(language, key).replace("{0}", arg == null ? "" : arg);
    }
}
