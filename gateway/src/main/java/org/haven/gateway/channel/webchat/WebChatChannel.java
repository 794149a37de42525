package org.haven.gateway.channel.webchat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.haven.bot.Reply;
import org.haven.gateway.channel.Channel;
import org.haven.gateway.http.ClientAddress;
import org.haven.gateway.http.NettyChannels;
import org.haven.gateway.http.SecurityHeaders;
import org.haven.gateway.intake.Conversations;
import org.haven.gateway.intake.HistoryItem;
import org.haven.gateway.intake.Inbound;
import org.haven.gateway.outbox.ChannelSender;
import org.haven.gateway.outbox.Outbox;
import org.haven.gateway.store.ClusterNotifications;
import org.haven.gateway.web.Html;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web chat: a small page at {@code /chat} and a WebSocket at {@code /chat/ws} speaking the JSON
 * frames of {@code docs/webchat-protocol.md}. The contact address of a web conversation is its
 * resume token, a random value only the person's browser tab holds.
 *
 * <p>Sockets are bounded: at most {@link WebChatConfig#maxSockets()} open at once (the next upgrade
 * is answered 503) and {@link WebChatConfig#maxSocketsPerClient()} from one client (429), each
 * pinged every quarter of {@link WebChatConfig#idleTimeout()} and closed when nothing, not even a
 * pong, came back for that long. One client opens at most {@link
 * WebChatConfig#conversationsPerMinutePerClient()} new conversations a minute. What waits to be
 * sent on a socket is bounded too: a frame that arrives while {@value #MAX_QUEUED} bytes wait for
 * the person's browser to take them is held, and the socket is closed (1008) unless they are taken
 * within a ping interval.
 */
public final class WebChatChannel implements Channel {
    private static final Logger LOG = LoggerFactory.getLogger(WebChatChannel.class);

    /** Largest frame accepted, in bytes. */
    public static final int MAX_FRAME = 4096;

    /** Longest message text accepted, in characters. */
    public static final int MAX_TEXT = 1000;

    /**
     * Bytes that may wait to be taken by the browser before the socket's frames are no longer
     * answered.
     */
    static final int MAX_QUEUED = 64 * 1024;

    private static final int MAX_FRAMES_PER_WINDOW = 30;

    /**
     * How long a socket closed for not reading may take to say goodbye before its connection is
     * closed.
     */
    private static final long CLOSE_WAIT_MS = 5000;

    /**
     * Frames kept while a socket is held for a slow reader: those already on their way when reading
     * stopped.
     */
    private static final int MAX_HELD = 8;

    private static final long WINDOW_MS = 10_000;

    /**
     * How many times, a second apart, a gateway listening again tries to deliver what waits for its
     * open sockets.
     */
    private static final int RELISTEN_TRIES = 10;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22}");
    private static final Pattern MESSAGE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}");
    private static final String DEFAULT_EXIT = "data-exit-url=\"https://www.google.com/\"";

    private final Vertx vertx;
    private final Conversations conversations;
    private final Outbox outbox;
    private final WebChatSender sender;
    private final String quickExitUrl;
    private final SecureRandom random = new SecureRandom();

    /** Conversations with a socket open on this instance, and how many. */
    private final Map<UUID, Integer> openHere = new ConcurrentHashMap<>();

    private volatile Buffer page;
    private final WebChatConfig limits;

    /** Sockets open or being upgraded, in all and per client. */
    private final SocketPlaces places;

    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private final ClientRate phraseGuesses = new ClientRate(20, Duration.ofHours(1));
    private final ClientRate newConversations;

    /** Bytes handed to the sockets and not yet written to the network, over all sockets. */
    private final AtomicLong queued = new AtomicLong();

    private final AtomicInteger nextSlot = new AtomicInteger();
    private final RefusalLog refusedFull = new RefusalLog("webchat_full");
    private final RefusalLog refusedClient = new RefusalLog("webchat_client_full");
    private long sweeper = -1;
    private int sweepTick;

    public WebChatChannel(
            Vertx vertx, Conversations conversations, Outbox outbox, String quickExitUrl) {
        this(vertx, conversations, outbox, quickExitUrl, null);
    }

    /**
     * A web chat whose sockets may be spread over several gateways on one database: a message
     * another instance could not deliver is announced on {@link WebChatSender#CLUSTER_CHANNEL}, and
     * the instance holding that conversation's socket delivers it.
     */
    public WebChatChannel(
            Vertx vertx,
            Conversations conversations,
            Outbox outbox,
            String quickExitUrl,
            ClusterNotifications cluster) {
        this(vertx, conversations, outbox, quickExitUrl, cluster, WebChatConfig.DEFAULTS);
    }

    /** The same, with the socket limits of {@code limits}. */
    public WebChatChannel(
            Vertx vertx,
            Conversations conversations,
            Outbox outbox,
            String quickExitUrl,
            ClusterNotifications cluster,
            WebChatConfig limits) {
        this.vertx = vertx;
        this.limits = limits;
        this.places = new SocketPlaces(limits.maxSockets(), limits.maxSocketsPerClient());
        this.newConversations =
                new ClientRate(limits.conversationsPerMinutePerClient(), Duration.ofMinutes(1));
        this.conversations = conversations;
        this.outbox = outbox;
        this.sender = new WebChatSender(vertx, cluster);
        this.quickExitUrl = quickExitUrl;
        conversations.keepHistoryFor(name());
        if (cluster != null) {
            cluster.listen(
                    WebChatSender.CLUSTER_CHANNEL,
                    body -> {
                        UUID conversationId = parseUuid(body.getString("conversation"));
                        if (conversationId != null && openHere.containsKey(conversationId)) {
                            deliverNow(conversationId);
                        }
                    },
                    () -> {
                        // the database was away: another gateway's "deliver now" for a socket here
                        // may be lost
                        LOG.info("event=webchat_deliver_open count={}", openHere.size());
                        openHere.keySet().forEach(id -> deliverWaiting(id, RELISTEN_TRIES));
                    });
        }
    }

    /**
     * Delivers what waits for an open socket here, trying again a second later when the database
     * fails (just after it returns, the pool may still hold a connection from before).
     */
    private void deliverWaiting(UUID conversationId, int tries) {
        outbox.nudge(conversationId)
                .compose(v -> outbox.deliverNow(conversationId))
                .onFailure(
                        err -> {
                            if (tries > 1 && openHere.containsKey(conversationId)) {
                                vertx.setTimer(
                                        1_000, t -> deliverWaiting(conversationId, tries - 1));
                            } else {
                                LOG.warn(
                                        "event=webchat_deliver_now_failed kind={}",
                                        err.getClass().getSimpleName());
                            }
                        });
    }

    private void deliverNow(UUID conversationId) {
        outbox.deliverNow(conversationId)
                .onFailure(
                        err ->
                                LOG.warn(
                                        "event=webchat_deliver_now_failed kind={}",
                                        err.getClass().getSimpleName()));
    }

    private static UUID parseUuid(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String name() {
        return "webchat";
    }

    @Override
    public Optional<ChannelSender> sender() {
        return Optional.of(sender);
    }

    /** Web chat sockets open on this gateway now. */
    public int openSockets() {
        return places.open();
    }

    /** Bytes written to web chat sockets on this gateway that the network has not taken yet. */
    public long queuedBytes() {
        return queued.get();
    }

    @Override
    public Future<Void> start() {
        // one timer for all sockets: each second it pings (or closes) the sockets of one slot, so
        // that 10,000 pings are spread over the interval instead of written in one burst
        long interval = limits.pingInterval().toMillis();
        long period = Math.min(1000, interval);
        int slots = (int) Math.max(1, interval / period);
        sweeper = vertx.setPeriodic(period, id -> sweep(sweepTick++ % slots, slots));
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
            sweeper = -1;
        }
        return Future.succeededFuture();
    }

    private void sweep(int slot, int slots) {
        long now = System.nanoTime();
        long idle = limits.idleTimeout().toNanos();
        for (Session s : live) {
            if (s.slot % slots == slot) {
                s.pingOrClose(now, idle);
            }
        }
    }

    @Override
    public void mount(Router router) {
        page =
                Buffer.buffer(
                        loadPage()
                                .replace(
                                        DEFAULT_EXIT,
                                        "data-exit-url=\"" + Html.esc(quickExitUrl) + "\""));
        router.get("/chat").handler(this::servePage);
        router.get("/chat/").handler(ctx -> ctx.redirect("/chat"));
        router.get("/chat/ws").handler(this::upgrade);
        router.get("/chat/chat.js")
                .handler(ctx -> serveAsset(ctx, "chat.js", "text/javascript; charset=utf-8"));
        router.get("/chat/words.js").handler(this::serveWords);
        router.get("/chat/chat.css")
                .handler(ctx -> serveAsset(ctx, "chat.css", "text/css; charset=utf-8"));
    }

    private static String loadPage() {
        try (InputStream in =
                WebChatChannel.class.getResourceAsStream("/webroot/chat/index.html")) {
            if (in == null) {
                throw new IllegalStateException("web chat page missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("web chat page unreadable", e);
        }
    }

    private void servePage(RoutingContext ctx) {
        SecurityHeaders.publicPage(ctx.response());
        ctx.response()
                .putHeader("Cache-Control", "no-store")
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .end(page);
    }

    /** The page's words from the script in use (an upload changes them): not cached long. */
    private void serveWords(RoutingContext ctx) {
        SecurityHeaders.publicPage(ctx.response());
        ctx.response()
                .putHeader("Content-Type", "text/javascript; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .end(PageWords.script(conversations.activeScript()));
    }

    private void serveAsset(RoutingContext ctx, String file, String type) {
        vertx.fileSystem()
                .readFile("webroot/chat/" + file)
                .onComplete(
                        ar -> {
                            if (ar.failed()) {
                                ctx.fail(404);
                                return;
                            }
                            SecurityHeaders.publicPage(ctx.response());
                            ctx.response()
                                    .putHeader("Content-Type", type)
                                    .putHeader("Cache-Control", "public, max-age=3600")
                                    .end(ar.result());
                        });
    }

    private void upgrade(RoutingContext ctx) {
        String origin = ctx.request().getHeader("Origin");
        String host = ctx.request().getHeader("Host");
        if (origin != null
                && host != null
                && !origin.equals("http://" + host)
                && !origin.equals("https://" + host)) {
            ctx.response().setStatusCode(403).end();
            return;
        }
        String client = ClientAddress.of(ctx);
        switch (places.take(client)) {
            case FULL -> {
                refusedFull.count(limits.maxSockets());
                ctx.response().setStatusCode(503).putHeader("Retry-After", "30").end();
                return;
            }
            case CLIENT_FULL -> {
                // one client holds its share: the rest stays for everyone else
                refusedClient.count(limits.maxSocketsPerClient());
                ctx.response().setStatusCode(429).putHeader("Retry-After", "30").end();
                return;
            }
            case NONE -> {
                // a place is held for this socket until it closes
            }
        }
        HttpConnection connection = ctx.request().connection();
        ctx.request()
                .toWebSocket()
                .onSuccess(ws -> new Session(ws, connection, client).start())
                .onFailure(
                        err -> {
                            places.give(client);
                            if (!ctx.response().ended()) {
                                ctx.response().setStatusCode(400).end();
                            }
                        });
    }

    /**
     * Logs one kind of refused upgrade at most once a minute, with how many since the last line.
     */
    private static final class RefusalLog {
        private final String event;
        private final AtomicLong refused = new AtomicLong();
        private volatile long loggedAt = System.nanoTime() - 61_000_000_000L;

        RefusalLog(String event) {
            this.event = event;
        }

        void count(int limit) {
            long n = refused.incrementAndGet();
            long now = System.nanoTime();
            if (now - loggedAt > 60_000_000_000L) {
                loggedAt = now;
                refused.addAndGet(-n);
                LOG.warn("event={} limit={} refused={}", event, limit, n);
            }
        }
    }

    /** One socket: frames are handled strictly in order, one dialogue step at a time. */
    private final class Session {
        private final ServerWebSocket ws;

        /**
         * The socket's connection, closed outright when a reader that does not read cannot even
         * take the close frame.
         */
        private final HttpConnection connection;

        /** Where the socket came from, for the per-client limits. */
        private final String client;

        private final int slot = nextSlot.getAndIncrement() & Integer.MAX_VALUE;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile long heardAt = System.nanoTime();
        private String token;
        private Future<Void> tail = Future.succeededFuture();
        private MessageConsumer<JsonObject> pushes;
        private UUID listening;
        private long windowStart = System.currentTimeMillis();
        private int framesInWindow;

        /** Closed for not reading: what still arrives is dropped. */
        private boolean closing;

        /**
         * Frames that arrived while the browser was not taking what was sent: handled once it does.
         */
        private ArrayDeque<String> held;

        Session(ServerWebSocket ws, HttpConnection connection, String client) {
            this.ws = ws;
            this.connection = connection;
            this.client = client;
        }

        void start() {
            live.add(this);
            ws.setWriteQueueMaxSize(MAX_QUEUED);
            ws.textMessageHandler(this::onFrame);
            ws.binaryMessageHandler(
                    b -> {
                        heardAt = System.nanoTime();
                        error("bad_frame", "Text frames only.");
                    });
            ws.pongHandler(b -> heardAt = System.nanoTime());
            ws.exceptionHandler(
                    err ->
                            LOG.debug(
                                    "event=webchat_socket_error kind={}",
                                    err.getClass().getSimpleName()));
            ws.closeHandler(v -> release());
            // Server shutdown: answer the frame in hand, then say "going away" (the page
            // reconnects),
            // instead of holding the shutdown until its grace period runs out.
            ws.shutdownHandler(
                    v -> tail.onComplete(ar -> ws.close((short) 1001, "server stopping")));
            if (ws.isClosed()) {
                release();
            }
        }

        /** Gives back the socket's place (once) and stops listening for its conversation. */
        private void release() {
            if (released.compareAndSet(false, true)) {
                live.remove(this);
                places.give(client);
            }
            listen(null);
        }

        /**
         * Pings the browser, or closes the socket when it has not been heard from for {@code
         * idleNanos}.
         */
        void pingOrClose(long now, long idleNanos) {
            if (ws.isClosed()) {
                return;
            }
            if (now - heardAt > idleNanos) {
                LOG.debug("event=webchat_idle_closed");
                ws.close((short) 1001, "idle");
            } else {
                ws.writePing(Buffer.buffer());
            }
        }

        private void onFrame(String text) {
            heardAt = System.nanoTime();
            if (closing) {
                return;
            }
            if (held != null) {
                // on its way when reading stopped: waits behind the first
                if (held.size() < MAX_HELD) {
                    held.add(text);
                } else {
                    closeNotReading();
                }
                return;
            }
            if (ws.writeQueueFull()) {
                hold(text);
                return;
            }
            handle(text);
        }

        /**
         * The browser has not taken what was sent (a reader that does not read, or a very slow
         * network): reads nothing more and answers nothing until it has, then goes on with this
         * frame; closes the socket (1008) if that takes longer than a ping interval. Nothing is
         * lost: each message was stored before it was acknowledged, and the page sends again what
         * was not.
         */
        private void hold(String text) {
            held = new ArrayDeque<>();
            held.add(text);
            ws.pause();
            long timer =
                    vertx.setTimer(
                            limits.pingInterval().toMillis(),
                            t -> {
                                if (held != null && !ws.isClosed()) {
                                    LOG.info("event=webchat_slow_reader_closed");
                                    closeNotReading();
                                }
                            });
            ws.drainHandler(
                    v -> {
                        vertx.cancelTimer(timer);
                        ws.drainHandler(null);
                        ArrayDeque<String> frames = held;
                        held = null;
                        if (frames != null && !ws.isClosed()) {
                            frames.forEach(this::handle);
                            ws.resume();
                        }
                    });
        }

        /**
         * Closes with 1008 (policy violation). The close frame waits behind what the browser did
         * not take, and Vert.x closes the connection only once it is written: the TCP connection
         * itself is closed if the socket is still open {@value #CLOSE_WAIT_MS} ms later.
         */
        private void closeNotReading() {
            if (closing) {
                return;
            }
            closing = true;
            held = null;
            ws.close((short) 1008, "not reading");
            ws.resume(); // a paused socket would keep its close event from the close handler
            vertx.setTimer(
                    CLOSE_WAIT_MS,
                    t -> {
                        if (!released.get()) {
                            NettyChannels.closeNow(connection);
                        }
                    });
        }

        private void handle(String text) {
            long now = System.currentTimeMillis();
            if (now - windowStart > WINDOW_MS) {
                windowStart = now;
                framesInWindow = 0;
            }
            if (++framesInWindow > MAX_FRAMES_PER_WINDOW) {
                error("rate_limited", "Please wait a moment before sending more.");
                return;
            }
            if (text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME) {
                error("too_long", "That message is too long.");
                return;
            }
            JsonObject frame;
            try {
                frame = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                error("bad_frame", "That could not be read.");
                return;
            }
            String type = frame.getValue("type") instanceof String s ? s : "";
            switch (type) {
                case "start" -> enqueue(() -> onStart(frame));
                case "message" -> enqueue(() -> onMessage(frame));
                default -> error("bad_frame", "Unknown frame type.");
            }
        }

        private void enqueue(Supplier<Future<Void>> work) {
            tail =
                    tail.transform(
                            ignored ->
                                    work.get()
                                            .recover(
                                                    err -> {
                                                        LOG.warn(
                                                                "event=webchat_step_failed kind={}",
                                                                err.getClass().getSimpleName());
                                                        error(
                                                                "unavailable",
                                                                "Sorry, something went wrong. Please try again in a moment.");
                                                        return Future.succeededFuture();
                                                    }));
        }

        private Future<Void> onStart(JsonObject frame) {
            Object resume = frame.getValue("resume");
            if (resume instanceof String r && TOKEN.matcher(r).matches()) {
                return conversations
                        .resume(name(), r)
                        .compose(
                                outcome -> {
                                    if (outcome.isEmpty()) {
                                        token = null;
                                        error(
                                                "expired",
                                                "This conversation has ended. Starting a new one.");
                                        return Future.<Void>succeededFuture();
                                    }
                                    token = r;
                                    send(
                                            new JsonObject()
                                                    .put("type", "session")
                                                    .put("resume", token));
                                    Future<List<HistoryItem>> history =
                                            Boolean.TRUE.equals(frame.getValue("history"))
                                                    ? conversations.history(name(), r)
                                                    : Future.succeededFuture(List.of());
                                    return history.map(
                                            items -> {
                                                sendHistory(items, outcome.get().replies());
                                                listen(outcome.get().conversationId());
                                                return (Void) null;
                                            });
                                });
            }
            if (!newConversations.allow(client)) {
                LOG.info("event=webchat_conversations_throttled");
                long wait = newConversations.retryAfterSeconds(client);
                send(
                        new JsonObject()
                                .put("type", "error")
                                .put("code", "too_many_conversations")
                                .put(
                                        "message",
                                        "Too many new conversations from your network. Please wait a minute.")
                                .put("retry_after", wait));
                return Future.succeededFuture();
            }
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // the browser's language, for the first question; the engine ignores one the script
            // does not speak
            String language =
                    frame.getValue("lang") instanceof String l && LANGUAGE.matcher(l).matches()
                            ? l
                            : null;
            return conversations
                    .open(name(), fresh, language)
                    .map(
                            outcome -> {
                                token = fresh;
                                send(new JsonObject().put("type", "session").put("resume", token));
                                sendReplies(outcome.replies());
                                listen(outcome.conversationId());
                                return null;
                            });
        }

        private Future<Void> onMessage(JsonObject frame) {
            Object id = frame.getValue("id");
            Object text = frame.getValue("text");
            if (!(id instanceof String messageId)
                    || !MESSAGE_ID.matcher(messageId).matches()
                    || !(text instanceof String body)) {
                error("bad_frame", "A message needs an id and a text.");
                return Future.succeededFuture();
            }
            if (token == null) {
                error("bad_frame", "Send start first.", messageId);
                return Future.succeededFuture();
            }
            if (body.codePointCount(0, body.length()) > MAX_TEXT) {
                error(
                        "too_long",
                        "Please keep each message under " + MAX_TEXT + " characters.",
                        messageId);
                return Future.succeededFuture();
            }
            if (body.isBlank()) {
                error("bad_frame", "That message was empty.", messageId);
                return Future.succeededFuture();
            }
            if (conversations.isPhrase(body) && !phraseGuesses.allow(client)) {
                LOG.info("event=webchat_phrase_throttled");
                error(
                        "too_many_tries",
                        "Too many tries. Please wait an hour, then write the words again."
                                + " / Trop d'essais. Attendez une heure, puis écrivez de nouveau les mots.",
                        messageId);
                return Future.succeededFuture();
            }
            return conversations
                    .receive(
                            new Inbound(name(), token, body.strip(), Optional.of(messageId), false))
                    .compose(
                            outcome -> {
                                send(new JsonObject().put("type", "ack").put("id", messageId));
                                if (outcome.duress()) {
                                    wipe(outcome.replies());
                                    return Future.<Void>succeededFuture();
                                }
                                if (outcome.conversationId() == null
                                        || outcome.conversationId().equals(listening)) {
                                    sendReplies(outcome.replies());
                                    return Future.<Void>succeededFuture();
                                }
                                // the person's resume phrase brought their conversation here: show
                                // it, and wait for its replies
                                return conversations
                                        .history(name(), token)
                                        .map(
                                                items -> {
                                                    sendHistory(items, List.of());
                                                    sendReplies(outcome.replies());
                                                    listen(outcome.conversationId());
                                                    return (Void) null;
                                                });
                            });
        }

        /**
         * The duress word: someone else may be reading this screen. The page is told to clear the
         * conversation and its token and to show only the decoy, as a plain notice; this socket
         * forgets the conversation, so nothing more of it (a coordinator's reply) reaches the page.
         */
        private void wipe(List<Reply> decoy) {
            Reply first = decoy.isEmpty() ? null : decoy.get(0);
            JsonObject f =
                    new JsonObject()
                            .put("type", "wipe")
                            .put(
                                    "text",
                                    decoy.stream()
                                            .map(Reply::text)
                                            .collect(Collectors.joining("\n")));
            if (first != null && first.language() != null) {
                f.put("lang", first.language()).put("dir", first.rtl() ? "rtl" : "ltr");
            }
            send(f);
            listen(null);
            token = null;
        }

        /**
         * Receives what the outbox delivers to this conversation (a coordinator's reply) while the
         * socket is open.
         */
        private void listen(UUID conversationId) {
            if (pushes != null) {
                pushes.unregister();
                pushes = null;
            }
            if (listening != null) {
                openHere.computeIfPresent(listening, (k, n) -> n <= 1 ? null : n - 1);
                listening = null;
            }
            if (conversationId == null || ws.isClosed()) {
                return;
            }
            listening = conversationId;
            openHere.merge(conversationId, 1, Integer::sum);
            pushes =
                    vertx.eventBus()
                            .consumer(
                                    WebChatSender.address(conversationId),
                                    msg -> {
                                        String holder = token;
                                        if (ws.isClosed() || holder == null) {
                                            msg.fail(503, "closed");
                                            return;
                                        }
                                        // into the person's own copy first, so that a reload shows
                                        // it again (the token is theirs
                                        // to open it); and only while this tab's token still holds
                                        // the conversation
                                        JsonObject f = msg.body();
                                        conversations
                                                .rememberShown(
                                                        name(),
                                                        holder,
                                                        conversationId,
                                                        new Reply(
                                                                f.getString("text"),
                                                                List.of(),
                                                                f.getString("lang"),
                                                                "rtl".equals(f.getString("dir"))))
                                                .onComplete(
                                                        ar -> {
                                                            if (ar.succeeded() && !ar.result()) {
                                                                msg.fail(503, "moved");
                                                                if (conversationId.equals(
                                                                        listening)) {
                                                                    listen(null); // the person
                                                                    // took the
                                                                    // conversation
                                                                    // elsewhere with
                                                                    // their phrase
                                                                }
                                                                return;
                                                            }
                                                            if (ar.failed()) {
                                                                LOG.warn(
                                                                        "event=webchat_history_failed kind={}",
                                                                        ar.cause()
                                                                                .getClass()
                                                                                .getSimpleName());
                                                            }
                                                            if (ws.isClosed()) {
                                                                msg.fail(503, "closed");
                                                                return;
                                                            }
                                                            send(f);
                                                            msg.reply("ok");
                                                        });
                                    });
            // what waits for this person (possibly deferred by another instance) comes now, in
            // order
            pushes.completion()
                    .onSuccess(
                            v ->
                                    outbox.nudge(conversationId)
                                            .compose(n -> outbox.deliverNow(conversationId)));
        }

        /**
         * After a reload: the person's own copy of the conversation since hand-off, then the last
         * replies that it does not already end with.
         */
        private void sendHistory(List<HistoryItem> items, List<Reply> last) {
            for (HistoryItem i : items) {
                JsonObject f =
                        new JsonObject()
                                .put("type", "history")
                                .put("from", i.from())
                                .put("text", i.text());
                if (i.language() != null) {
                    f.put("lang", i.language()).put("dir", i.rtl() ? "rtl" : "ltr");
                }
                send(f);
            }
            // the history ends with the bot's last words when they were said after the hand-off
            int start = items.size() - last.size();
            int shown = 0;
            while (start >= 0
                    && shown < last.size()
                    && "bot".equals(items.get(start + shown).from())
                    && items.get(start + shown).text().equals(last.get(shown).text())
                    && last.get(shown).options().isEmpty()) {
                shown++;
            }
            sendReplies(last.subList(shown, last.size()));
        }

        private void sendReplies(List<Reply> replies) {
            for (Reply r : replies) {
                send(ReplyFrame.of(r, false));
            }
        }

        private void error(String code, String message) {
            error(code, message, null);
        }

        private void error(String code, String message, String messageId) {
            JsonObject frame =
                    new JsonObject().put("type", "error").put("code", code).put("message", message);
            if (messageId != null) {
                frame.put("id", messageId);
            }
            send(frame);
        }

        private void send(JsonObject frame) {
            if (!ws.isClosed()) {
                String text = frame.encode();
                long bytes = text.getBytes(StandardCharsets.UTF_8).length;
                queued.addAndGet(bytes);
                ws.writeTextMessage(text).onComplete(ar -> queued.addAndGet(-bytes));
            }
        }
    }
}
