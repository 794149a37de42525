package org.haven.load;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Twilio's Messages API on loopback, so the gateway's outbox has somewhere to send under load
 * (nothing leaves the machine): every create is answered 201 with a minimal message resource.
 */
final class FakeTwilioApi {
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
    private HttpServer server;

    /** Messages the gateway sent. */
    final AtomicLong delivered;

    /**
     * With {@link #recordBodies}: per recipient ({@code To}), the bodies received, in arrival
     * order.
     */
    private final Map<String, List<String>> received = new ConcurrentHashMap<>();

    private volatile boolean record;

    private FakeTwilioApi() {
        this.delivered = new AtomicLong();
    }

    /**
     * Keeps every message body per recipient, in arrival order, for a check of the order replies
     * went out in.
     */
    void recordBodies() {
        record = true;
    }

    /** The bodies received per recipient so far (a copy). */
    Map<String, List<String>> received() {
        Map<String, List<String>> copy = new HashMap<>();
        received.forEach(
                (to, bodies) -> {
                    synchronized (bodies) {
                        copy.put(to, List.copyOf(bodies));
                    }
                });
        return copy;
    }

    private void keep(Buffer form) {
        Map<String, String> p = new HashMap<>();
        for (String pair : form.toString(StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                p.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        List<String> bodies =
                received.computeIfAbsent(String.valueOf(p.get("To")), k -> new ArrayList<>());
        synchronized (bodies) {
            bodies.add(p.getOrDefault("Body", ""));
        }
    }

    /**
     * The SMS settings of a gateway that sends to this fake for {@code accountSid}, verifying
     * webhooks with {@code token} and sending at most {@code perSecond} a second.
     */
    Map<String, String> gatewayEnv(String accountSid, String token, String perSecond) {
        Map<String, String> env = new HashMap<>();
        env.put("HAVEN_TWILIO_ACCOUNT_SID", accountSid);
        env.put("HAVEN_TWILIO_AUTH_TOKEN", token);
        env.put("HAVEN_TWILIO_FROM", "+15145550100");
        env.put("HAVEN_TWILIO_API_URL", url());
        env.put("HAVEN_TWILIO_MAX_PER_SECOND", perSecond);
        return env;
    }

    static FakeTwilioApi start(Vertx vertx, String accountSid) throws Exception {
        String path = "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
        FakeTwilioApi api = new FakeTwilioApi();
        api.server =
                vertx.createHttpServer()
                        .requestHandler(
                                req ->
                                        req.body()
                                                .onSuccess(
                                                        b -> {
                                                            if (!path.equals(req.path())) {
                                                                req.response()
                                                                        .setStatusCode(404)
                                                                        .putHeader(
                                                                                "Content-Type",
                                                                                "application/json")
                                                                        .end(
                                                                                new JsonObject()
                                                                                        .put(
                                                                                                "code",
                                                                                                20404)
                                                                                        .put(
                                                                                                "message",
                                                                                                "not found")
                                                                                        .put(
                                                                                                "status",
                                                                                                404)
                                                                                        .encode());
                                                                return;
                                                            }
                                                            api.delivered.incrementAndGet();
                                                            if (api.record) {
                                                                api.keep(b);
                                                            }
                                                            String sid =
                                                                    "SM"
                                                                            + UUID.randomUUID()
                                                                                    .toString()
                                                                                    .replace(
                                                                                            "-",
                                                                                            "");
                                                            String now =
                                                                    RFC_2822.format(
                                                                            ZonedDateTime.now(
                                                                                    ZoneOffset
                                                                                            .UTC));
                                                            String uri =
                                                                    "/2010-04-01/Accounts/"
                                                                            + accountSid
                                                                            + "/Messages/"
                                                                            + sid;
                                                            req.response()
                                                                    .setStatusCode(201)
                                                                    .putHeader(
                                                                            "Content-Type",
                                                                            "application/json")
                                                                    .end(
                                                                            new JsonObject()
                                                                                    .put(
                                                                                            "account_sid",
                                                                                            accountSid)
                                                                                    .put(
                                                                                            "api_version",
                                                                                            "2010-04-01")
                                                                                    .put("body", "")
                                                                                    .put(
                                                                                            "date_created",
                                                                                            now)
                                                                                    .put(
                                                                                            "date_sent",
                                                                                            null)
                                                                                    .put(
                                                                                            "date_updated",
                                                                                            now)
                                                                                    .put(
                                                                                            "direction",
                                                                                            "outbound-api")
                                                                                    .put(
                                                                                            "error_code",
                                                                                            null)
                                                                                    .put(
                                                                                            "error_message",
                                                                                            null)
                                                                                    .put(
                                                                                            "num_media",
                                                                                            "0")
                                                                                    .put(
                                                                                            "num_segments",
                                                                                            "1")
                                                                                    .put(
                                                                                            "price",
                                                                                            null)
                                                                                    .put(
                                                                                            "price_unit",
                                                                                            "USD")
                                                                                    .put("sid", sid)
                                                                                    .put(
                                                                                            "status",
                                                                                            "queued")
                                                                                    .put(
                                                                                            "uri",
                                                                                            uri
                                                                                                    + ".json")
                                                                                    .encode());
                                                        }))
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get();
        return api;
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }
}
