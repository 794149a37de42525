package org.haven.gateway.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A stand-in for Twilio's REST API on loopback, speaking its wire format: {@code POST
 * /2010-04-01/Accounts/{AccountSid}/Messages.json} with form parameters and Basic auth, answered
 * 201 with a message resource (or a scripted error), and the media files of received messages as
 * Twilio holds them (served whole, stalled mid-body, chunked, or through a redirect to storage). It
 * records what the real SDK and the gateway's downloads sent.
 */
public final class FakeTwilio implements AutoCloseable {
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    /** One request as received, and the status it was answered with. */
    public record Received(
            String method,
            String path,
            String authorization,
            Map<String, String> params,
            int status,
            String sid,
            String version) {
        public String to() {
            return params.get("To");
        }

        public String body() {
            return params.get("Body");
        }

        /** The content template sent ({@code ContentSid}), or null for a free-form message. */
        public String contentSid() {
            return params.get("ContentSid");
        }

        /** The template's variables as Twilio received them, parsed; null if none were sent. */
        public JsonObject contentVariables() {
            String v = params.get("ContentVariables");
            return v == null ? null : new JsonObject(v);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final String accountSid;
    private volatile String authToken;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<int[]>> scripted = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Media> media = new ConcurrentHashMap<>();
    private final Map<String, byte[][]> storage = new ConcurrentHashMap<>();
    private final AtomicInteger abandoned = new AtomicInteger();
    private volatile boolean stallSends;

    /** How a media file is served. */
    public enum Serving {
        /** 200 with a Content-Length and the whole body. */
        WHOLE,
        /**
         * 200 with a Content-Length, half the body, then nothing more, the connection kept open.
         */
        STALLED,
        /** 200 in chunked transfer encoding (no Content-Length), in pieces. */
        CHUNKED,
        /**
         * 302 to Twilio's storage (a path of this fake, {@code /storage/<token>}), which serves it
         * whole to anyone holding the URL, as a signed URL is.
         */
        REDIRECTED
    }

    private record Media(String contentType, byte[] bytes, Serving serving) {}

    private FakeTwilio(String accountSid) throws Exception {
        this.accountSid = accountSid;
        this.server =
                vertx.createHttpServer()
                        .requestHandler(this::handle)
                        .listen(0, "127.0.0.1")
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
    }

    /** Starts a fake for the given account. */
    public static FakeTwilio start(String accountSid) throws Exception {
        return new FakeTwilio(accountSid);
    }

    /** Serves media only to Basic auth with this token (any auth until set). */
    public FakeTwilio requireToken(String token) {
        this.authToken = token;
        return this;
    }

    /**
     * The settings of a gateway whose SMS channel talks to this fake: account {@code accountSid}
     * (the one this fake was started for), signing webhooks with {@code authToken}, sending from
     * {@code from}, behind {@code publicUrl}.
     */
    public Map<String, String> smsSettings(
            String publicUrl, String accountSid, String authToken, String from) {
        return Map.of(
                "HAVEN_PUBLIC_URL",
                publicUrl,
                "HAVEN_TWILIO_ACCOUNT_SID",
                accountSid,
                "HAVEN_TWILIO_AUTH_TOKEN",
                authToken,
                "HAVEN_TWILIO_FROM",
                from,
                "HAVEN_TWILIO_API_URL",
                url());
    }

    /** The base URL to configure as {@code HAVEN_TWILIO_API_URL}. */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /**
     * Answers the next sends to {@code to} with these errors, in order: {status, twilioCode} (code
     * 0 for none).
     */
    public void failNext(String to, int[]... errors) {
        scripted.computeIfAbsent(to, k -> new ArrayDeque<>()).addAll(List.of(errors));
    }

    /**
     * Holds a media file for a received message, as Twilio does, and returns its URL (the {@code
     * MediaUrl<n>} of the webhook); served to Basic auth of the account, deleted by DELETE.
     */
    public String addMedia(String messageSid, String contentType, byte[] bytes) {
        return addMedia(messageSid, contentType, bytes, Serving.WHOLE);
    }

    /** The same, served as {@code serving} says. */
    public String addMedia(String messageSid, String contentType, byte[] bytes, Serving serving) {
        String mediaSid = "ME" + HexFormat.of().formatHex(bytes(16));
        String path =
                "/2010-04-01/Accounts/"
                        + accountSid
                        + "/Messages/"
                        + messageSid
                        + "/Media/"
                        + mediaSid;
        media.put(path, new Media(contentType, bytes, serving));
        return "https://api.twilio.com" + path;
    }

    /**
     * How many responses were closed by the client before their body ended (a {@link
     * Serving#STALLED} download given up).
     */
    public int abandonedResponses() {
        return abandoned.get();
    }

    /**
     * From now on, answers each message sent with its status and headers, then half its body, and
     * nothing more (a stalled API).
     */
    public void stallSends() {
        stallSends = true;
    }

    /** The downloads of media so far: GET requests to a media path or to the storage. */
    public List<Received> downloads() {
        return received.stream()
                .filter(r -> r.method().equals("GET"))
                .filter(r -> r.path().contains("/Media/") || r.path().startsWith("/storage/"))
                .toList();
    }

    /** Whether the media file at this URL is still held (not deleted). */
    public boolean holdsMedia(String url) {
        return media.containsKey(url.substring(url.indexOf("/2010-04-01/")));
    }

    /** Every request so far. */
    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Requests to one recipient. */
    public List<Received> to(String number) {
        return received.stream().filter(r -> number.equals(r.to())).toList();
    }

    /** Waits until a request matches, or fails after {@code seconds}. */
    public Received await(Predicate<Received> p, int seconds) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            for (Received r : received) {
                if (p.test(r)) {
                    return r;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError(
                "no matching request to the fake Twilio in "
                        + seconds
                        + " s; got "
                        + received.size());
    }

    private void handle(HttpServerRequest req) {
        req.body()
                .onSuccess(
                        buf -> {
                            Map<String, String> params = new LinkedHashMap<>();
                            for (String pair : buf.toString(StandardCharsets.UTF_8).split("&")) {
                                if (!pair.isEmpty()) {
                                    int eq = pair.indexOf('=');
                                    params.put(
                                            URLDecoder.decode(
                                                    eq < 0 ? pair : pair.substring(0, eq),
                                                    StandardCharsets.UTF_8),
                                            eq < 0
                                                    ? ""
                                                    : URLDecoder.decode(
                                                            pair.substring(eq + 1),
                                                            StandardCharsets.UTF_8));
                                }
                            }
                            String mediaPath = req.path().replaceAll("\\.json$", "");
                            if (req.path().startsWith("/storage/")) {
                                serveStorage(req);
                                return;
                            }
                            if (req.path().contains("/Media/")) {
                                serveMedia(req, mediaPath, params);
                                return;
                            }
                            String expectedPath =
                                    "/2010-04-01/Accounts/" + accountSid + "/Messages.json";
                            if (req.method().name().equals("POST")
                                    && req.path().equals(expectedPath)) {
                                answerMessage(req, params);
                            } else {
                                record(req, params, 404, null);
                                answerJson(
                                        req,
                                        404,
                                        new JsonObject()
                                                .put("code", 20404)
                                                .put("message", "not found")
                                                .put("status", 404));
                            }
                        });
    }

    /**
     * Answers a message sent: with the error scripted for its recipient or the refusal of a
     * malformed request, else 201 and the message resource (stalled halfway after {@link
     * #stallSends}).
     */
    private void answerMessage(HttpServerRequest req, Map<String, String> params) {
        Deque<int[]> script = params.get("To") == null ? null : scripted.get(params.get("To"));
        int[] error = script == null ? null : script.poll();
        if (error == null) {
            error = invalid(params);
        }
        if (error != null) {
            record(req, params, error[0], null);
            answerJson(
                    req,
                    error[0],
                    new JsonObject()
                            .put("code", error[1] == 0 ? null : error[1])
                            .put("message", "scripted error")
                            .put("more_info", "https://www.twilio.com/docs/errors/" + error[1])
                            .put("status", error[0]));
            return;
        }
        String sid = "SM" + HexFormat.of().formatHex(bytes(16));
        record(req, params, 201, sid);
        if (stallSends) {
            Buffer json = Buffer.buffer(message(sid, params).encode());
            stall(req, 201, "application/json", json.getBytes(), json.length() / 2);
        } else {
            answerJson(req, 201, message(sid, params));
        }
    }

    /**
     * Records {@code req} as received, answered {@code status} (with message {@code sid}, if any).
     */
    private void record(HttpServerRequest req, Map<String, String> params, int status, String sid) {
        received.add(
                new Received(
                        req.method().name(),
                        req.path(),
                        req.getHeader("Authorization"),
                        params,
                        status,
                        sid,
                        req.version().alpnName()));
    }

    /** Answers {@code req} with {@code status} and {@code body} as JSON. */
    private static void answerJson(HttpServerRequest req, int status, JsonObject body) {
        req.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(body.encode());
    }

    /** Twilio's refusals of a malformed message request, as {status, code}; null if well formed. */
    private static int[] invalid(Map<String, String> p) {
        String variables = p.get("ContentVariables");
        if (variables != null && p.get("ContentSid") == null) {
            return new int[] {400, 21654}; // ContentVariables without a ContentSid
        }
        if (variables != null) {
            try {
                JsonObject o = new JsonObject(variables);
                for (String key : o.fieldNames()) {
                    if (!(o.getValue(key) instanceof String)) {
                        return new int[] {400, 21656}; // ContentVariables invalid
                    }
                }
            } catch (RuntimeException e) {
                return new int[] {400, 21656};
            }
        }
        if (p.get("ContentSid") == null
                && (p.get("Body") == null || p.get("Body").isEmpty())
                && p.get("MediaUrl") == null) {
            return new int[] {400, 21619}; // neither a body, media nor a content template
        }
        return null;
    }

    private void serveMedia(HttpServerRequest req, String path, Map<String, String> params) {
        Media file = media.get(path);
        String expectedAuth =
                "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString(
                                        (accountSid + ":" + authToken)
                                                .getBytes(StandardCharsets.UTF_8));
        boolean authorised =
                authToken == null || expectedAuth.equals(req.getHeader("Authorization"));
        int status = file == null ? 404 : authorised ? 200 : 401;
        if (status == 200 && req.method().name().equals("DELETE")) {
            media.remove(path);
            status = 204;
        } else if (status == 200 && file.serving() == Serving.REDIRECTED) {
            status = 302;
        }
        record(req, params, status, null);
        if (status == 302) {
            String token = HexFormat.of().formatHex(bytes(16));
            storage.put(
                    token,
                    new byte[][] {
                        file.contentType().getBytes(StandardCharsets.UTF_8), file.bytes()
                    });
            req.response()
                    .setStatusCode(302)
                    .putHeader("Location", url() + "/storage/" + token + "?Expires=60")
                    .end();
        } else if (status != 200) {
            req.response().setStatusCode(status).end();
        } else if (file.serving() == Serving.STALLED) {
            stall(req, 200, file.contentType(), file.bytes(), file.bytes().length / 2);
        } else if (file.serving() == Serving.CHUNKED) {
            HttpServerResponse response =
                    req.response()
                            .setStatusCode(200)
                            .setChunked(true)
                            .putHeader("Content-Type", file.contentType());
            byte[] bytes = file.bytes();
            int piece = Math.max(1, bytes.length / 4);
            for (int at = 0; at < bytes.length; at += piece) {
                response.write(
                        Buffer.buffer(
                                java.util.Arrays.copyOfRange(
                                        bytes, at, Math.min(bytes.length, at + piece))));
            }
            response.end();
        } else {
            req.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", file.contentType())
                    .end(Buffer.buffer(file.bytes()));
        }
    }

    /** Twilio's storage: a signed URL, served to whoever holds it, once. */
    private void serveStorage(HttpServerRequest req) {
        byte[][] file = storage.remove(req.path().substring("/storage/".length()));
        int status = file == null || req.getParam("Expires") == null ? 404 : 200;
        record(req, Map.of(), status, null);
        if (status == 200) {
            req.response()
                    .setStatusCode(200)
                    .putHeader("Content-Type", new String(file[0], StandardCharsets.UTF_8))
                    .end(Buffer.buffer(file[1]));
        } else {
            req.response().setStatusCode(status).end();
        }
    }

    /**
     * Answers with a status and a Content-Length for all of {@code bytes}, sends the first {@code
     * sent} of them, and never the rest; counts the response as abandoned when the client closes
     * the connection.
     */
    private void stall(
            HttpServerRequest req, int status, String contentType, byte[] bytes, int sent) {
        HttpServerResponse response =
                req.response()
                        .setStatusCode(status)
                        .putHeader("Content-Type", contentType)
                        .putHeader("Content-Length", Integer.toString(bytes.length));
        response.closeHandler(v -> abandoned.incrementAndGet());
        response.write(Buffer.buffer(java.util.Arrays.copyOf(bytes, sent)));
    }

    private JsonObject message(String sid, Map<String, String> p) {
        String now = RFC_2822.format(ZonedDateTime.now(ZoneOffset.UTC));
        String uri = "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid;
        return new JsonObject()
                .put("account_sid", accountSid)
                .put("api_version", "2010-04-01")
                .put("body", p.get("Body"))
                .put("date_created", now)
                .put("date_sent", null)
                .put("date_updated", now)
                .put("direction", "outbound-api")
                .put("error_code", null)
                .put("error_message", null)
                .put("from", p.get("From"))
                .put("messaging_service_sid", p.get("MessagingServiceSid"))
                .put("num_media", "0")
                .put("num_segments", "1")
                .put("price", null)
                .put("price_unit", "USD")
                .put("sid", sid)
                .put("status", "queued")
                .put("subresource_uris", new JsonObject().put("media", uri + "/Media.json"))
                .put("to", p.get("To"))
                .put("uri", uri + ".json");
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
