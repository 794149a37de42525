package org.haven.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.haven.gateway.store.Database;

/** {@code GET /health}: 200 once the database answers, 503 otherwise. */
public final class HealthRoute {
    private HealthRoute() {
    }

    public static void mount(Router router, Database database) {
        router.get("/health").handler(ctx -> database.ping().onComplete(ar -> {
            boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
            ctx.response().setStatusCode(up ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", up ? "ok" : "unavailable")
                            .put("database", up ? "up" : "down").encode());
        }));
    }
}
