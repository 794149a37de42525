package org.haven.gateway.inbox;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.intake.CaseEvents;
import org.haven.gateway.store.ClusterNotifications;

/**
 * Live inbox updates: case events go out on the event bus and every open inbox listens through a
 * Server-Sent Events stream at {@code /inbox/events}. With several gateways on one database, events
 * also cross to the other instances as PostgreSQL notifications. Events carry a kind and a case id
 * only; the page then fetches what its user may see.
 */
public final class LiveUpdates implements CaseEvents {
    static final String ADDRESS = "haven.inbox.events";
    private static final long HEARTBEAT_MS = 25_000;

    /**
     * The notification channel that carries case events to the other gateways on the same database.
     */
    public static final String CLUSTER_CHANNEL = "haven_case_events";

    private static final Set<String> KINDS =
            Set.of("case_new", "message_new", "case_changed", "case_deleted");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f-]{36}");

    private final Vertx vertx;
    private final ClusterNotifications cluster;

    /** Live updates for this instance only. */
    public LiveUpdates(Vertx vertx) {
        this(vertx, null);
    }

    /**
     * Live updates shared with every gateway on the same database: an event published here also
     * reaches the inboxes open on the other instances, and theirs reach this one.
     */
    public LiveUpdates(Vertx vertx, ClusterNotifications cluster) {
        this.vertx = vertx;
        this.cluster = cluster;
        if (cluster != null) {
            cluster.listen(
                    CLUSTER_CHANNEL,
                    body -> {
                        String kind = body.getString("kind");
                        String caseId = body.getString("case");
                        if (KINDS.contains(kind)
                                && caseId != null
                                && UUID_TEXT.matcher(caseId).matches()) {
                            publishLocally(kind, caseId);
                        }
                    });
        }
    }

    @Override
    public void publish(String kind, UUID caseId) {
        publishLocally(kind, caseId.toString());
        if (cluster != null) {
            cluster.notify(
                    CLUSTER_CHANNEL,
                    new JsonObject().put("kind", kind).put("case", caseId.toString()));
        }
    }

    private void publishLocally(String kind, String caseId) {
        vertx.eventBus().publish(ADDRESS, new JsonObject().put("kind", kind).put("case", caseId));
    }

    public void mount(Router router, SessionGuard guard) {
        // the stream is the page's own doing (and reconnects by itself): it never extends the
        // session's idle timeout
        router.get("/inbox/events")
                .handler(
                        ctx ->
                                guard.requireQuietly(
                                        ctx,
                                        s -> {
                                            if (s.isAgency()) {
                                                ctx.response().setStatusCode(204).end();
                                                return;
                                            }
                                            var response = ctx.response();
                                            response.setChunked(true)
                                                    .putHeader(
                                                            "Content-Type",
                                                            "text/event-stream; charset=utf-8")
                                                    .putHeader("Cache-Control", "no-store")
                                                    .putHeader("X-Accel-Buffering", "no");
                                            response.write("retry: 3000\n\n");
                                            MessageConsumer<JsonObject> consumer =
                                                    vertx.eventBus()
                                                            .consumer(
                                                                    ADDRESS,
                                                                    msg -> {
                                                                        if (guard.sessions()
                                                                                .peek(s.id())
                                                                                .isEmpty()) {
                                                                            response.end();
                                                                            return;
                                                                        }
                                                                        response.write(
                                                                                "event: "
                                                                                        + msg.body()
                                                                                                .getString(
                                                                                                        "kind")
                                                                                        + "\ndata: "
                                                                                        + msg.body()
                                                                                                .encode()
                                                                                        + "\n\n");
                                                                    });
                                            long heartbeat =
                                                    vertx.setPeriodic(
                                                            HEARTBEAT_MS,
                                                            id -> response.write(": ping\n\n"));
                                            response.closeHandler(
                                                    v -> {
                                                        consumer.unregister();
                                                        vertx.cancelTimer(heartbeat);
                                                    });
                                            response.endHandler(
                                                    v -> {
                                                        consumer.unregister();
                                                        vertx.cancelTimer(heartbeat);
                                                    });
                                            // Server shutdown: end the stream (the page reconnects,
                                            // "retry" above) rather than hold it up.
                                            ctx.request()
                                                    .connection()
                                                    .shutdownHandler(
                                                            v -> {
                                                                if (!response.ended()) {
                                                                    response.end();
                                                                }
                                                            });
                                        }));
    }
}
