package org.haven.bot.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** GSM-7 versus UCS-2 segment counting. */
class SmsEncodingTest {

    /** Verifies the GSM-7 limits: 160 in one segment, 153 per segment after. */
    @Test
    void testGsm7SegmentLimits() {
        assertEquals(1, SmsEncoding.segments("a".repeat(160)));
        assertEquals(2, SmsEncoding.segments("a".repeat(161)));
        assertEquals(2, SmsEncoding.segments("a".repeat(306)));
        assertEquals(3, SmsEncoding.segments("a".repeat(307)));
        assertEquals(0, SmsEncoding.segments(""));
    }

    /** Verifies that extension characters count twice. */
    @Test
    void testGsm7ExtensionCharactersCountTwice() {
        assertTrue(SmsEncoding.isGsm7("€[]"));
        assertEquals(6, SmsEncoding.units("€[]"));
        assertEquals(2, SmsEncoding.segments("€" + "a".repeat(159)));
    }

    /**
     * Verifies the UCS-2 limits (70, then 67) and that one non-GSM character switches the whole
     * message.
     */
    @Test
    void testUcs2SegmentLimits() {
        assertFalse(SmsEncoding.isGsm7("ê"));
        assertFalse(SmsEncoding.isGsm7("Skip · Pause"));
        assertEquals(1, SmsEncoding.segments("ب".repeat(70)));
        assertEquals(2, SmsEncoding.segments("ب".repeat(71)));
        assertEquals(2, SmsEncoding.segments("ê" + "a".repeat(133)));
        assertEquals(3, SmsEncoding.segments("ê" + "a".repeat(134)));
        assertTrue(SmsEncoding.isGsm7("Déjà vu: é è à ù ì ò Ç Ä Ö Ñ Ü ß"));
    }
}
