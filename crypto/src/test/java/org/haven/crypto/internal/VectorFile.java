package org.haven.crypto.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the test vector files under {@code src/test/resources/vectors}: lines {@code name = value},
 * records separated by blank lines, {@code #} comments.
 */
public final class VectorFile {
    private VectorFile() {}

    /** The records of {@code vectors/<name>}, in file order, skipping comment-only blocks. */
    public static List<Map<String, String>> read(String name) {
        try (InputStream in = VectorFile.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing vector file " + name);
            }
            List<Map<String, String>> records = new ArrayList<>();
            Map<String, String> current = new LinkedHashMap<>();
            for (String raw :
                    new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1)) {
                String line = raw.strip();
                if (line.startsWith("#")) {
                    continue;
                }
                if (line.isEmpty()) {
                    if (!current.isEmpty()) {
                        records.add(current);
                        current = new LinkedHashMap<>();
                    }
                    continue;
                }
                int eq = line.indexOf('=');
                current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
            if (!current.isEmpty()) {
                records.add(current);
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hex field of a record as bytes. */
    public static byte[] hex(Map<String, String> record, String field) {
        String value = record.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing field " + field);
        }
        return Bytes.unhex(value);
    }
}
