package org.haven.gateway.channel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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

    /**
     * Verifies that a message's files are read as signal-cli lists them (id, content type, declared
     * size), a long text's own attachment left out, and that every file the daemon stored for the
     * envelope (link preview image, quoted thumbnail, long text) is listed for deletion, while an
     * id that would leave the attachments directory is not.
     */
    @Test
    void testFilesAndStoredIdsAreRead() throws Exception {
        SignalEnvelope voice = SignalEnvelope.parse(fixture("voice_note")).orElseThrow();
        assertEquals(
                List.of(new SignalEnvelope.File("Ab3dE5fG7hI9jK1lM3nO.aac", "audio/aac", 48213)),
                voice.files());
        assertEquals(List.of("Ab3dE5fG7hI9jK1lM3nO.aac"), voice.stored());

        JsonObject photo = FakeSignalCli.attachment("Ph0to.jpg", "image/jpeg", "a.jpg", 10);
        JsonObject longText =
                FakeSignalCli.attachment("LongT.txt", SignalEnvelope.LONG_TEXT, null, 5000);
        JsonObject escape = FakeSignalCli.attachment("..", "image/jpeg", null, 10);
        JsonObject event =
                FakeSignalCli.withFiles(
                        FIXTURE_ACI, null, 1_765_000_000_500L, "words", photo, longText, escape);
        JsonObject data = event.getJsonObject("envelope").getJsonObject("dataMessage");
        data.put(
                "previews",
                new JsonArray()
                        .add(
                                new JsonObject()
                                        .put("url", "https://example.org")
                                        .put(
                                                "image",
                                                FakeSignalCli.attachment(
                                                        "PrevI.png", "image/png", null, 99))));
        data.put(
                "quote",
                new JsonObject()
                        .put("id", 1_765_000_000_100L)
                        .put(
                                "attachments",
                                new JsonArray()
                                        .add(
                                                new JsonObject()
                                                        .put("contentType", "image/jpeg")
                                                        .put("filename", "q.jpg")
                                                        .put(
                                                                "thumbnail",
                                                                FakeSignalCli.attachment(
                                                                        "Thumb.jpg",
                                                                        "image/jpeg",
                                                                        null,
                                                                        9)))));
        SignalEnvelope e = SignalEnvelope.parse(event).orElseThrow();
        assertEquals(
                List.of("Ph0to.jpg", ""),
                e.files().stream().map(SignalEnvelope.File::id).toList(),
                "the long text taken as a file, or the escaping id kept");
        assertEquals(
                List.of("Ph0to.jpg", "LongT.txt", "PrevI.png", "Thumb.jpg"),
                e.stored().stream().sorted((a, b) -> order(a) - order(b)).toList());
    }

    private static int order(String id) {
        return List.of("Ph0to.jpg", "LongT.txt", "PrevI.png", "Thumb.jpg").indexOf(id);
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
