package org.haven.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A thread lowering its own scheduling priority, and what happens when it cannot. */
class LowPriorityTest {

    /**
     * Verifies that a thread that lowers itself runs at nice 19 as the kernel reports it, and that
     * the thread which started it keeps its own priority.
     */
    @Test
    void testThreadLowersItselfAndOnlyItself() throws Exception {
        int before = LowPriority.niceOf(LowPriority.threadId().orElseThrow()).orElseThrow();
        int[] seen =
                onOwnThread(
                        () -> {
                            boolean lowered = LowPriority.lowerThisThread();
                            long tid = LowPriority.threadId().orElseThrow();
                            return new int[] {
                                lowered ? 1 : 0, LowPriority.niceOf(tid).orElseThrow()
                            };
                        });
        assertEquals(1, seen[0], "renice did not report success");
        assertEquals(LowPriority.NICE, seen[1]);
        assertEquals(
                before,
                LowPriority.niceOf(LowPriority.threadId().orElseThrow()).orElseThrow(),
                "the caller's thread was lowered too");
    }

    /**
     * Verifies that without {@code renice} (a host or image that lacks it) the call says so and the
     * thread goes on at its priority, so that the phrase pool works as before.
     */
    @Test
    void testMissingReniceLeavesThePriorityAndSaysSo() throws Exception {
        int[] seen =
                onOwnThread(
                        () -> {
                            long tid = LowPriority.threadId().orElseThrow();
                            int before = LowPriority.niceOf(tid).orElseThrow();
                            boolean lowered = LowPriority.lowerThisThread("haven-no-such-renice");
                            return new int[] {
                                lowered ? 1 : 0, before, LowPriority.niceOf(tid).orElseThrow()
                            };
                        });
        assertFalse(seen[0] == 1, "reported lowered without renice");
        assertEquals(seen[1], seen[2], "the priority changed without renice");
        assertTrue(seen[2] < LowPriority.NICE);
    }

    /** Runs {@code work} on a fresh thread (a lowered thread cannot be raised back). */
    private static int[] onOwnThread(Supplier<int[]> work) throws Exception {
        CompletableFuture<int[]> result = new CompletableFuture<>();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                result.complete(work.get());
                            } catch (RuntimeException e) {
                                result.completeExceptionally(e);
                            }
                        });
        t.start();
        return result.get(30, TimeUnit.SECONDS);
    }
}
