package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The driver's warm-up against its in-process echo of the web chat protocol. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class DriverWarmUpTest {

    /**
     * Verifies that the warm-up's sockets open sessions and have their messages acknowledged by the
     * echo at about the rate asked (so the driver's whole client path runs), and that it ends when
     * asked.
     */
    @Test
    void testWarmUpRunsTheClientAgainstTheEcho() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            long acked = DriverWarmUp.run(vertx, 4, 20, 2);
            assertTrue(acked >= 20 && acked <= 60, "acknowledged: " + acked);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
