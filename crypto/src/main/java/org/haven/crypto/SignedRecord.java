package org.haven.crypto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.haven.crypto.internal.ByteWriter;

/**
 * The bytes a {@link Signer} signs: a label naming what the record is, then its fields, each
 * length-prefixed, so that no record of one kind can be read as another and no field can spill into
 * the next.
 *
 * <p>Encoding ({@code HVNS}, version 1; never stored, rebuilt from stored columns to verify):
 *
 * <pre>
 * "HVNS" || 0x01 || u8(len(L)) || L || u8(n) || n × ( u16(len(F_i)) || F_i )
 * </pre>
 *
 * <p>{@code L} is the label, 1 to 255 printable ASCII bytes (for example {@code
 * haven/team-key/v1}); {@code n} is the number of fields, 0 to 255; each field is 0 to 65535 bytes:
 * raw bytes, UTF-8 text, or a number as 8 bytes big-endian. The label fixes how many fields there
 * are and what each means; the encoding itself carries no types.
 */
public final class SignedRecord {
    static final byte[] MAGIC = {'H', 'V', 'N', 'S'};
    static final int VERSION = 1;
    static final int MAX_FIELDS = 255;
    static final int MAX_FIELD = 0xffff;

    private SignedRecord() {}

    /**
     * Starts a record labelled {@code label}.
     *
     * @throws IllegalArgumentException when the label is empty, longer than 255 bytes or not
     *     printable ASCII
     */
    public static Builder builder(String label) {
        if (label == null
                || label.isEmpty()
                || label.length() > 255
                || !label.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new IllegalArgumentException(
                    "record label must be 1 to 255 printable ASCII characters");
        }
        return new Builder(label.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether {@code bytes} begins like a record this class encodes (what a signer accepts). */
    static boolean looksLikeRecord(byte[] bytes) {
        if (bytes == null || bytes.length < 8 || bytes[4] != VERSION) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Adds fields in order, then {@link #encode()}. */
    public static final class Builder {
        private final byte[] label;
        private final List<byte[]> fields = new ArrayList<>();

        private Builder(byte[] label) {
            this.label = label;
        }

        /** A field of raw bytes (0 to 65535); null is the empty field. */
        public Builder bytes(byte[] value) {
            byte[] v = value == null ? new byte[0] : value.clone();
            if (v.length > MAX_FIELD) {
                throw new IllegalArgumentException("record field longer than 65535 bytes");
            }
            if (fields.size() == MAX_FIELDS) {
                throw new IllegalArgumentException("more than 255 record fields");
            }
            fields.add(v);
            return this;
        }

        /** A field of UTF-8 text; null is the empty field. */
        public Builder text(String value) {
            return bytes(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        /** A field holding a non-negative number as 8 bytes big-endian. */
        public Builder number(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("record numbers are not negative");
            }
            byte[] b = new byte[8];
            for (int i = 7; i >= 0; i--) {
                b[i] = (byte) value;
                value >>>= 8;
            }
            return bytes(b);
        }

        /** The encoded record. */
        public byte[] encode() {
            ByteWriter w =
                    new ByteWriter()
                            .bytes(MAGIC)
                            .u8(VERSION)
                            .u8(label.length)
                            .bytes(label)
                            .u8(fields.size());
            for (byte[] f : fields) {
                w.u16(f.length).bytes(f);
            }
            return w.toByteArray();
        }
    }
}
