package org.haven.gateway.web;

/**
 * Escaping and the page frame of the site (inbox, team, audit, dashboard). Every value from the
 * database or a person goes through {@link #esc}, which also shows bidirectional controls ({@link
 * BidiControls}); a form field's own value, sent back as it is, goes through {@link #value}.
 */
public final class Html {
    private Html() {}

    /**
     * {@code s} escaped for HTML text or an attribute, its bidirectional controls shown as {@code
     * [U+202E]}; null as "".
     */
    public static String esc(String s) {
        return value(BidiControls.show(s));
    }

    /**
     * {@code s} escaped for HTML only, its characters kept: for what fills a form field (a search,
     * a pasted key, the intake script) and comes back when the form is sent, never for text shown.
     */
    public static String value(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A hidden CSRF field for a session's forms. */
    public static String csrf(Viewer s) {
        return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(s.csrfToken()) + "\">";
    }

    /** A whole page. {@code session} is null on pages shown before login. */
    public static String page(String language, String title, Viewer session, String body) {
        String lang = "fr".equals(language) ? "fr" : "en";
        StringBuilder sb = new StringBuilder(2048 + body.length());
        sb.append("<!doctype html><html lang=\"")
                .append(lang)
                .append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\">")
                .append("<title>")
                .append(esc(title))
                .append(" — Haven</title>")
                .append("<link rel=\"stylesheet\" href=\"/inbox/inbox.css\">")
                .append("<script src=\"/inbox/inbox.js\" defer></script></head><body>")
                .append("<a class=\"skip\" href=\"#main\">")
                .append(Text.t(lang, "skip"))
                .append("</a>")
                .append("<header class=\"bar\"><a class=\"brand\" href=\"/inbox\">")
                .append(Text.t(lang, "inbox"))
                .append("</a>");
        if (session != null && session.secondFactorDone() && session.passphraseChosen()) {
            sb.append("<nav class=\"who\" aria-label=\"")
                    .append(Text.t(lang, "nav.account"))
                    .append("\">");
            if (!session.isAgency()) {
                sb.append("<a href=\"/inbox/dashboard\">")
                        .append(Text.t(lang, "dash.title"))
                        .append("</a>");
            }
            if (session.isAdmin()) {
                sb.append("<a href=\"/inbox/team\">").append(Text.t(lang, "team")).append("</a>");
                sb.append("<a href=\"/inbox/team/canned\" id=\"canned-link\">")
                        .append(Text.t(lang, "canned"))
                        .append("</a>");
                sb.append("<a href=\"/inbox/audit\">").append(Text.t(lang, "audit")).append("</a>");
            }
            sb.append("<a href=\"/inbox/settings\" id=\"settings-link\">")
                    .append(Text.t(lang, "settings"))
                    .append("</a>");
            sb.append("<form method=\"post\" action=\"/inbox/language\">")
                    .append(csrf(session))
                    .append("<input type=\"hidden\" name=\"language\" value=\"")
                    .append(other(lang))
                    .append("\">")
                    .append("<button type=\"submit\" class=\"link\" lang=\"")
                    .append(other(lang))
                    .append("\">")
                    .append(Text.t(lang, "lang.switch"))
                    .append("</button></form>")
                    .append("<span>")
                    .append(esc(session.username()))
                    .append("</span>")
                    .append("<form method=\"post\" action=\"/inbox/logout\">")
                    .append(csrf(session))
                    .append("<button type=\"submit\">")
                    .append(Text.t(lang, "logout"))
                    .append("</button></form></nav>");
        }
        sb.append("</header><main id=\"main\" tabindex=\"-1\">").append(body).append("</main>");
        if (session != null && session.secondFactorDone() && session.passphraseChosen()) {
            sb.append(shortcuts(lang));
        }
        return sb.append("</body></html>").toString();
    }

    /**
     * The list of keyboard shortcuts that {@code ?} opens (inbox.js): j and k move through the
     * queue, Enter opens, c claims (the open case or the queue's chosen row), r goes to the reply
     * box.
     */
    private static String shortcuts(String lang) {
        StringBuilder b =
                new StringBuilder(
                                "<dialog id=\"shortcuts\" aria-labelledby=\"shortcuts-h\"><h2 id=\"shortcuts-h\">")
                        .append(Text.t(lang, "keys.title"))
                        .append("</h2><dl class=\"keys\">");
        for (String[] k :
                new String[][] {
                    {"j", "keys.j"}, {"k", "keys.k"}, {"Enter", "keys.enter"},
                    {"c", "keys.c"}, {"r", "keys.r"}, {"Ctrl+Enter", "keys.send"},
                    {"?", "keys.help"}
                }) {
            b.append("<dt><kbd>")
                    .append(esc(k[0]))
                    .append("</kbd></dt><dd>")
                    .append(Text.t(lang, k[1]))
                    .append("</dd>");
        }
        return b.append(
                        "</dl><form method=\"dialog\"><button type=\"submit\" id=\"shortcuts-close\">")
                .append(Text.t(lang, "keys.close"))
                .append("</button></form></dialog>")
                .toString();
    }

    /**
     * A label and the input it names: {@code <label for="id">label</label><input id="id"
     * attributes>}. {@code label} is HTML (a page's own text), {@code attributes} the input's other
     * attributes after its id.
     */
    public static String field(String id, String label, String attributes) {
        return "<label for=\"%s\">%s</label><input id=\"%s\" %s>"
                .formatted(id, label, id, attributes);
    }

    /**
     * A form's submit button and the end of the form; the button has {@code id} unless it is null.
     * {@code label} is HTML (a page's own text).
     */
    public static String submit(String id, String label) {
        return "<button type=\"submit\""
                + (id == null ? "" : " id=\"" + id + "\"")
                + ">"
                + label
                + "</button></form>";
    }

    /**
     * A paragraph with the link to {@code path} in the other language (French from English, English
     * from anything else), the link's text in {@code language} and marked as the other language:
     * for the pages shown before login, which have no language form.
     */
    public static String languageLink(String path, String language) {
        String other = other(language);
        return "<p><a href=\"%s?lang=%s\" lang=\"%s\">%s</a></p>"
                .formatted(path, other, other, Text.t(language, "lang.switch"));
    }

    /** The other language: English for French, French for anything else. */
    private static String other(String language) {
        return "fr".equals(language) ? "en" : "fr";
    }

    /** An error paragraph announced to screen readers, or nothing. */
    public static String error(String message) {
        return message == null ? "" : "<p class=\"error\" role=\"alert\">" + esc(message) + "</p>";
    }

    /** A confirmation paragraph, or nothing. */
    public static String notice(String message) {
        return message == null
                ? ""
                : "<p class=\"notice\" role=\"status\">" + esc(message) + "</p>";
    }
}
