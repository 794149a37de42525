package org.haven.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.haven.gateway.store.Database;

/**
 * The gateway's health, for people and for probes.
 *
 * <ul>
 *   <li>{@code GET /health}: 200 once the database answers, 503 otherwise. The body says {@code
 *       degraded} while acknowledged messages wait in the local spool for the database, while the
 *       spool holds quarantined records ({@code spool_quarantined}: damaged or undecryptable
 *       records set aside, never replayed; the rest replays), or while the spool cannot be read
 *       ({@code spool_unreadable}).
 *   <li>{@code GET /health/live}: 200 whenever the process answers at all (its event loop runs).
 *       For liveness probes: a database outage must restart nothing.
 *   <li>{@code GET /health/ready}: 200 while the gateway can take messages without losing them: the
 *       database answers, or the spool accepts them for it. For readiness probes and the proxy's
 *       health checks: during a database outage every gateway stays in rotation, so webhooks and
 *       chats reach the spool. A gateway that found acknowledged messages in its spool when it
 *       started is not ready while the database answers until it has replayed them ({@code
 *       spool_replayed_at_start}): a rolling update or a restart moves on to the next gateway only
 *       once this one's spool is in the database. Nor is a gateway ready before its warm-up has run
 *       ({@code warm}; see {@code warmup.WarmUp}).
 * </ul>
 */
public final class HealthRoute {
    private HealthRoute() {}

    public static void mount(Router router, Database database, IntSupplier spooled) {
        mount(router, database, spooled, () -> 0, () -> false, () -> true, () -> true);
    }

    /**
     * Mounts the three routes. {@code replayedAtStart} says whether the messages the spool held
     * when the gateway started are all in the database now (true when there were none); {@code
     * warm}, whether the gateway's warm-up has run (until then it is not ready: the first messages
     * would meet cold code).
     */
    public static void mount(
            Router router,
            Database database,
            IntSupplier spooled,
            IntSupplier quarantined,
            BooleanSupplier unreadable,
            BooleanSupplier replayedAtStart,
            BooleanSupplier warm) {
        router.get("/health/live")
                .handler(ctx -> answer(ctx, 200, new JsonObject().put("status", "live")));
        router.get("/health/ready")
                .handler(
                        ctx ->
                                state(database, spooled, quarantined, unreadable)
                                        .onSuccess(
                                                s -> {
                                                    boolean spoolAccepts =
                                                            s.getInteger("spooled") >= 0
                                                                    && !s.getBoolean(
                                                                            "spool_unreadable");
                                                    boolean caughtUp =
                                                            replayedAtStart.getAsBoolean();
                                                    // with the database up, the spool found at
                                                    // start goes first; with it down, the spool
                                                    // takes messages
                                                    boolean warmed = warm.getAsBoolean();
                                                    boolean ready =
                                                            warmed
                                                                    && ("up"
                                                                                    .equals(
                                                                                            s
                                                                                                    .getString(
                                                                                                            "database"))
                                                                            ? caughtUp
                                                                            : spoolAccepts);
                                                    answer(
                                                            ctx,
                                                            ready ? 200 : 503,
                                                            s.put(
                                                                            "spool_replayed_at_start",
                                                                            caughtUp)
                                                                    .put("warm", warmed)
                                                                    .put("ready", ready));
                                                }));
        router.get("/health")
                .handler(
                        ctx ->
                                state(database, spooled, quarantined, unreadable)
                                        .onSuccess(
                                                s ->
                                                        answer(
                                                                ctx,
                                                                "up".equals(s.getString("database"))
                                                                        ? 200
                                                                        : 503,
                                                                s)));
    }

    private static Future<JsonObject> state(
            Database database,
            IntSupplier spooled,
            IntSupplier quarantined,
            BooleanSupplier unreadable) {
        return database.ping()
                .transform(
                        ar -> {
                            boolean up = ar.succeeded() && Boolean.TRUE.equals(ar.result());
                            int waiting = spooled.getAsInt();
                            int setAside = quarantined.getAsInt();
                            boolean stuck = unreadable.getAsBoolean();
                            String status =
                                    up
                                            ? (waiting == 0 && setAside == 0 && !stuck
                                                    ? "ok"
                                                    : "degraded")
                                            : (waiting >= 0 ? "degraded" : "unavailable");
                            return Future.succeededFuture(
                                    new JsonObject()
                                            .put("status", status)
                                            .put("database", up ? "up" : "down")
                                            .put("spooled", waiting)
                                            .put("spool_quarantined", setAside)
                                            .put("spool_unreadable", stuck));
                        });
    }

    private static void answer(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }
}
