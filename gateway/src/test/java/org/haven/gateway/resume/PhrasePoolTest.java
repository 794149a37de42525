package org.haven.gateway.resume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.haven.crypto.KeyedHash;
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

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    }
}
