package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import org.haven.crypto.internal.ByteWriter;

/**
 * Builds the associated data that binds a field ciphertext to its case and field, so callers do not
 * invent AAD formats and ciphertexts cannot be swapped between cases or fields.
 *
 * <p>Encoding (unambiguous): ASCII "HVNF" (4 bytes), version 0x01, u16 big-endian length of the
 * UTF-8 case id, the case id, u16 big-endian length of the UTF-8 field name, the field name.
 */
public final class FieldBinding {
    private static final byte[] MAGIC = {'H', 'V', 'N', 'F'};

    private FieldBinding() {}

    /**
     * Associated data for {@code field} of case {@code caseId}.
     *
     * @throws IllegalArgumentException when either is empty or longer than 65535 UTF-8 bytes
     */
    public static byte[] of(String caseId, String field) {
        byte[] c = utf8(caseId, "caseId");
        byte[] f = utf8(field, "field");
        return new ByteWriter()
                .bytes(MAGIC)
                .u8(1)
                .u16(c.length)
                .bytes(c)
                .u16(f.length)
                .bytes(f)
                .toByteArray();
    }

    private static byte[] utf8(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException(name + " too long");
        }
        return bytes;
    }
}
