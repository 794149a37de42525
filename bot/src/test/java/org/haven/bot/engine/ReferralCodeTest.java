package org.haven.bot.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Agency referral codes with a Damm check digit. */
class ReferralCodeTest {

    /** Verifies that issued codes are short, formatted and valid. */
    @Test
    void testIssuedCodesAreValid() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            String code = ReferralCode.issue(r);
            assertTrue(code.matches("[0-9]{3}-[0-9]{4}"), code);
            assertTrue(ReferralCode.isValid(code), code);
        }
    }

    /** Verifies that every single wrong digit and every adjacent swap is detected. */
    @Test
    void testCheckDigitCatchesTyposAndSwaps() {
        String good = "1234566";
        assertTrue(ReferralCode.isValid(good));
        for (int i = 0; i < good.length(); i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d != good.charAt(i)) {
                    String bad = good.substring(0, i) + d + good.substring(i + 1);
                    assertFalse(ReferralCode.isValid(bad), bad);
                }
            }
            if (i + 1 < good.length() && good.charAt(i) != good.charAt(i + 1)) {
                String swapped =
                        good.substring(0, i)
                                + good.charAt(i + 1)
                                + good.charAt(i)
                                + good.substring(i + 2);
                assertFalse(ReferralCode.isValid(swapped), swapped);
            }
        }
    }

    /** Verifies that spaces, dashes and Arabic-Indic or Persian digits are accepted. */
    @Test
    void testNormaliseAcceptsSeparatorsAndOtherDigits() {
        assertEquals("123-4566", ReferralCode.normalise(" 123 4566 "));
        assertEquals("123-4566", ReferralCode.normalise("١٢٣-٤٥٦٦"));
        assertEquals("123-4566", ReferralCode.normalise("۱۲۳۴۵۶۶"));
        assertNull(ReferralCode.normalise("123-4567"));
        assertNull(ReferralCode.normalise("12-34"));
        assertNull(ReferralCode.normalise("abc-defg"));
        assertNull(ReferralCode.normalise(null));
    }
}
