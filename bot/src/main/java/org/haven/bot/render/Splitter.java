package org.haven.bot.render;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits long text into parts that fit, at sentence boundaries (., !, ?, the Arabic question mark,
 * newlines) where possible, then between words, and only as a last resort inside a word.
 */
public final class Splitter {

    private static final Pattern SENTENCE_END =
            Pattern.compile("(?<=[.!?\u061F\u06D4\u3002])\\s+|\\n+");

    private Splitter() {}

    /**
     * @param text the text
     * @param fits whether a candidate part is short enough
     * @return the parts, in order, each satisfying {@code fits} (trimmed; empty text gives none)
     */
    public static List<String> split(String text, Predicate<String> fits) {
        List<String> out = new ArrayList<>();
        String t = text.strip();
        if (t.isEmpty()) {
            return out;
        }
        if (fits.test(t)) {
            out.add(t);
            return out;
        }
        // units with the separator that preceded them, so that menus keep their line breaks
        List<String> units = new ArrayList<>();
        List<String> seps = new ArrayList<>();
        Matcher m = SENTENCE_END.matcher(t);
        int start = 0;
        String sep = "";
        while (true) {
            boolean found = m.find();
            String sentence = t.substring(start, found ? m.start() : t.length()).strip();
            if (!sentence.isEmpty()) {
                List<String> pieces =
                        fits.test(sentence) ? List.of(sentence) : words(sentence, fits);
                for (int i = 0; i < pieces.size(); i++) {
                    units.add(pieces.get(i));
                    seps.add(i == 0 ? sep : " ");
                }
            }
            if (!found) {
                break;
            }
            sep = m.group().contains("\n") ? "\n" : " ";
            start = m.end();
        }
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < units.size(); i++) {
            String u = units.get(i);
            String candidate = cur.length() == 0 ? u : cur + seps.get(i) + u;
            if (fits.test(candidate)) {
                cur.setLength(0);
                cur.append(candidate);
            } else {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                }
                cur.setLength(0);
                cur.append(u);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    private static List<String> words(String sentence, Predicate<String> fits) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String w : sentence.split("\\s+")) {
            String candidate = cur.length() == 0 ? w : cur + " " + w;
            if (fits.test(candidate)) {
                cur.setLength(0);
                cur.append(candidate);
                continue;
            }
            if (cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (fits.test(w)) {
                cur.append(w);
            } else {
                // a single word too long for a part: cut it
                int start = 0;
                for (int end = 1; end <= w.length(); end++) {
                    if (!fits.test(w.substring(start, end))) {
                        out.add(w.substring(start, end - 1));
                        start = end - 1;
                    }
                }
                cur.append(w.substring(start));
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }
}
