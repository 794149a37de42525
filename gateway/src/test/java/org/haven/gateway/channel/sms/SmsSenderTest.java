package org.haven.gateway.channel.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.exception.RestException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.haven.bot.Option;
import org.haven.bot.render.SmsEncoding;
import org.haven.bot.script.ScriptCheck;
import org.haven.gateway.outbox.OutboundMessage;
import org.haven.gateway.outbox.SendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How the SMS sender classifies Twilio's answers and shapes message bodies. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmsSenderTest {

    private static ApiException fromTwilio(int status, Integer code) throws Exception {
        String json =
                "{\"code\": "
                        + code
                        + ", \"message\": \"The 'To' number +15145550199 is not valid\","
                        + " \"more_info\": \"https://www.twilio.com/docs/errors/"
                        + code
                        + "\", \"status\": "
                        + status
                        + "}";
        RestException rest =
                RestException.fromJson(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                        new ObjectMapper());
        return new ApiException(rest);
    }

    static Stream<Arguments> failures() throws Exception {
        return Stream.of(
                Arguments.of(
                        "server error",
                        fromTwilio(500, 20500),
                        SendResult.Kind.RETRYABLE,
                        "twilio_20500"),
                Arguments.of(
                        "bad gateway without code",
                        new ApiException("Server Error, no content", 502),
                        SendResult.Kind.RETRYABLE,
                        "http_502"),
                Arguments.of(
                        "too many requests",
                        fromTwilio(429, 20429),
                        SendResult.Kind.RATE_LIMITED,
                        "twilio_20429"),
                Arguments.of(
                        "unsubscribed recipient",
                        fromTwilio(400, 21610),
                        SendResult.Kind.RECIPIENT_STOPPED,
                        "twilio_21610"),
                Arguments.of(
                        "invalid number",
                        fromTwilio(400, 21211),
                        SendResult.Kind.PERMANENT,
                        "twilio_21211"),
                Arguments.of(
                        "bad credentials",
                        fromTwilio(401, 20003),
                        SendResult.Kind.PERMANENT,
                        "twilio_20003"),
                Arguments.of(
                        "unreachable",
                        new ApiConnectionException("Twilio API unreachable: ConnectException"),
                        SendResult.Kind.RETRYABLE,
                        "unreachable"),
                Arguments.of(
                        "anything else",
                        new IllegalStateException("boom"),
                        SendResult.Kind.RETRYABLE,
                        "IllegalStateException"));
    }

    /**
     * Verifies that each failure gets its kind, and a code that never carries the provider's text
     * (which may hold a number).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void testFailureIsClassified(String label, Throwable error, SendResult.Kind kind, String code) {
        SendResult.Failed f = SmsSender.classify(error);
        assertEquals(kind, f.kind(), label);
        assertEquals(code, f.code(), label);
    }

    /**
     * Verifies that a question goes out as one body with numbered options, and that a text over the
     * segment budget the intake check enforces is split into bodies within it (before, the sender
     * allowed ten segments while the check allowed three).
     */
    @Test
    void testBodiesNumberOptionsAndSplitAtScriptSegmentBudget() {
        OutboundMessage q =
                new OutboundMessage(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "+15145550199",
                        "Is it safe to talk now?",
                        List.of(new Option("yes", "Yes"), new Option("no", "No")),
                        "en",
                        false,
                        1);
        List<String> one = SmsSender.bodies(q);
        assertEquals(1, one.size());
        assertTrue(one.get(0).startsWith("Is it safe to talk now?\n1) Yes\n2) No"), one.get(0));

        String sentence = "This is a long reply from a coordinator, written with care. ";
        OutboundMessage longReply =
                new OutboundMessage(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "+15145550199",
                        sentence.repeat(40),
                        List.of(),
                        "en",
                        false,
                        1);
        List<String> parts = SmsSender.bodies(longReply);
        assertTrue(parts.size() > 1, "not split");
        assertTrue(parts.stream().allMatch(p -> p.length() <= SmsSender.MAX_BODY));
        assertTrue(
                parts.stream()
                        .allMatch(
                                p -> SmsEncoding.segments(p) <= ScriptCheck.DEFAULT_SEGMENT_BUDGET),
                parts.toString());
        OutboundMessage fiveSegments =
                new OutboundMessage(
                        UUID.randomUUID(),
                        UUID.randomUUID(),
                        "+15145550199",
                        sentence.repeat(12),
                        List.of(),
                        "en",
                        false,
                        1);
        assertEquals(
                2,
                SmsSender.bodies(fiveSegments).size(),
                "12 sentences are 5 segments: over the budget of 4");
    }
}
