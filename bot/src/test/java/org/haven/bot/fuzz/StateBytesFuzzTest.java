package org.haven.bot.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import org.haven.bot.ConversationState;
import org.haven.bot.Engine;
import org.haven.bot.EngineSettings;
import org.haven.bot.Intake;

/** Coverage-guided fuzzing of the stored conversation state format. */
class StateBytesFuzzTest {
    private static final Engine ENGINE =
            new Engine(Intake.defaultIntake(), EngineSettings.defaults());

    /**
     * Verifies that {@link ConversationState#fromBytes} on any bytes either throws {@link
     * IllegalArgumentException} or returns a state that round-trips and that the engine can take a
     * step from; any other exception fails the test.
     */
    @FuzzTest(maxDuration = "10s")
    void testFromBytesThrowsOnlyIllegalArgument(byte[] bytes) {
        ConversationState state;
        try {
            state = ConversationState.fromBytes(bytes);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertEquals(state, ConversationState.fromBytes(state.toBytes()));
        ENGINE.step(state, "yes", Instant.ofEpochSecond(1_700_000_000L));
    }
}
