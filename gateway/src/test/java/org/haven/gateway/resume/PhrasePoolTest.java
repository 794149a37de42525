package org.haven.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.ops.LowPriority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Resume phrases prepared ahead by one background thread (issue 24). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PhrasePoolTest {
    private static final ResumeWords WORDS = ResumeWords.load();
    private static final KeyedHash SECRET = new KeyedHash(new byte[32]);

    /**
     * Verifies that a prepared phrase is one of its language, that its keys are exactly what
     * deriving its canonical form gives (what a person writing it back finds), and that the pool
     * refills to its size after a take.
     */
    @Test
    void testPreparedPhrasesOpenWhatTheirWordsDerive() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (PhrasePool pool = new PhrasePool(WORDS, SECRET, 3)) {
            await(pool.primed(vertx, "fr", 3, Duration.ofSeconds(60)));
            assertEquals(3, pool.available("fr"));
            assertEquals(0, pool.available("en"), "a language nobody used was prepared");
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                PhrasePool.Prepared p = pool.take("fr").orElseThrow();
                ResumeWords.Candidate parsed = WORDS.parse(p.phrase()).orElseThrow();
                for (String word : p.phrase().split(" ")) {
                    assertTrue(WORDS.list("fr").contains(word), p.phrase());
                }
                assertEquals(parsed.canonical(), p.canonical());
                PhraseKeys keys = PhraseKeys.derive(parsed.canonical(), SECRET);
                assertArrayEquals(keys.lookup(), p.keys().lookup());
                assertArrayEquals(keys.boxKey(), p.keys().boxKey());
                assertTrue(seen.add(p.phrase()), "the same phrase twice");
            }
            assertEquals(3, pool.taken());
            assertEquals(0, pool.missed());
            await(pool.primed(vertx, "fr", 3, Duration.ofSeconds(60)));
            assertEquals(3, pool.available("fr"), "did not refill");
        } finally {
            await(vertx.close());
        }
    }

    /**
     * Verifies that a gateway waiting for the first phrases of a large reserve gets them without
     * waiting for the whole reserve, which goes on filling by itself up to its size.
     */
    @Test
    void testPrimedWaitsForItsShareWhileTheReserveFills() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (PhrasePool pool = new PhrasePool(WORDS, SECRET, 40)) {
            await(pool.primed(vertx, "en", 2, Duration.ofSeconds(60)));
            int atReady = pool.available("en");
            assertTrue(atReady >= 2 && atReady < 40, "phrases when primed: " + atReady);
            await(pool.primed(vertx, "en", 40, Duration.ofSeconds(90)));
            assertEquals(40, pool.available("en"), "the reserve did not fill by itself");
            assertEquals(0, pool.missed());
        } finally {
            await(vertx.close());
        }
    }

    /**
     * Verifies that while the gateway is busy with messages a refill waits, phrases left or not
     * taken alike, and goes on once it is quiet; and that a pool that ran dry refills even while
     * busy (its hand-offs derive their own meanwhile).
     */
    @Test
    void testRefillWaitsWhileBusyUnlessThePoolRanDry() throws Exception {
        Vertx vertx = Vertx.vertx();
        AtomicBoolean busy = new AtomicBoolean();
        try (PhrasePool pool = new PhrasePool(WORDS, SECRET, 6, busy::get)) {
            await(pool.primed(vertx, "en", 6, Duration.ofSeconds(60)));
            busy.set(true);
            for (int i = 0; i < 3; i++) {
                assertTrue(pool.take("en").isPresent());
            }
            Thread.sleep(1_500); // about 60 phrases' time on an idle core
            assertEquals(3, pool.available("en"), "refilled beside a surge");
            busy.set(false);
            await(pool.primed(vertx, "en", 6, Duration.ofSeconds(60)));
            assertEquals(6, pool.available("en"), "did not refill once quiet");

            busy.set(true);
            while (pool.take("en").isPresent()) {
                // the surge takes every phrase
            }
            await(pool.primed(vertx, "en", 1, Duration.ofSeconds(60)));
            assertTrue(pool.available("en") >= 1, "a dry pool did not refill while busy");
            assertEquals(1, pool.missed());
        } finally {
            await(vertx.close());
        }
    }

    /**
     * Verifies that a take from an empty language counts as missed (the step derives its own) and
     * starts preparing that language; that a pool of size 0 prepares nothing; and that a closed
     * pool forgets what it prepared.
     */
    @Test
    void testEmptyLanguageIsMissedAndFilledAndClosingForgets() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            PhrasePool pool = new PhrasePool(WORDS, SECRET, 2);
            assertEquals(Optional.empty(), pool.take("es"));
            assertEquals(1, pool.missed());
            await(pool.primed(vertx, "es", 2, Duration.ofSeconds(60)));
            assertEquals(2, pool.available("es"));
            pool.close();
            assertEquals(0, pool.available("es"));
            assertEquals(Optional.empty(), pool.take("es"));

            try (PhrasePool none = new PhrasePool(WORDS, SECRET, 0)) {
                none.fill("en");
                assertEquals(Optional.empty(), none.take("en"));
                assertEquals(0, none.available("en"));
                PhrasePool.Prepared own = none.derive("en");
                assertNotEquals("", own.phrase());
            }
        } finally {
            await(vertx.close());
        }
    }

    /**
     * Verifies that the pool's thread runs at Linux's lowest priority (nice 19, as the kernel
     * reports it for that thread) while the test's own thread, and so the gateway's others, keep
     * theirs: its Argon2id gives way to messages on a busy machine.
     */
    @Test
    void testPoolThreadRunsAtTheLowestPriority() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (PhrasePool pool = new PhrasePool(WORDS, SECRET, 1)) {
            await(pool.primed(vertx, "en", 1, Duration.ofSeconds(60)));
            long tid = poolThread();
            assertEquals(LowPriority.NICE, LowPriority.niceOf(tid).orElseThrow());
            int mine = LowPriority.niceOf(LowPriority.threadId().orElseThrow()).orElseThrow();
            assertNotEquals(LowPriority.NICE, mine, "the caller's thread was lowered too");
        } finally {
            await(vertx.close());
        }
    }

    /** The kernel's id of this process's phrase pool thread (its name cut to 15 characters). */
    private static long poolThread() throws Exception {
        String comm = PhrasePool.THREAD.substring(0, 15);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try (BufferedReader in = Files.newBufferedReader(task.resolve("comm"))) {
                    if (comm.equals(in.readLine())) {
                        return Long.parseLong(task.getFileName().toString());
                    }
                }
            }
        }
        throw new AssertionError("no thread named " + comm);
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    }
}
