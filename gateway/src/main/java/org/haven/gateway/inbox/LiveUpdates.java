package org.haven.gateway.inbox;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.UUID;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.intake.CaseEvents;

/**
 * Live inbox updates: case events go out on the event bus and every open inbox listens through
 * a Server-Sent Events stream at {@code /inbox/events}. Events carry a kind and a case id only;
 * the page then fetches what its user may see.
 */
public final class LiveUpdates implements CaseEvents {
    static final String ADDRESS = "haven.inbox.events";
    private static final long HEARTBEAT_MS = 25_000;

    private final Vertx vertx;

    public LiveUpdates(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public void publish(String kind, UUID caseId) {
        vertx.eventBus().publish(ADDRESS, new JsonObject().put("kind", kind).put("case", caseId.toString()));
    }

    public void mount(Router router, SessionGuard guard) {
        router.get("/inbox/events").handler(ctx -> guard.require(ctx, s -> {
            if (s.isAgency()) {
                ctx.response().setStatusCode(204).end();
                return;
            }
            var response = ctx.response();
            response.setChunked(true)
                    .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("X-Accel-Buffering", "no");
            response.write("retry: 3000\n\n");
            MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(ADDRESS, msg -> {
                if (guard.sessions().find(s.id()).isEmpty()) {
                    response.end();
                    return;
                }
                response.write("event: " + msg.body().getString("kind") + "\ndata: " + msg.body().encode() + "\n\n");
            });
            long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> response.write(": ping\n\n"));
            response.closeHandler(v -> {
                consumer.unregister();
                vertx.cancelTimer(heartbeat);
            });
            response.endHandler(v -> {
                consumer.unregister();
                vertx.cancelTimer(heartbeat);
            });
        }));
    }
}
