package org.haven.crypto.internal;

import java.io.ByteArrayOutputStream;

/** Big-endian writer for envelope headers. */
public final class ByteWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public ByteWriter u8(int value) {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("u8 out of range");
        }
        out.write(value);
        return this;
    }

    public ByteWriter u16(int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("u16 out of range");
        }
        out.write(value >>> 8);
        out.write(value);
        return this;
    }

    public ByteWriter u32(long value) {
        if (value < 0 || value > 0xffffffffL) {
            throw new IllegalArgumentException("u32 out of range");
        }
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    public ByteWriter bytes(byte[] value) {
        out.write(value, 0, value.length);
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
