package org.haven.bot.engine;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Agency referral codes: six random digits and a Damm check digit, written "123-4567". Digits only,
 * so they can be typed on any phone keypad and in any script; the Damm algorithm catches every
 * single wrong digit and every swap of two adjacent digits.
 */
public final class ReferralCode {
    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-.]");

    private static final int[][] DAMM = {
        {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
        {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
        {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
        {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
        {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
        {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
        {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
        {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
        {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
        {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
    };

    /** Number of random digits before the check digit. */
    public static final int BODY_DIGITS = 6;

    private static final Pattern CODE = Pattern.compile("[0-9]{" + (BODY_DIGITS + 1) + "}");

    private ReferralCode() {}

    /**
     * Issues a new code.
     *
     * @param random the randomness source
     * @return a code such as "482-1773"
     */
    public static String issue(SecureRandom random) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < BODY_DIGITS; i++) {
            body.append(random.nextInt(10));
        }
        return format(body.toString() + checkDigit(body.toString()));
    }

    /**
     * @param digits a string of ASCII digits
     * @return the Damm check digit for it
     */
    public static int checkDigit(String digits) {
        int interim = 0;
        for (int i = 0; i < digits.length(); i++) {
            interim = DAMM[interim][digits.charAt(i) - '0'];
        }
        return interim;
    }

    /**
     * Normalises typed input: keeps digits (Arabic-Indic and Persian digits too), drops spaces and
     * dashes.
     *
     * @param typed the code as typed
     * @return the canonical form "123-4567", or null when it is not a valid code
     */
    public static String normalise(String typed) {
        String t =
                SEPARATORS
                        .matcher(Normalizer.asciiDigits(typed == null ? "" : typed))
                        .replaceAll("");
        if (!CODE.matcher(t).matches() || checkDigit(t) != 0) {
            return null;
        }
        return format(t);
    }

    /**
     * @param typed the code as typed
     * @return whether it is well formed with a correct check digit
     */
    public static boolean isValid(String typed) {
        return normalise(typed) != null;
    }

    private static String format(String seven) {
        return seven.substring(0, 3) + "-" + seven.substring(3);
    }
}
