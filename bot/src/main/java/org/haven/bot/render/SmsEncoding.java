package org.haven.bot.render;

/**
 * SMS segment arithmetic. A message that uses only the GSM 03.38 alphabet is sent as GSM-7: 160
 * characters in one segment, 153 per segment when concatenated; characters of the extension table
 * ({@code ^{}\[~]|€} and form feed) take two. Anything else forces UCS-2: 70 UTF-16 units in one
 * segment, 67 per segment when concatenated.
 */
public final class SmsEncoding {

    private static final String GSM_BASIC =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                    + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String GSM_EXTENSION = "^{}\\[~]|€\f";

    private SmsEncoding() {}

    /**
     * @param text a message
     * @return whether it can be sent as GSM-7
     */
    public static boolean isGsm7(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (GSM_BASIC.indexOf(c) < 0 && GSM_EXTENSION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param text a message
     * @return its length in the units of its encoding (septets for GSM-7, UTF-16 units for UCS-2)
     */
    public static int units(String text) {
        if (!isGsm7(text)) {
            return text.length();
        }
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            n += GSM_EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
        }
        return n;
    }

    /**
     * @param text a message
     * @return the number of SMS segments it takes (0 for an empty message)
     */
    public static int segments(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        boolean gsm = isGsm7(text);
        int units = units(text);
        int single = gsm ? 160 : 70;
        int multi = gsm ? 153 : 67;
        return units <= single ? 1 : (units + multi - 1) / multi;
    }
}
