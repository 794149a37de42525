package org.haven.gateway.inbox;

/** Escaping and the page frame of the inbox. Every value from the database or a person goes through {@link #esc}. */
final class Html {
    private Html() {
    }

    static String esc(String s) {
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

    /** A whole page. {@code user} and {@code csrf} are null on pages shown before login. */
    static String page(String title, String user, String csrf, String body) {
        StringBuilder sb = new StringBuilder(2048 + body.length());
        sb.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" — Haven inbox</title>")
                .append("<link rel=\"stylesheet\" href=\"/inbox/inbox.css\"></head><body>")
                .append("<header class=\"bar\"><a class=\"brand\" href=\"/inbox\">Haven inbox</a>");
        if (user != null) {
            sb.append("<form method=\"post\" action=\"/inbox/logout\" class=\"logout\">")
                    .append("<span class=\"who\">").append(esc(user)).append("</span>")
                    .append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(csrf)).append("\">")
                    .append("<button type=\"submit\">Log out and lock</button></form>");
        }
        sb.append("</header><main id=\"main\">").append(body).append("</main></body></html>");
        return sb.toString();
    }
}
