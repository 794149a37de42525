package org.haven.gateway.channel.twilio;

import java.util.List;

/** The TwiML answers Haven gives Twilio's webhooks: empty, or messages back to the sender. */
public final class Twiml {
    private Twiml() {}

    /** The empty answer: nothing sent back. */
    public static final String EMPTY =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    /**
     * An answer that sends these bodies back to the person who wrote, one {@code <Message>} each.
     */
    public static String messages(List<String> bodies) {
        StringBuilder out =
                new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
        for (String body : bodies) {
            out.append("<Message>").append(xmlText(body)).append("</Message>");
        }
        return out.append("</Response>").toString();
    }

    /** Escapes XML's markup characters and drops the characters XML 1.0 cannot carry at all. */
    public static String xmlText(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints()
                .forEach(
                        c -> {
                            switch (c) {
                                case '&' -> out.append("&amp;");
                                case '<' -> out.append("&lt;");
                                case '>' -> out.append("&gt;");
                                case '"' -> out.append("&quot;");
                                case '\'' -> out.append("&apos;");
                                default -> {
                                    boolean allowed =
                                            c == 0x9
                                                    || c == 0xA
                                                    || c == 0xD
                                                    || (c >= 0x20 && c <= 0xD7FF)
                                                    || (c >= 0xE000 && c <= 0xFFFD)
                                                    || c >= 0x10000;
                                    if (allowed) {
                                        out.appendCodePoint(c);
                                    }
                                }
                            }
                        });
        return out.toString();
    }
}
