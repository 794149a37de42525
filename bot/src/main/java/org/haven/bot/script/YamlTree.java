package org.haven.bot.script;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a small tree that remembers the line of every node, so that script errors can
 * say "file:line". Jackson's tree model drops locations, hence this.
 */
public final class YamlTree {

    private YamlTree() {}

    /** A node of the tree. */
    public sealed interface Node {
        /**
         * @return the 1-based line where the node starts
         */
        int line();
    }

    /**
     * A scalar; {@code value} is null for an explicit null or empty value.
     *
     * @param value the scalar text as written
     * @param line its line
     */
    public record Scalar(String value, int line) implements Node {}

    /**
     * A mapping with string keys, in document order.
     *
     * @param entries the entries
     * @param keyLines the line of each key
     * @param line the mapping's line
     */
    public record MapNode(Map<String, Node> entries, Map<String, Integer> keyLines, int line)
            implements Node {
        /**
         * @return the node for {@code key}, or null
         */
        public Node get(String key) {
            return entries.get(key);
        }
    }

    /**
     * A sequence.
     *
     * @param items the items
     * @param line its line
     */
    public record ListNode(List<Node> items, int line) implements Node {}

    /** A YAML syntax or structure problem at a line. */
    public static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;

        SyntaxError(String message, int line) {
            super(message);
            this.line = line;
        }

        /**
         * @return the line of the problem
         */
        public int line() {
            return line;
        }
    }

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /**
     * Parses one YAML document.
     *
     * @param content the YAML text
     * @return the root node
     * @throws SyntaxError on malformed YAML or duplicate keys
     */
    public static Node parse(String content) throws SyntaxError {
        try (JsonParser p = FACTORY.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return new MapNode(Map.of(), Map.of(), 1);
            }
            return read(p);
        } catch (SyntaxError e) {
            throw e;
        } catch (IOException e) {
            int line = 1;
            if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
                line = Math.max(1, jpe.getLocation().getLineNr());
            }
            String msg =
                    e.getMessage() == null
                            ? "malformed YAML"
                            : e.getMessage().lines().findFirst().orElse("malformed YAML");
            throw new SyntaxError("YAML syntax: " + msg, line);
        }
    }

    private static Node read(JsonParser p) throws IOException, SyntaxError {
        int line = Math.max(1, p.currentTokenLocation().getLineNr());
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Node> entries = new LinkedHashMap<>();
                Map<String, Integer> keyLines = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = Math.max(1, p.currentTokenLocation().getLineNr());
                    if (entries.containsKey(key)) {
                        throw new SyntaxError("duplicate key '" + key + "'", keyLine);
                    }
                    p.nextToken();
                    entries.put(key, read(p));
                    keyLines.put(key, keyLine);
                }
                return new MapNode(
                        Collections.unmodifiableMap(entries),
                        Collections.unmodifiableMap(keyLines),
                        line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(p));
                }
                return new ListNode(List.copyOf(items), line);
            }
            case VALUE_NULL -> {
                return new Scalar(null, line);
            }
            default -> {
                return new Scalar(p.getText(), line);
            }
        }
    }
}
