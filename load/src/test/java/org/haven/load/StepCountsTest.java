package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link StepCounts}: the gateway's own count of committed steps, read from /metrics. */
class StepCountsTest {

    /**
     * Verifies that only successful steps are summed over channels, and that group commit's
     * transactions and their steps, the hand-offs that found no prepared resume phrase and the
     * phrases ready are read.
     */
    @Test
    void testParseSumsSuccessfulStepsAndReadsBatches() {
        String page =
                String.join(
                        "\n",
                        "# HELP haven_dialogue_step_seconds Dialogue step latency",
                        "haven_dialogue_step_seconds_count{channel=\"webchat\",outcome=\"ok\"} 120.0",
                        "haven_dialogue_step_seconds_count{channel=\"sms\",outcome=\"ok\"} 30.0",
                        "haven_dialogue_step_seconds_count{channel=\"sms\",outcome=\"error\"} 7.0",
                        "haven_step_batch_size_count 20.0",
                        "haven_step_batch_size_sum 140.0",
                        "haven_step_batch_size_max 8.0",
                        "haven_resume_phrases_missed_total 9.0",
                        "haven_resume_phrases_prepared 2048.0");
        StepCounts.Reading r = StepCounts.parse(page);
        assertEquals(new StepCounts.Reading(150, 20, 140, 9, 2048), r);
        assertEquals(
                "steps    committed by the gateway 7.5/s (its own count, warm-up backlog included);"
                        + " group commit: 1.0 transactions/s, 7.00 steps each;"
                        + " resume phrases derived in the step (none prepared): 7",
                StepCounts.report(new StepCounts.Reading(0, 0, 0, 2, 256), r, 20));
    }
}
