package org.haven.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The passphrase pool's lanes, with tasks that hold their thread until released (as a flood's
 * Argon2id runs would): a flood from unknown clients cannot take the thread a known device's check
 * runs on.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class PassphraseWorkTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /**
     * Verifies that while unknown clients' checks hold every thread they may have (and more wait),
     * a check from a known device runs at once, and a further unknown client's check waits; all run
     * once the flood's are released.
     */
    @Test
    void testAFloodFromUnknownClientsLeavesAThreadToKnownDevices() throws Exception {
        PassphraseWork work = PassphraseWork.of(vertx);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> flood = new ArrayList<>();
        for (int i = 0; i < PassphraseWork.size() + 2; i++) {
            flood.add(
                    work.run(
                            "203.0.113." + (i + 1),
                            () -> {
                                release.await();
                                return "flood";
                            }));
        }
        CountDownLatch knownRan = new CountDownLatch(1);
        Future<String> known =
                work.run(
                        "device:usual-browser",
                        () -> {
                            knownRan.countDown();
                            return "known";
                        });
        CountDownLatch unknownRan = new CountDownLatch(1);
        Future<String> unknown =
                work.run(
                        "198.51.100.1",
                        () -> {
                            unknownRan.countDown();
                            return "unknown";
                        });
        assertTrue(
                knownRan.await(10, TimeUnit.SECONDS),
                "the known device's check waited behind the flood");
        assertFalse(
                unknownRan.await(200, TimeUnit.MILLISECONDS),
                "an unknown client's check overtook the flood");
        release.countDown();
        assertEquals(
                "known", known.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(
                "unknown",
                unknown.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        for (Future<String> f : flood) {
            assertEquals(
                    "flood", f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        }
        assertTrue(work.threads() <= PassphraseWork.maxThreads(), "threads: " + work.threads());
    }

    /**
     * Verifies that the pool's threads keep Argon2id's working memory from one run to the next (the
     * same memory for two runs from one client, whose runs share the open lane's thread on one
     * processor or take any), and that no other thread has one: a run there allocates its own.
     */
    @Test
    void testPoolThreadsKeepTheirWorkingMemory() throws Exception {
        PassphraseWork work = PassphraseWork.of(vertx);
        assertNull(PassphraseWork.memory(), "a thread outside the pool has working memory");
        Set<Object> seen = ConcurrentHashMap.newKeySet();
        int runs = 3 * PassphraseWork.maxThreads();
        for (int i = 0; i < runs; i++) {
            Object memory =
                    work.run("203.0.113.9", PassphraseWork::memory)
                            .toCompletionStage()
                            .toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
            assertNotNull(memory, "a pool thread without working memory");
            seen.add(memory);
        }
        assertTrue(
                seen.size() <= PassphraseWork.maxThreads(),
                runs + " runs used " + seen.size() + " memories: one per run, not per thread");
    }
}
