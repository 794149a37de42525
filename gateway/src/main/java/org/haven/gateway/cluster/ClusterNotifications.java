package org.haven.gateway.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals between the gateways that share one PostgreSQL, over {@code LISTEN}/{@code NOTIFY}.
 *
 * <p>A notification is a small JSON object of identifiers only (a case id, a conversation id),
 * never content: it passes through the database server. Each carries the id of the instance
 * that sent it, and an instance ignores its own, because it has already acted on it locally.
 * Notifications are best effort: one sent while a listener is reconnecting is lost, so
 * everything that must not be lost (outbox rows, cases) lives in tables and a notification only
 * says "look now".
 */
public final class ClusterNotifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNotifications.class);
    private static final Pattern CHANNEL = Pattern.compile("haven_[a-z_]{1,40}");
    private static final String ORIGIN = "origin";
    private static final long RETRY_MAX_MILLIS = 1_000;

    private final Pool pool;
    private final PgSubscriber subscriber;
    private final String instanceId = UUID.randomUUID().toString();

    private ClusterNotifications(Pool pool, PgSubscriber subscriber) {
        this.pool = pool;
        this.subscriber = subscriber;
    }

    /**
     * Connects the listening connection (a dedicated one, outside the pool). It reconnects on
     * its own after the database goes away, trying again at least once a second, so that what
     * waits for a notification lost meanwhile is looked at soon after the database returns
     * ({@link #listen(String, Handler, Runnable)}).
     */
    public static Future<ClusterNotifications> start(Vertx vertx, PgConnectOptions options, Pool pool) {
        PgSubscriber subscriber = PgSubscriber.subscriber(vertx, new PgConnectOptions(options));
        subscriber.reconnectPolicy(retries -> {
            if (retries == 0) {
                LOG.warn("event=cluster_listener_lost");
            }
            return Math.min(RETRY_MAX_MILLIS, 250L << Math.min(retries, 2));
        });
        ClusterNotifications n = new ClusterNotifications(pool, subscriber);
        return subscriber.connect().map(v -> n);
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
        listen(channel, handler, () -> { });
    }

    /**
     * As {@link #listen(String, Handler)}, and calls {@code relisten} each time the channel is
     * listened to again after the listening connection was lost: notifications sent meanwhile
     * are lost, so the caller looks at the tables for what they would have said.
     */
    public void listen(String channel, Handler<JsonObject> handler, Runnable relisten) {
        check(channel);
        AtomicInteger subscribed = new AtomicInteger();
        subscriber.channel(channel).handler(payload -> {
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
        }).subscribeHandler(v -> {
            if (subscribed.getAndIncrement() == 0) {
                LOG.info("event=cluster_listening channel={}", channel);
            } else {
                LOG.info("event=cluster_listening_again channel={}", channel);
                relisten.run();
            }
        });
    }

    /** Tells the other instances; never fails the caller (the tables stay the truth). */
    public Future<Void> notify(String channel, JsonObject body) {
        return send(pool, channel, body.copy().put(ORIGIN, instanceId));
    }

    /**
     * Tells every instance, the sender's own included, from code that has no instance (the
     * command line, or shared code whose signal is idempotent); never fails the caller.
     */
    public static Future<Void> notifyEveryInstance(Pool pool, String channel, JsonObject body) {
        return send(pool, channel, body.copy().put(ORIGIN, "any"));
    }

    private static Future<Void> send(Pool pool, String channel, JsonObject body) {
        check(channel);
        String payload = body.encode();
        return pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(channel, payload))
                .<Void>mapEmpty()
                .recover(err -> {
                    LOG.warn("event=cluster_notify_failed channel={} kind={}", channel, err.getClass().getSimpleName());
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
