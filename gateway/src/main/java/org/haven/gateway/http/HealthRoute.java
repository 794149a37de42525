package org.haven.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.IntSupplier;
import org.haven.gateway.store.Database;

/**
 * {@code GET /health}: 200 once the database answers, 503 otherwise. The body says
 * {@code degraded} while acknowledged messages wait in the local spool for the database.
 */
public final class HealthRoute {
    private HealthRoute() {
    }

    public static void mount(Router router, Database database, IntSupplier spooled) {
        router.get("/health").handler(ctx -> database.ping().onComplete(ar -> {
            boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
            int waiting = spooled.getAsInt();
            String status = up ? (waiting == 0 ? "ok" : "degraded") : (waiting >= 0 ? "degraded" : "unavailable");
            ctx.response().setStatusCode(up ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", status).put("database", up ? "up" : "down")
                            .put("spooled", waiting).encode());
        }));
    }
}
