package org.haven.crypto.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Bounds-checked big-endian reader: every read past the end throws a checked {@link
 * GeneralSecurityException}, never an unchecked index exception.
 */
public final class ByteReader {
    private final byte[] in;
    private int position;

    public ByteReader(byte[] in) throws GeneralSecurityException {
        if (in == null) {
            throw new GeneralSecurityException("input is null");
        }
        this.in = in;
    }

    /** Checks the 4-byte magic and the 1-byte version that start every Haven envelope. */
    public ByteReader expectHeader(byte[] magic, int version, String what)
            throws GeneralSecurityException {
        byte[] got = bytes(magic.length);
        if (!Arrays.equals(got, magic)) {
            throw new GeneralSecurityException(what + ": bad magic bytes");
        }
        int v = u8();
        if (v != version) {
            throw new GeneralSecurityException(what + ": unsupported version " + v);
        }
        return this;
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return in.length - position;
    }

    private void need(int count) throws GeneralSecurityException {
        if (count < 0 || count > remaining()) {
            throw new GeneralSecurityException("truncated input");
        }
    }

    public int u8() throws GeneralSecurityException {
        need(1);
        return in[position++] & 0xff;
    }

    public int u16() throws GeneralSecurityException {
        need(2);
        int v = ((in[position] & 0xff) << 8) | (in[position + 1] & 0xff);
        position += 2;
        return v;
    }

    public long u32() throws GeneralSecurityException {
        need(4);
        long v =
                ((long) (in[position] & 0xff) << 24)
                        | ((in[position + 1] & 0xff) << 16)
                        | ((in[position + 2] & 0xff) << 8)
                        | (in[position + 3] & 0xff);
        position += 4;
        return v;
    }

    public byte[] bytes(int count) throws GeneralSecurityException {
        need(count);
        byte[] out = Arrays.copyOfRange(in, position, position + count);
        position += count;
        return out;
    }

    /** Everything read so far, e.g. a header to bind as associated data. */
    public byte[] consumed() {
        return Arrays.copyOfRange(in, 0, position);
    }

    public byte[] rest() {
        byte[] out = Arrays.copyOfRange(in, position, in.length);
        position = in.length;
        return out;
    }

    public void expectEnd() throws GeneralSecurityException {
        if (remaining() != 0) {
            throw new GeneralSecurityException("trailing bytes");
        }
    }
}
