package org.haven.load;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Inbound SMS as Twilio posts them to {@code /webhooks/twilio/sms}: form parameters, signed with
 * {@code X-Twilio-Signature} = base64(HMAC-SHA1(auth token, public URL + path + the parameters
 * sorted by name, each name followed by its value)). Sent open loop at a fixed rate, spread over
 * many fictional numbers (+1 555 01x xxxx), each running the default intake.
 */
final class SmsLoad {
    static final String PATH = "/webhooks/twilio/sms";
    private static final List<String> SAYS =
            Stream.of(Stream.of(Script.SMS_FIRST), Script.INTAKE.stream(), Script.AFTER.stream())
                    .flatMap(s -> s)
                    .toList();

    private final Vertx vertx;
    private final HttpClient http;
    private final String host;
    private final int port;
    private final String accountSid;
    private final Mac mac;
    private final String signedUrl;
    private final double rate;
    private final long[] numbers;
    private final int[] steps;
    private static final long FIRST_NUMBER = 5550100000L;
    private volatile long nextNumber = FIRST_NUMBER;
    private long started;
    private long sentSoFar;
    private int cursor;
    private volatile boolean running = true;
    final Stats stats = new Stats("sms");

    /** Every webhook answered 200, as sent (body and signature), for a replay. */
    final Queue<String[]> acked = new ConcurrentLinkedQueue<>();

    /** Every webhook not answered 200 (while acknowledged ones are kept), as sent. */
    final Queue<String> refused = new ConcurrentLinkedQueue<>();

    private volatile boolean keepAcked;

    /**
     * Per number, whether its last message is still unanswered (only with {@link
     * #keepContactOrder}).
     */
    private AtomicIntegerArray inFlight;

    /** Webhooks sent and not yet answered or failed. */
    private final AtomicInteger outstanding = new AtomicInteger();

    /** Turns a number's message was held back because its previous one was still unanswered. */
    final AtomicLong held = new AtomicLong();

    SmsLoad(
            Vertx vertx,
            String host,
            int port,
            String accountSid,
            String authToken,
            String publicUrl,
            double rate)
            throws Exception {
        this.vertx = vertx;
        this.http =
                vertx.createHttpClient(
                        new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
                        new PoolOptions().setHttp1MaxSize(32).setMaxWaitQueueSize(-1));
        this.host = host;
        this.port = port;
        this.accountSid = accountSid;
        this.mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        this.signedUrl = publicUrl.replaceAll("/+$", "") + PATH;
        this.rate = rate;
        int pool = Math.max(8, (int) Math.ceil(rate * 2));
        this.numbers = new long[pool];
        this.steps = new int[pool];
        for (int i = 0; i < pool; i++) {
            numbers[i] = nextNumber++;
        }
    }

    /**
     * Posts an unsigned request: 404 means the gateway has no SMS route, 403 that it has one (and
     * checks signatures).
     */
    static int probe(Vertx vertx, String host, int port) throws Exception {
        HttpClient c = vertx.createHttpClient();
        try {
            return c.request(
                            new RequestOptions()
                                    .setMethod(HttpMethod.POST)
                                    .setHost(host)
                                    .setPort(port)
                                    .setURI(PATH))
                    .compose(
                            req ->
                                    req.putHeader(
                                                    "Content-Type",
                                                    "application/x-www-form-urlencoded")
                                            .send("Body=probe"))
                    .map(r -> r.statusCode())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
        } finally {
            c.close();
        }
    }

    void start() {
        started = System.nanoTime();
        vertx.setPeriodic(
                2,
                id -> {
                    if (!running) {
                        vertx.cancelTimer(id);
                        return;
                    }
                    long due = (long) ((System.nanoTime() - started) / 1e9 * rate);
                    while (sentSoFar < due) {
                        send(started + (long) (sentSoFar * 1e9 / rate));
                        sentSoFar++;
                    }
                });
    }

    void stop() {
        running = false;
        stats.stop();
    }

    /**
     * Waits until every webhook sent so far is answered or has failed (a slow gateway may hold many
     * after {@link #stop}), up to {@code millis}: a replay that starts earlier sees their first,
     * new arrivals in the log as if they were replays found new.
     *
     * @return whether none is outstanding
     */
    boolean awaitSettled(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return outstanding.get() == 0;
    }

    /** Keeps every acknowledged webhook for {@link #replay} (and every refused one). */
    void keepAcknowledged() {
        keepAcked = true;
    }

    /**
     * Sends a number's next message only once its previous one was answered, as a person answers
     * after reading the question (and as Twilio, which does not order concurrent webhooks, would
     * need for a per-contact order check): a number still waiting skips its turn. Call before
     * {@link #start}.
     */
    void keepContactOrder() {
        inFlight = new AtomicIntegerArray(numbers.length);
    }

    /** Every number that has sent so far, as the webhooks' {@code From}. */
    List<String> numbersUsed() {
        return LongStream.range(FIRST_NUMBER, nextNumber).mapToObj(n -> "+1" + n).toList();
    }

    /**
     * What a replay got back: how many webhooks were answered 200 at the first try, how many only
     * after being refused (non-200 or a failed connection) and posted again, and how many were
     * still refused after the last try; {@code firstRefusals} names each kind of refusal seen (HTTP
     * status or exception class) with its count.
     */
    record Replayed(
            int answeredFirst,
            int answeredOnRetry,
            int unresolved,
            Map<String, Integer> firstRefusals) {
        int answered() {
            return answeredFirst + answeredOnRetry;
        }
    }

    /** How long a replayed webhook may wait for its answer: Twilio's limit. */
    private static final long REPLAY_ANSWER_MILLIS = 15_000;

    /**
     * Posts the given webhooks again, exactly as first sent, a few at a time. A webhook refused (a
     * status other than 200, or a connection that failed) is posted again after a second, up to
     * {@code tries} times in all, as Twilio retries a failed webhook.
     */
    Replayed replay(List<String[]> requests, int tries) throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger retried = new AtomicInteger();
        AtomicInteger unresolved = new AtomicInteger();
        Map<String, Integer> refusals = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(16);
        CountDownLatch done = new CountDownLatch(requests.size());
        for (String[] r : requests) {
            inFlight.acquire();
            // on a Vert.x context: chained from this thread, an answer arriving between two steps
            // of the chain, before its body was asked for, would never complete (and the webhook
            // would count as unanswered)
            vertx.runOnContext(
                    v ->
                            post(r, tries, 1, refusals)
                                    .onComplete(
                                            ar -> {
                                                int attempt = ar.succeeded() ? ar.result() : 0;
                                                if (attempt == 1) {
                                                    first.incrementAndGet();
                                                } else if (attempt > 1) {
                                                    retried.incrementAndGet();
                                                } else {
                                                    unresolved.incrementAndGet();
                                                }
                                                inFlight.release();
                                                done.countDown();
                                            }));
        }
        if (!done.await(180, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the replay did not finish within 180 s");
        }
        return new Replayed(first.get(), retried.get(), unresolved.get(), new TreeMap<>(refusals));
    }

    /** Posts one webhook; completes with the attempt that was answered 200, or 0 when none was. */
    private Future<Integer> post(
            String[] r, int tries, int attempt, Map<String, Integer> refusals) {
        return http.request(
                        new RequestOptions()
                                .setMethod(HttpMethod.POST)
                                .setHost(host)
                                .setPort(port)
                                .setURI(PATH)
                                // as Twilio: a webhook not answered within 15 s failed, and is
                                // posted again (counted among the refusals as a timeout)
                                .setIdleTimeout(REPLAY_ANSWER_MILLIS))
                .compose(
                        req ->
                                req.putHeader(
                                                "Content-Type",
                                                "application/x-www-form-urlencoded; charset=UTF-8")
                                        .putHeader("X-Twilio-Signature", r[1])
                                        .send(Buffer.buffer(r[0])))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .transform(
                        ar -> {
                            if (ar.succeeded() && ar.result() == 200) {
                                return Future.succeededFuture(attempt);
                            }
                            if (attempt == 1) {
                                refusals.merge(
                                        ar.failed()
                                                ? "io_" + ar.cause().getClass().getSimpleName()
                                                : "http_" + ar.result(),
                                        1,
                                        Integer::sum);
                            }
                            if (attempt == tries) {
                                return Future.succeededFuture(0);
                            }
                            Promise<Integer> later = Promise.promise();
                            vertx.setTimer(
                                    1000,
                                    t -> post(r, tries, attempt + 1, refusals).onComplete(later));
                            return later.future();
                        });
    }

    private void send(long dueNanos) {
        int i = cursor++ % numbers.length;
        AtomicIntegerArray waiting = inFlight;
        if (waiting != null && !waiting.compareAndSet(i, 0, 1)) {
            held.incrementAndGet();
            return;
        }
        String text = SAYS.get(steps[i]);
        String from = "+1" + numbers[i];
        if (++steps[i] == SAYS.size()) {
            steps[i] = 0;
            numbers[i] = nextNumber++;
        }
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("ToCountry", "CA");
        form.put("SmsMessageSid", sid);
        form.put("NumMedia", "0");
        form.put("SmsSid", sid);
        form.put("SmsStatus", "received");
        form.put("Body", text);
        form.put("FromCountry", "CA");
        form.put("To", "+15145550100");
        form.put("NumSegments", "1");
        form.put("MessageSid", sid);
        form.put("AccountSid", accountSid);
        form.put("From", from);
        form.put("ApiVersion", "2010-04-01");
        StringBuilder body = new StringBuilder();
        form.forEach(
                (k, v) ->
                        body.append(body.length() == 0 ? "" : "&")
                                .append(enc(k))
                                .append('=')
                                .append(enc(v)));
        String signature = sign(form);
        stats.sent();
        outstanding.incrementAndGet();
        http.request(
                        new RequestOptions()
                                .setMethod(HttpMethod.POST)
                                .setHost(host)
                                .setPort(port)
                                .setURI(PATH))
                .compose(
                        req ->
                                req.putHeader(
                                                "Content-Type",
                                                "application/x-www-form-urlencoded; charset=UTF-8")
                                        .putHeader("X-Twilio-Signature", signature)
                                        .send(Buffer.buffer(body.toString())))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(
                        ar -> {
                            if (waiting != null) {
                                waiting.set(i, 0);
                            }
                            if (ar.failed() || ar.result() != 200) {
                                stats.error(
                                        ar.failed()
                                                ? "io_" + ar.cause().getClass().getSimpleName()
                                                : "http_" + ar.result());
                                if (keepAcked) {
                                    refused.add(body.toString());
                                }
                            } else {
                                stats.done(dueNanos);
                                if (keepAcked) {
                                    acked.add(new String[] {body.toString(), signature});
                                }
                            }
                            outstanding.decrementAndGet(); // last: once it is zero, every answer is
                            // counted
                        });
    }

    private synchronized String sign(Map<String, String> form) {
        StringBuilder data = new StringBuilder(signedUrl);
        new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
        return Base64.getEncoder()
                .encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
