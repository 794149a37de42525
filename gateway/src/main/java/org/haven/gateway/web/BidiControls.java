package org.haven.gateway.web;

/**
 * Bidirectional control characters in what a person wrote, made visible for coordinators and
 * lawyers: a right-to-left override (U+202E) in "invoice\u202Efdp.exe" would otherwise show the
 * text reordered ("invoiceexe.pdf"), and an isolate or embedding can make an answer read as
 * another. Each of U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C is shown as {@code
 * [U+202E]}; the stored text is never changed, only what is rendered.
 */
public final class BidiControls {
    private BidiControls() {}

    /** True for the characters {@link #show} marks. */
    public static boolean isControl(char c) {
        return (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200E'
                || c == '\u200F'
                || c == '\u061C';
    }

    /** {@code s} with each bidirectional control written as {@code [U+XXXX]}; null stays null. */
    public static String show(String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && !isControl(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c)) {
                sb.append("[U+").append(String.format("%04X", (int) c)).append(']');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
