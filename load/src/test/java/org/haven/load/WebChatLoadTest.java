package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The web chat load's schedule: when its sockets reach the hand-off. */
class WebChatLoadTest {
    private static final int CYCLE = Script.INTAKE.size() + Script.AFTER.size();

    /**
     * Verifies that 150 sockets (300 messages a second) reach their hand-offs spread over the
     * message periods of the cycle, never more than a few in one period, while with {@code
     * lockstep} all 150 reach it in the same period.
     */
    @Test
    void testHandOffsFallEvenlyOverTheCycle() {
        int sockets = 150;
        Map<Integer, Integer> spread = handOffsPerPeriod(sockets, false);
        int most = spread.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(
                most <= (sockets + Script.INTAKE.size() - 1) / Script.INTAKE.size(),
                "hand-offs per period: " + spread);
        assertEquals(Script.INTAKE.size(), spread.size(), "periods with hand-offs: " + spread);

        Map<Integer, Integer> lockstep = handOffsPerPeriod(sockets, true);
        assertEquals(Map.of(Script.INTAKE.size() - 1, sockets), lockstep);
    }

    /** The first hand-off of every socket, counted by its message period within the cycle. */
    private static Map<Integer, Integer> handOffsPerPeriod(int sockets, boolean lockstep) {
        Map<Integer, Integer> perPeriod = new HashMap<>();
        for (int i = 0; i < sockets; i++) {
            int first = WebChatLoad.leavesAfter(i, sockets, lockstep);
            // the hand-off is the intake's last message of the first whole conversation
            int period = (first + Script.INTAKE.size() - 1) % CYCLE;
            perPeriod.merge(period, 1, Integer::sum);
        }
        return perPeriod;
    }
}
