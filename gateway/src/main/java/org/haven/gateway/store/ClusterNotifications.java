package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgChannel;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.haven.gateway.logging.RepeatedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals between the gateways that share one PostgreSQL, over {@code LISTEN}/{@code NOTIFY}.
 *
 * <p>A notification is a small JSON object of identifiers only (a case id, a conversation id),
 * never content: it passes through the database server. Each carries the id of the instance that
 * sent it, and an instance ignores its own, because it has already acted on it locally.
 * Notifications are best effort: one sent while a listener is reconnecting is lost, so everything
 * that must not be lost (outbox rows, cases) lives in tables and a notification only says "look
 * now".
 */
public final class ClusterNotifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNotifications.class);

    /**
     * Errors that repeat while their cause lasts (an outage fails every notification): once a
     * minute, with a count (static: so is send).
     */
    private static final RepeatedLog REPEATED = new RepeatedLog(LOG);

    private static final Pattern CHANNEL = Pattern.compile("haven_[a-z_]{1,40}");
    private static final String ORIGIN = "origin";
    private static final long RETRY_MAX_MILLIS = 1_000;

    private final Db db;
    private final PgSubscriber subscriber;
    private final String instanceId = UUID.randomUUID().toString();

    /**
     * How many times the listening connection was lost; a channel subscribed again after a loss
     * calls its relisten.
     */
    private final AtomicLong losses;

    private ClusterNotifications(Db db, PgSubscriber subscriber, AtomicLong losses) {
        this.db = db;
        this.subscriber = subscriber;
        this.losses = losses;
    }

    /**
     * Connects the listening connection (a dedicated one, outside the db). It reconnects on its own
     * after the database goes away, trying again at least once a second, so that what waits for a
     * notification lost meanwhile is looked at soon after the database returns ({@link
     * #listen(String, Handler, Runnable)}).
     */
    public static Future<ClusterNotifications> start(Vertx vertx, PgConnectOptions options, Db db) {
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(options));
        AtomicLong losses = new AtomicLong();
        subscriber.reconnectPolicy(
                retries -> {
                    if (retries == 0) {
                        losses.incrementAndGet();
                        LOG.warn("event=cluster_listener_lost");
                    }
                    return Math.min(RETRY_MAX_MILLIS, 250L << Math.min(retries, 2));
                });
        ClusterNotifications n = new ClusterNotifications(db, subscriber, losses);
        return subscriber.connect().map(v -> n);
    }

    /**
     * Whether the listening connection is up now (false while it reconnects: notifications are
     * missed meanwhile).
     */
    public boolean connected() {
        return !subscriber.closed() && subscriber.actualConnection() != null;
    }

    /** How many times the listening connection was lost since the start. */
    public long losses() {
        return losses.get();
    }

    /** This instance's id, carried in what it sends. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Calls {@code handler} with every notification on {@code channel} sent by another instance.
     * Malformed payloads are dropped.
     */
    public void listen(String channel, Handler<JsonObject> handler) {
        listen(channel, handler, () -> {});
    }

    /**
     * As {@link #listen(String, Handler)}, and calls {@code relisten} each time the channel is
     * listened to again after the listening connection was lost: notifications sent meanwhile are
     * lost, so the caller looks at the tables for what they would have said.
     */
    public void listen(String channel, Handler<JsonObject> handler, Runnable relisten) {
        check(channel);
        // Losses seen when this channel last subscribed. Whether a subscription comes after a loss
        // is read from the loss count, never from counting subscriptions: the first one may
        // complete before its callback is set when this runs off the event loop.
        AtomicLong seen = new AtomicLong(losses.get());
        // the subscribe callback is set before the handler, which sends LISTEN
        PgChannel pg = subscriber.channel(channel);
        pg.subscribeHandler(
                v -> {
                    long now = losses.get();
                    if (seen.getAndSet(now) == now) {
                        LOG.info("event=cluster_listening channel={}", channel);
                    } else {
                        LOG.info("event=cluster_listening_again channel={}", channel);
                        relisten.run();
                    }
                });
        pg.handler(
                payload -> {
                    JsonObject body;
                    try {
                        body = new JsonObject(payload);
                    } catch (DecodeException | ClassCastException e) {
                        LOG.warn("event=cluster_notification_malformed channel={}", channel);
                        return;
                    }
                    if (!instanceId.equals(body.getString(ORIGIN))) {
                        handler.handle(body);
                    }
                });
    }

    /** Tells the other instances; never fails the caller (the tables stay the truth). */
    public Future<Void> notify(String channel, JsonObject body) {
        return send(db, channel, body.copy().put(ORIGIN, instanceId));
    }

    /**
     * Tells every instance, the sender's own included, from code that has no instance (the command
     * line, or shared code whose signal is idempotent); never fails the caller.
     */
    public static Future<Void> notifyEveryInstance(Db db, String channel, JsonObject body) {
        return send(db, channel, body.copy().put(ORIGIN, "any"));
    }

    private static Future<Void> send(Db db, String channel, JsonObject body) {
        check(channel);
        String payload = body.encode();
        Tuple args = Tuple.of(channel, payload);
        // once more on failure: just after the database returned, the db may still hand out a
        // connection from before, which fails once and is dropped
        return db.preparedQuery("SELECT pg_notify($1, $2)")
                .execute(args)
                .recover(err -> db.preparedQuery("SELECT pg_notify($1, $2)").execute(args))
                .<Void>mapEmpty()
                .recover(
                        err -> {
                            REPEATED.warn(
                                    "cluster_notify_failed",
                                    "channel={} kind={}",
                                    channel,
                                    err.getClass().getSimpleName());
                            return Future.succeededFuture();
                        });
    }

    private static void check(String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("bad notification channel name");
        }
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
