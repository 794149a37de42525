package org.haven.bot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.haven.bot.ConversationState;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;
import org.haven.bot.Turn;

/**
 * Coverage-guided fuzzing of the dialogue engine. Without {@code JAZZER_FUZZ} these run the
 * committed seeds under {@code src/test/resources/org/haven/bot/fuzz/EngineFuzzTestInputs/}; {@code
 * scripts/fuzz.sh} fuzzes for a set time and adds what it finds there.
 */
class EngineFuzzTest {
    private static final Engine ENGINE =
            new Engine(
                    Intake.defaultIntake(),
                    new EngineSettings("bluebird", EngineSettings.DEFAULT_RESUME_WINDOW));
    // answers and keywords of the default script, so the fuzzer gets deep into the intake quickly
    private static final List<String> WORDS =
            List.of(
                    "yes",
                    "no",
                    "en",
                    "fr",
                    "ar",
                    "es",
                    "fa",
                    "survivor",
                    "family",
                    "agency",
                    "torture",
                    "genocide",
                    "war_crimes",
                    "Syria",
                    "2014",
                    "refugee",
                    "none",
                    "phone",
                    "Toronto",
                    "Montreal",
                    "STOP",
                    "START",
                    "HELP",
                    "AIDE",
                    "RESTART",
                    "DELETE",
                    "HUMAN",
                    "LANGUAGE",
                    "SKIP",
                    "PAUSE",
                    "ARRET",
                    "bluebird",
                    "1",
                    "2",
                    "3",
                    "10",
                    "0",
                    "",
                    " ");
    private static final List<String> CHANNELS = List.of("sms", "telegram", "webchat");

    /**
     * Verifies that any sequence of inputs, at any state and any time, yields a turn (never an
     * exception), and that every state survives a serialised round trip unchanged.
     */
    @FuzzTest(maxDuration = "10s")
    void testEngineAnswersAnyInputAtAnyState(FuzzedDataProvider data) {
        Instant now = Instant.ofEpochSecond(1_700_000_000L + data.consumeInt(0, 1_000_000));
        String channel = data.pickValue(CHANNELS);
        Turn turn =
                data.consumeBoolean()
                        ? ENGINE.start(channel, now)
                        : ENGINE.open(channel, input(data), now);
        int steps = data.consumeInt(0, 40);
        for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
            ConversationState state = roundTrip(turn.state());
            // now and then a long silence (resume window, expiry) or a clock that went backwards
            now =
                    now.plusSeconds(
                            data.consumeBoolean()
                                    ? data.consumeInt(-60, 120)
                                    : data.consumeInt(0, 30 * 86_400));
            turn = ENGINE.step(state, input(data), now);
            assertNotNull(turn.replies());
            assertNotNull(turn.events());
        }
        roundTrip(turn.state());
    }

    /**
     * Verifies that a state read from bytes it wrote is the same state, and wrote the same bytes.
     */
    private static ConversationState roundTrip(ConversationState state) {
        byte[] bytes = state.toBytes();
        ConversationState back = ConversationState.fromBytes(bytes);
        assertEquals(state, back);
        assertEquals(
                new String(bytes, StandardCharsets.UTF_8),
                new String(back.toBytes(), StandardCharsets.UTF_8));
        return back;
    }

    private static String input(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeString(200);
            case 1 -> data.pickValue(WORDS).toLowerCase(Locale.ROOT);
            default -> data.pickValue(WORDS);
        };
    }
}
