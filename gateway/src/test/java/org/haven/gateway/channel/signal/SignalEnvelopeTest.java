package org.haven.gateway.channel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What Haven reads from signal-cli 0.14.6's envelopes (fixtures under {@code
 * payload/signal.receive.*.json}, shaped as JsonMessageEnvelope writes them), and how it reads the
 * events stream.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SignalEnvelopeTest {
    private static final String FIXTURE_ACI = "516e0002-1d2c-4b3a-8e9f-0a1b2c3d4e5f";

    /**
     * Verifies each fixture against what Haven takes from it: the kind, whose it is (the ACI where
     * given, never the number then), the text, the attachments and the group.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "text,        MESSAGE,      aci,    Hello,     0, false",
        "number_only, MESSAGE,      number, Hello,     0, false",
        "group,       MESSAGE,      aci,    Hello all, 0, true",
        "group_update, GROUP_UPDATE, aci,   '',        0, true",
        "voice_note,  MESSAGE,      aci,    '',        1, false",
        "reaction,    OTHER,        aci,    '',        0, false",
        "typing,      OTHER,        aci,    '',        0, false",
    })
    void testEnvelopeIsRead(
            String fixture,
            SignalEnvelope.Kind kind,
            String sender,
            String text,
            int attachments,
            boolean group)
            throws Exception {
        SignalEnvelope e = SignalEnvelope.parse(fixture(fixture)).orElseThrow();
        assertEquals(kind, e.kind());
        assertEquals(sender.equals("aci") ? FIXTURE_ACI : "+14165550142", e.sender());
        assertEquals(text, e.text());
        assertEquals(attachments, e.attachments());
        assertEquals(group, e.inGroup());
        assertEquals(String.valueOf(e.timestamp()), e.messageId());
    }

    /** Verifies that an envelope without a sender to answer, or not an envelope, is not used. */
    @Test
    void testEnvelopeWithoutSenderIsNotUsed() throws Exception {
        assertTrue(SignalEnvelope.parse(fixture("no_sender")).isEmpty());
        assertTrue(SignalEnvelope.parse(new JsonObject()).isEmpty());
        assertTrue(
                SignalEnvelope.parse(new JsonObject().put("envelope", "not an object")).isEmpty());
        assertTrue(
                SignalEnvelope.parse(
                                new JsonObject()
                                        .put(
                                                "envelope",
                                                new JsonObject()
                                                        .put("sourceUuid", FIXTURE_ACI)
                                                        .put("timestamp", "soon")))
                        .isEmpty());
    }

    /**
     * Verifies that the events stream is read as the SSE specification says: keep-alive comments
     * skipped, CRLF line ends, a space after the colon, data over several lines, events other than
     * {@code receive} ignored.
     */
    @Test
    void testEventStreamIsParsed() {
        List<JsonObject> events = new ArrayList<>();
        SignalEvents.Parser parser = new SignalEvents.Parser(events::add);
        String stream =
                ":\n"
                        + "event:receive\ndata:{\"a\":1}\n\n"
                        + ":\n"
                        + "event: receive\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\n"
                        + "event:other\ndata:{\"c\":3}\n\n"
                        + "data:{\"d\":4}\n\n";
        for (String line : stream.split("\n", -1)) {
            parser.line(Buffer.buffer(line, "UTF-8"));
        }
        assertEquals(List.of(new JsonObject().put("a", 1), new JsonObject().put("b", 2)), events);
    }

    private static JsonObject fixture(String name) throws Exception {
        try (InputStream in =
                SignalEnvelopeTest.class.getResourceAsStream(
                        "/payload/signal.receive." + name + ".json")) {
            return new JsonObject(
                    new String(
                            Optional.ofNullable(in).orElseThrow().readAllBytes(),
                            StandardCharsets.UTF_8));
        }
    }
}
