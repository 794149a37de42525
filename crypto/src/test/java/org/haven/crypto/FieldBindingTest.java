package org.haven.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.haven.crypto.internal.Bytes;
import org.junit.jupiter.api.Test;

/** The associated-data encoding of {@link FieldBinding}. */
class FieldBindingTest {
    /** Verifies that the encoding matches the documented byte layout. */
    @Test
    void testEncodingMatchesDocumentedLayout() {
        assertArrayEquals(
                Bytes.unhex("48564e4601" + "0002" + "6331" + "0001" + "66"),
                FieldBinding.of("c1", "f"));
    }

    /** Verifies that moving a character between case id and field gives different bytes. */
    @Test
    void testEncodingIsUnambiguous() {
        assertFalse(Arrays.equals(FieldBinding.of("ab", "c"), FieldBinding.of("a", "bc")));
    }

    /** Verifies that empty or oversized parts are rejected. */
    @Test
    void testOfFailsForEmptyOrOversizedParts() {
        assertThrows(IllegalArgumentException.class, () -> FieldBinding.of("", "f"));
        assertThrows(IllegalArgumentException.class, () -> FieldBinding.of("c", "x".repeat(70000)));
    }
}
