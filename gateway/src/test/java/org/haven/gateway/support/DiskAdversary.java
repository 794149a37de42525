package org.haven.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.haven.crypto.ServerKeyring;

/**
 * What someone holding a copy of Haven's disk, database or backup, and the server keys, can do with
 * it: read every byte as text, and try the server keyring on every working ciphertext ({@code
 * HVNW}) found anywhere in the bytes, live rows and leftovers alike (old row versions in
 * PostgreSQL's heap and WAL files), with every associated data it can think of.
 */
public final class DiskAdversary {
    private static final byte[] WORKING = {'H', 'V', 'N', 'W', 1};

    /**
     * Each file's bytes as ISO-8859-1 text: one char per byte, so String's fast search finds byte
     * sequences.
     */
    private final List<String> files = new ArrayList<>();

    /**
     * Every regular file under {@code dir}, as bytes (unreadable files are skipped, as a thief
     * would).
     */
    public DiskAdversary addTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                try {
                    files.add(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                } catch (IOException gone) {
                    // a file removed while copying (a WAL segment recycled): what is gone is gone
                }
            }
        }
        return this;
    }

    /** A text or file the adversary also has (a dump, a backup file). */
    public DiskAdversary add(byte[] bytes) {
        files.add(new String(bytes, StandardCharsets.ISO_8859_1));
        return this;
    }

    /**
     * The secrets that occur as such in any of the bytes: as UTF-8, as hex of UTF-8 (a bytea in a
     * dump), or as UTF-16.
     */
    public List<String> inClear(Collection<String> secrets) {
        List<String> found = new ArrayList<>();
        for (String s : secrets) {
            String utf8 = bytes(s.getBytes(StandardCharsets.UTF_8));
            String hex = DatabaseDump.hexOf(s);
            String utf16 = bytes(s.getBytes(StandardCharsets.UTF_16LE));
            if (files.stream()
                    .anyMatch(f -> f.contains(utf8) || f.contains(hex) || f.contains(utf16))) {
                found.add(s);
            }
        }
        return found;
    }

    /**
     * Every plaintext the keyring opens from a working ciphertext found in the bytes, trying each
     * of {@code associatedData} (the adversary builds them from the ids it reads in the database).
     * In PostgreSQL's files (heap, WAL) a value's length is in the header just before it (1 or 4
     * bytes); in a text dump a bytea is hex: both are read as the database would.
     */
    public List<String> decryptAll(ServerKeyring keyring, Collection<String> associatedData) {
        List<byte[]> aads =
                associatedData.stream().map(a -> a.getBytes(StandardCharsets.UTF_8)).toList();
        List<String> opened = new ArrayList<>();
        String magic = bytes(WORKING);
        String hexMagic = "48564e5701";
        for (String text : files) {
            byte[] f = text.getBytes(StandardCharsets.ISO_8859_1);
            for (int at = text.indexOf(magic); at >= 0; at = text.indexOf(magic, at + 1)) {
                for (int len : storedLengths(f, at)) {
                    String plain = open(keyring, Arrays.copyOfRange(f, at, at + len), aads);
                    if (plain != null) {
                        opened.add(plain);
                        break;
                    }
                }
            }
            for (int at = text.indexOf(hexMagic); at >= 0; at = text.indexOf(hexMagic, at + 1)) {
                int end = at;
                while (end < text.length() && Character.digit(text.charAt(end), 16) >= 0) {
                    end++;
                }
                byte[] bytes = HexFormat.of().parseHex(text.substring(at, at + ((end - at) & ~1)));
                String plain = open(keyring, bytes, aads);
                if (plain != null) {
                    opened.add(plain);
                }
            }
        }
        return opened;
    }

    /**
     * The lengths a value starting at {@code at} may have, read from a PostgreSQL varlena header
     * before it.
     */
    private static List<Integer> storedLengths(byte[] f, int at) {
        List<Integer> lengths = new ArrayList<>();
        if (at >= 1 && (f[at - 1] & 1) == 1) {
            lengths.add(((f[at - 1] & 0xff) >>> 1) - 1); // short header: total length in 7 bits
        }
        if (at >= 4) {
            long header =
                    (f[at - 4] & 0xffL)
                            | (f[at - 3] & 0xffL) << 8
                            | (f[at - 2] & 0xffL) << 16
                            | (f[at - 1] & 0xffL) << 24;
            lengths.add(
                    (int) ((header >>> 2) & 0x3fffffff)
                            - 4); // long header: total length in 30 bits
        }
        return lengths.stream().filter(n -> n >= 37 && at + n <= f.length).toList();
    }

    private static String open(ServerKeyring keyring, byte[] candidate, List<byte[]> aads) {
        for (byte[] aad : aads) {
            try {
                return new String(keyring.decrypt(candidate, aad), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException wrong) {
                // not this associated data (or not a whole value)
            }
        }
        return null;
    }

    private static String bytes(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
