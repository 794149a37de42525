package org.haven.gateway.channel.twilio;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The form Twilio posts to a webhook, parsed strictly as application/x-www-form-urlencoded: byte
 * for byte as Twilio signed it, refusing bad percent-escapes and bytes that are not UTF-8.
 */
public final class TwilioForm {
    private TwilioForm() {}

    /**
     * Strict application/x-www-form-urlencoded parsing: null on bad percent-escapes or bytes that
     * are not UTF-8.
     */
    public static Map<String, String> parse(Buffer body) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.length() == 0) {
            return out;
        }
        byte[] raw = body.getBytes();
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == '&') {
                if (i > start) {
                    int eq = start;
                    while (eq < i && raw[eq] != '=') {
                        eq++;
                    }
                    String name = decode(raw, start, eq);
                    String value = eq < i ? decode(raw, eq + 1, i) : "";
                    if (name == null || value == null) {
                        return null;
                    }
                    out.putIfAbsent(name, value);
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static String decode(byte[] raw, int from, int to) {
        ByteBuffer bytes = ByteBuffer.allocate(to - from);
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '+') {
                bytes.put((byte) ' ');
            } else if (b == '%') {
                if (i + 2 >= to) {
                    return null;
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi * 16 + lo));
                i += 2;
            } else {
                bytes.put(b);
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
