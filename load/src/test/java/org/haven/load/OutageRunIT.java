package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shortened database outage run, against the gateway jar this build packaged. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class OutageRunIT {

    /**
     * Verifies that {@code scripts/outage.sh --quick} (PostgreSQL stopped for 8 s under SMS load)
     * passes every check, and that neither the gateway's log nor the run's output holds a number, a
     * message text or the webhook token.
     */
    @Test
    void testQuickOutageRunPassesAndLogsNothingPersonal() throws Exception {
        ScriptRun.Result r = ScriptRun.run(Duration.ofMinutes(4), "scripts/outage.sh", "--quick");
        try {
            assertEquals(
                    0, r.exit(), "scripts/outage.sh --quick failed; its output:\n" + r.output());
            assertTrue(
                    r.output().contains("checks   passed"),
                    "the run did not check anything:\n" + r.output());
            ScriptRun.assertLogsHoldNothingPersonal(r);
        } finally {
            ScriptRun.cleanUp(r);
        }
    }
}
