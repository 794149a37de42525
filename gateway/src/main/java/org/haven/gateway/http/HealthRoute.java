package org.haven.gateway.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.haven.gateway.store.Database;

/**
 * {@code GET /health}: 200 once the database answers, 503 otherwise. The body says
 * {@code degraded} while acknowledged messages wait in the local spool for the database, while
 * the spool holds quarantined records ({@code spool_quarantined}: damaged or undecryptable records
 * set aside, never replayed; the rest replays), or while the spool cannot be read
 * ({@code spool_unreadable}). The status code depends on the database alone.
 */
public final class HealthRoute {
    private HealthRoute() {
    }

    public static void mount(Router router, Database database, IntSupplier spooled) {
        mount(router, database, spooled, () -> 0, () -> false);
    }

    public static void mount(Router router, Database database, IntSupplier spooled, IntSupplier quarantined,
                             BooleanSupplier unreadable) {
        router.get("/health").handler(ctx -> database.ping().onComplete(ar -> {
            boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
            int waiting = spooled.getAsInt();
            int setAside = quarantined.getAsInt();
            boolean stuck = unreadable.getAsBoolean();
            String status = up ? (waiting == 0 && setAside == 0 && !stuck ? "ok" : "degraded") : (waiting >= 0 ? "degraded" : "unavailable");
            ctx.response().setStatusCode(up ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(new JsonObject().put("status", status).put("database", up ? "up" : "down")
                            .put("spooled", waiting).put("spool_quarantined", setAside).put("spool_unreadable", stuck).encode());
        }));
    }
}
