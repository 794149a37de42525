package org.haven.gateway.resume;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.haven.crypto.Argon2Memory;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.ops.LowPriority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resume phrases prepared ahead, with their keys: Argon2id over a phrase costs tens of milliseconds
 * of a core, and a hand-off needs one at once. When many people finish their intakes together (a
 * campaign, the first minute after a deploy), deriving each in its step held a database connection
 * and both processors for seconds, and every other message waited (issue 24). Phrases depend on
 * nothing but their words and the server's hash secret, so one thread prepares them while the
 * gateway has time, per language, up to a set number; a step takes one in no time, and derives its
 * own only when the pool of its language is empty.
 *
 * <p>Prepared phrases live in this process's memory only, until a conversation takes one; whoever
 * can read the gateway's memory already holds the server keys that open every state. {@code
 * HAVEN_RESUME_PHRASES_PREPARED} sets the number per language (0: none, each derived in its step).
 */
public final class PhrasePool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhrasePool.class);

    /**
     * Phrases kept ready per language in use: a reserve for a surge. Up to this many hand-offs of
     * one language in a row (a campaign, a deploy's first minutes) run no Argon2id in their steps;
     * filling it takes about 45 s of one core, in the processors' idle time (nice 19), and about 1
     * MiB of memory.
     */
    public static final int DEFAULT_SIZE = 2048;

    /**
     * Phrases of the default language a gateway waits for before it reports ready (about 5 s of one
     * core): enough for the first minutes of a surge; the rest of the reserve fills after.
     */
    public static final int READY_SIZE = 256;

    /** A phrase, its canonical form and its keys. */
    public record Prepared(String phrase, String canonical, PhraseKeys keys) {}

    private final ResumeWords words;
    private final KeyedHash secret;
    private final int size;
    private final Map<String, Queue<Prepared>> ready = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final Set<String> filling = ConcurrentHashMap.newKeySet();

    /** Languages whose pool was full once: their refills are paced. */
    private final Set<String> filled = ConcurrentHashMap.newKeySet();

    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();
    private final ExecutorService worker;
    private final BooleanSupplier busy;

    /** The pool's thread's name (Linux shows its first 15 characters). */
    public static final String THREAD = "haven-phrase-pool";

    /** Argon2id's memory, reused by the pool's thread (and only by it) from phrase to phrase. */
    private final Argon2Memory memory;

    private volatile boolean closed;

    /**
     * @param words the phrase words
     * @param secret the server's hash secret, which salts a phrase's keys
     * @param size phrases kept ready per language in use (0: none)
     */
    public PhrasePool(ResumeWords words, KeyedHash secret, int size) {
        this(words, secret, size, () -> false);
    }

    /**
     * As {@link #PhrasePool(ResumeWords, KeyedHash, int)}; while {@code busy} says the gateway is
     * busy with messages, a refill waits for it to quieten, unless the pool has run dry.
     */
    public PhrasePool(ResumeWords words, KeyedHash secret, int size, BooleanSupplier busy) {
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
        this.words = words;
        this.secret = secret;
        this.size = size;
        this.busy = busy;
        this.memory = size == 0 ? null : new Argon2Memory(PhraseKeys.COST);
        this.worker =
                size == 0
                        ? null
                        : Executors.newSingleThreadExecutor(
                                r -> {
                                    Thread t = new Thread(() -> lowered(r), THREAD);
                                    t.setDaemon(true);
                                    t.setPriority(Thread.MIN_PRIORITY);
                                    return t;
                                });
    }

    /**
     * Runs the pool's thread at the lowest scheduling priority: its Argon2id takes the processors'
     * idle time, and gives way at once when messages want them.
     */
    private static void lowered(Runnable work) {
        boolean low = LowPriority.lowerThisThread();
        LOG.info("event=phrase_pool_thread nice={}", low ? LowPriority.NICE : "unchanged");
        work.run();
    }

    /** A prepared phrase of {@code language}, if one is ready; the pool then refills. */
    public Optional<Prepared> take(String language) {
        if (size == 0) {
            return Optional.empty();
        }
        Prepared p = queue(language).poll();
        if (p != null) {
            count(language).decrementAndGet();
            taken.incrementAndGet();
        } else {
            missed.incrementAndGet();
        }
        fill(language);
        return Optional.ofNullable(p);
    }

    /** A new phrase of {@code language} with its keys, derived on the caller's thread (slow). */
    public Prepared derive(String language) {
        return derive(language, null);
    }

    private Prepared derive(String language, Argon2Memory in) {
        String phrase = words.generate(language);
        String canonical = words.parse(phrase).orElseThrow().canonical();
        return new Prepared(phrase, canonical, PhraseKeys.derive(canonical, secret, in));
    }

    /**
     * Starts preparing phrases of {@code language}, unless that is under way or the pool is full.
     */
    public void fill(String language) {
        if (size == 0 || closed || count(language).get() >= size || !filling.add(language)) {
            return;
        }
        try {
            worker.execute(() -> refill(language));
        } catch (RejectedExecutionException e) {
            filling.remove(language); // closed meanwhile
        }
    }

    private void refill(String language) {
        long t0 = System.nanoTime();
        int made = 0;
        try {
            while (!closed && count(language).get() < size) {
                // a surge: while the gateway is busy with messages, its hand-offs take the
                // phrases in hand and the refill waits, so that no Argon2id runs beside the
                // messages (even at nice 19 it takes the moments the event loop waits for the
                // database). Only a pool that ran dry refills during a surge: its hand-offs derive
                // their own meanwhile.
                while (count(language).get() > 0 && busy.getAsBoolean()) {
                    Thread.sleep(5);
                }
                if (closed) {
                    break;
                }
                long start = System.nanoTime();
                queue(language).add(derive(language, memory));
                made++;
                int now = count(language).incrementAndGet();
                if (now >= size) {
                    filled.add(language);
                } else if (filled.contains(language) && now >= size / 4) {
                    // a refill with enough in hand for a wave of hand-offs takes half a processor
                    // at most (the first fill and a pool below a quarter go at full speed)
                    Thread.sleep(Math.max(1, (System.nanoTime() - start) / 1_000_000));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closed
        } catch (RuntimeException e) {
            LOG.warn(
                    "event=phrase_pool_failed language={} kind={}",
                    language,
                    e.getClass().getSimpleName());
        } finally {
            filling.remove(language);
        }
        if (made > 0) {
            LOG.info(
                    "event=phrase_pool_filled language={} prepared={} millis={}",
                    language,
                    made,
                    (System.nanoTime() - t0) / 1_000_000);
        }
        // a take between the loop's last check and the flag's removal
        if (!closed && count(language).get() < size) {
            fill(language);
        }
    }

    /** Phrases ready for {@code language} now. */
    public int available(String language) {
        return count(language).get();
    }

    /** Phrases taken from the pool so far. */
    public long taken() {
        return taken.get();
    }

    /** Phrases a step asked for when its language had none ready, so derived in the step. */
    public long missed() {
        return missed.get();
    }

    /**
     * Completes once {@code language} has {@code count} phrases ready (at most the pool's size), or
     * after {@code max} whatever it has: what a gateway waits for before it reports ready.
     */
    public Future<Void> primed(Vertx vertx, String language, int count, Duration max) {
        int want = Math.min(count, size);
        fill(language);
        Promise<Void> done = Promise.promise();
        long deadline = System.nanoTime() + max.toNanos();
        Runnable[] check = new Runnable[1];
        check[0] =
                () -> {
                    if (closed || available(language) >= want || System.nanoTime() > deadline) {
                        done.tryComplete();
                    } else {
                        vertx.setTimer(50, t -> check[0].run());
                    }
                };
        check[0].run();
        return done.future();
    }

    private Queue<Prepared> queue(String language) {
        return ready.computeIfAbsent(language, l -> new ConcurrentLinkedQueue<>());
    }

    private AtomicInteger count(String language) {
        return counts.computeIfAbsent(language, l -> new AtomicInteger());
    }

    /** Stops preparing and forgets what was prepared. */
    @Override
    public void close() {
        closed = true;
        if (worker != null) {
            worker.shutdownNow();
        }
        ready.values().forEach(Queue::clear);
        counts.values().forEach(c -> c.set(0));
    }
}
