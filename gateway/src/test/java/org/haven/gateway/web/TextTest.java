package org.haven.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The inbox's one word list: every word in English and in French. */
class TextTest {

    /**
     * Verifies that no inbox word lacks English or French, so a French-speaking coordinator never
     * meets a key or a blank.
     */
    @Test
    void testEveryInboxWordHasEnglishAndFrench() {
        assertTrue(Text.keys().size() > 100, "keys: " + Text.keys().size());
        for (String key : Text.keys()) {
            List<String> both = Text.written(key);
            assertEquals(2, both.size(), key);
            assertTrue(both.get(0) != null && !both.get(0).isBlank(), key + " has no English");
            assertTrue(both.get(1) != null && !both.get(1).isBlank(), key + " has no French");
        }
    }
}
