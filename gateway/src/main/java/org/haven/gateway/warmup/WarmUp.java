package org.haven.gateway.warmup;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.haven.bot.ConversationState;
import org.haven.bot.Engine;
import org.haven.bot.Reply;
import org.haven.bot.SyntheticPerson;
import org.haven.bot.Turn;
import org.haven.bot.render.SmsRenderer;
import org.haven.crypto.DataKey;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.ServerKeyring;
import org.haven.gateway.channel.twilio.TwilioSignature;
import org.haven.gateway.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a gateway's per-message hot path on synthetic data before it reports ready, so that the
 * first real messages after a start or a rolling deploy do not meet cold code (interpreted, not yet
 * compiled): whole intakes through the dialogue engine with their SMS rendering, the conversation
 * state's encryption, address hashing, a webhook signature, sealing an entry to recipients and
 * opening it, the database client's round trip, and HTTP requests through this gateway's own
 * server.
 *
 * <p>Nothing is stored: the keys are throwaway ones made here, the engine's turns and the sealed
 * bytes are dropped, the database is only asked {@code SELECT 1}, and the HTTP requests read the
 * liveness route and the web chat's page. {@code HAVEN_WARMUP_CONVERSATIONS} sets how many
 * synthetic intakes to run (0: none).
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    /** The default number of synthetic intakes: a few seconds of one core, enough to compile. */
    public static final int DEFAULT_CONVERSATIONS = 400;

    private static final int MAX_STEPS = 60;
    private static final SmsRenderer SMS = new SmsRenderer();
    private final Vertx vertx;
    private final Engine engine;
    private final int conversations;
    private volatile boolean done;

    private WarmUp(Vertx vertx, Engine engine, int conversations) {
        this.vertx = vertx;
        this.engine = engine;
        this.conversations = conversations;
        this.done = conversations == 0;
    }

    /**
     * @param settings the gateway's settings ({@code warmup_conversations})
     * @param vertx the gateway's Vert.x
     * @param engine the dialogue engine with the active script
     * @return the warm-up the settings ask for
     */
    public static WarmUp from(Settings settings, Vertx vertx, Engine engine) {
        return new WarmUp(
                vertx,
                engine,
                settings.intIn("warmup_conversations", DEFAULT_CONVERSATIONS, 0, 100_000));
    }

    /**
     * Whether the warm-up has finished (or there is none): until then, the gateway is not ready.
     */
    public boolean done() {
        return done;
    }

    /**
     * Runs the warm-up off the event loops, then the HTTP and database rounds. A failure of any
     * part ends the warm-up ({@code event=warmup_ended_early}): a gateway never stays unready for
     * it.
     *
     * @param port this gateway's HTTP port
     * @param ping a database round trip that stores nothing
     * @return completes when done
     */
    public Future<Void> run(int port, Supplier<Future<?>> ping) {
        return run(port, ping, Future::succeededFuture);
    }

    /**
     * As {@link #run(int, Supplier)}, and the gateway also waits for {@code alsoReady} (resume
     * phrases prepared ahead) before it reports ready.
     */
    public Future<Void> run(int port, Supplier<Future<?>> ping, Supplier<Future<?>> alsoReady) {
        if (done) {
            return Future.succeededFuture();
        }
        long t0 = System.nanoTime();
        return vertx.<Integer>executeBlocking(this::compute, false)
                .compose(steps -> rounds(port, ping).map(steps))
                .compose(steps -> alsoReady.get().map(steps))
                .transform(
                        ar -> {
                            done = true;
                            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                            if (ar.succeeded()) {
                                LOG.info(
                                        "event=warmup_done conversations={} steps={} millis={}",
                                        conversations,
                                        ar.result(),
                                        millis);
                            } else {
                                // not a fault of the gateway's (it stopping meanwhile, the
                                // database away): it serves, and reports ready, without
                                LOG.info(
                                        "event=warmup_ended_early kind={} millis={}",
                                        ar.cause().getClass().getSimpleName(),
                                        millis);
                            }
                            return Future.succeededFuture();
                        });
    }

    /** The CPU-bound part, on a worker thread; returns the dialogue steps taken. */
    private int compute() throws GeneralSecurityException {
        ServerKeyring keyring = ServerKeyring.generate();
        KeyedHash addresses = new KeyedHash(randomSecret()).derive("warmup");
        List<RecipientKeyPair> recipients =
                List.of(
                        RecipientKeyPair.generate(),
                        RecipientKeyPair.generate(),
                        RecipientKeyPair.generate());
        byte[] aad = "haven/warmup".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.now();
        int steps = 0;
        long sink = 0;
        for (int c = 0; c < conversations; c++) {
            String from = "+1555" + (1_000_000 + c);
            sink += addresses.hash(from).length;
            sink +=
                    TwilioSignature.sign(
                                    "warmup",
                                    "https://haven.invalid/sms",
                                    Map.of("From", from, "Body", "hello", "MessageSid", "SM" + c))
                            .length();
            Turn turn = engine.start("sms", now);
            for (int s = 0; s < MAX_STEPS && !turn.state().handedOff(); s++) {
                byte[] sealed = keyring.encrypt(turn.state().toBytes(), aad);
                ConversationState state = ConversationState.fromBytes(keyring.decrypt(sealed, aad));
                sink += render(turn.replies());
                turn = engine.step(state, SyntheticPerson.answer(turn.replies(), c, s), now);
                steps++;
            }
            DataKey entryKey = DataKey.generate();
            byte[] entry = entryKey.encrypt(("{\"warmup\":" + c + "}").getBytes(), aad);
            List<byte[]> grants = new ArrayList<>();
            for (RecipientKeyPair r : recipients) {
                grants.add(entryKey.sealTo(r.publicKey(), aad));
            }
            DataKey opened = DataKey.openSealed(grants.get(0), recipients.get(0).privateKey(), aad);
            sink += opened.decrypt(entry, aad).length;
            opened.destroy();
            entryKey.destroy();
        }
        if (sink == 42) {
            LOG.debug("event=warmup_sink"); // keeps the work from being optimised away
        }
        return steps;
    }

    private static long render(List<Reply> replies) {
        long n = 0;
        for (Reply r : replies) {
            n += SMS.render(r).size();
        }
        return n;
    }

    private static byte[] randomSecret() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /**
     * HTTP requests through this gateway's server, and database round trips: one after the other,
     * each started when the one before ended, and none after the first failure (the gateway
     * stopping).
     */
    private Future<Void> rounds(int port, Supplier<Future<?>> ping) {
        HttpClientAgent http =
                vertx.createHttpClient(
                        new HttpClientOptions()
                                .setDefaultHost("127.0.0.1")
                                .setDefaultPort(port)
                                .setKeepAlive(true),
                        new PoolOptions().setHttp1MaxSize(1));
        Promise<Void> all = Promise.promise();
        round(http, ping, 0, Math.min(2_000, conversations * 5), all);
        return all.future().eventually(http::close);
    }

    private void round(
            HttpClientAgent http, Supplier<Future<?>> ping, int i, int n, Promise<Void> all) {
        if (i == n) {
            all.complete();
            return;
        }
        http.request(HttpMethod.GET, i % 4 == 0 ? "/chat" : "/health/live")
                .compose(r -> r.send())
                .compose(HttpClientResponse::body)
                .compose(b -> ping.get())
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                all.fail(ar.cause());
                            } else {
                                round(http, ping, i + 1, n, all);
                            }
                        });
    }
}
