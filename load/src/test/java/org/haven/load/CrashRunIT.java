package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shortened crash-safety run, against the gateway jar this build packaged. */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CrashRunIT {

    /**
     * Verifies that {@code scripts/crash.sh --quick} (two SIGKILLs under SMS load) passes every
     * check, and that neither the gateway's log nor the run's output holds a number, a message text
     * or the webhook token.
     */
    @Test
    void testQuickCrashRunPassesAndLogsNothingPersonal() throws Exception {
        ScriptRun.Result r = ScriptRun.run(Duration.ofMinutes(5), "scripts/crash.sh", "--quick");
        try {
            assertEquals(
                    0, r.exit(), "scripts/crash.sh --quick failed; its output:\n" + r.output());
            assertTrue(
                    r.output().contains("checks   passed"),
                    "the run did not check anything:\n" + r.output());
            ScriptRun.assertLogsHoldNothingPersonal(r);
        } finally {
            ScriptRun.cleanUp(r);
        }
    }
}
