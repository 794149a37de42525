package org.haven.gateway.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.store.DashboardStats;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * The dashboard at {@code /inbox/dashboard}: cases per week by channel, triage outcomes, time to
 * the first human reply, open cases per working group. Charts are drawn by Chart.js, served by
 * Haven itself from its WebJar; every chart has a data table beside it for screen readers and for
 * anyone without scripts.
 */
public final class DashboardRoutes {
    private static final String CHART_JS =
            "/META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";

    private final DashboardStats stats;
    private final SessionGuard guard;
    private final Buffer chartJs;

    public DashboardRoutes(DashboardStats stats, SessionGuard guard) {
        this.stats = stats;
        this.guard = guard;
        this.chartJs = load(CHART_JS);
    }

    private static Buffer load(String resource) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("chart library missing from the jar: " + resource);
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void mount(Router router) {
        router.get("/inbox/assets/chart.umd.js")
                .handler(
                        ctx ->
                                ctx.response()
                                        .putHeader("Content-Type", "text/javascript; charset=utf-8")
                                        .putHeader("Cache-Control", "private, max-age=86400")
                                        .end(chartJs));
        router.get("/inbox/dashboard.js")
                .handler(
                        ctx ->
                                ctx.vertx()
                                        .fileSystem()
                                        .readFile("webroot/inbox/dashboard.js")
                                        .onSuccess(
                                                b ->
                                                        ctx.response()
                                                                .putHeader(
                                                                        "Content-Type",
                                                                        "text/javascript; charset=utf-8")
                                                                .end(b))
                                        .onFailure(e -> ctx.fail(404)));
        router.get("/inbox/dashboard")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            if (s.isAgency()) {
                                                SessionGuard.html(
                                                        ctx,
                                                        403,
                                                        Html.page(
                                                                s.language(),
                                                                "Refused",
                                                                s,
                                                                "<h1>Refused</h1>"));
                                                return;
                                            }
                                            stats.load()
                                                    .onSuccess(
                                                            data ->
                                                                    SessionGuard.html(
                                                                            ctx,
                                                                            200,
                                                                            page(s, data)))
                                                    .onFailure(ctx::fail);
                                        }));
        router.get("/inbox/dashboard.json")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            if (s.isAgency()) {
                                                ctx.response().setStatusCode(403).end();
                                                return;
                                            }
                                            stats.load()
                                                    .onSuccess(
                                                            data ->
                                                                    ctx.response()
                                                                            .putHeader(
                                                                                    "Content-Type",
                                                                                    "application/json")
                                                                            .end(data.encode()))
                                                    .onFailure(ctx::fail);
                                        }));
    }

    private static String page(InboxSession s, JsonObject data) {
        String l = s.language();
        StringBuilder b = new StringBuilder("<h1>").append(Text.t(l, "dash.title")).append("</h1>");
        b.append("<p class=\"help\">").append(Text.t(l, "dash.privacy")).append("</p>");
        b.append("<div class=\"charts\">");
        b.append(
                chart(
                        "weekly",
                        Text.t(l, "dash.weekly"),
                        table(
                                data.getJsonArray("weekly"),
                                new String[] {"week", "channel", "n"},
                                new String[] {
                                    Text.t(l, "dash.week"),
                                    Text.t(l, "col.channel"),
                                    Text.t(l, "dash.cases")
                                })));
        JsonArray triage = new JsonArray();
        data.getJsonArray("triage")
                .forEach(
                        o -> {
                            JsonObject r = ((JsonObject) o).copy();
                            r.put("label", Text.t(l, "triage." + r.getString("triage")));
                            triage.add(r);
                        });
        data.put("triage", triage);
        b.append(
                chart(
                        "triage",
                        Text.t(l, "dash.triage"),
                        table(
                                triage,
                                new String[] {"label", "n"},
                                new String[] {Text.t(l, "col.triage"), Text.t(l, "dash.cases")})));
        b.append(
                chart(
                        "replies",
                        Text.t(l, "dash.replies"),
                        table(
                                data.getJsonArray("replies"),
                                new String[] {"week", "p50", "p90", "n"},
                                new String[] {
                                    Text.t(l, "dash.week"),
                                    Text.t(l, "dash.median"),
                                    Text.t(l, "dash.p90"),
                                    Text.t(l, "dash.cases")
                                })));
        b.append(
                chart(
                        "open",
                        Text.t(l, "dash.open"),
                        table(
                                data.getJsonArray("open"),
                                new String[] {"working_group", "queued", "in_progress", "urgent"},
                                new String[] {
                                    Text.t(l, "col.group"),
                                    Text.t(l, "status.queued"),
                                    Text.t(l, "status.claimed"),
                                    "Urgent"
                                })));
        b.append("</div>");
        // Data for the charts: JSON in a non-executed script element (allowed by the CSP), escaped
        // for HTML.
        b.append("<script type=\"application/json\" id=\"dashboard-data\">")
                .append(
                        data.encode()
                                .replace("<", "\\u003c")
                                .replace(">", "\\u003e")
                                .replace("&", "\\u0026"))
                .append("</script><script src=\"/inbox/assets/chart.umd.js\" defer></script>")
                .append("<script src=\"/inbox/dashboard.js\" defer></script>");
        return Html.page(l, Text.t(l, "dash.title"), s, b.toString());
    }

    private static String chart(String id, String title, String table) {
        return "<section class=\"chart\" aria-labelledby=\"h-"
                + id
                + "\"><h2 id=\"h-"
                + id
                + "\">"
                + Html.esc(title)
                + "</h2>"
                + "<canvas id=\"chart-"
                + id
                + "\" role=\"img\" aria-label=\""
                + Html.esc(title)
                + "\" height=\"220\"></canvas>"
                + "<details><summary>"
                + Html.esc(title)
                + " — table</summary>"
                + table
                + "</details></section>";
    }

    private static String table(JsonArray rows, String[] keys, String[] headers) {
        StringBuilder b = new StringBuilder("<table class=\"queue\"><thead><tr>");
        for (String h : headers) {
            b.append("<th scope=\"col\">").append(Html.esc(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        for (Object o : rows) {
            JsonObject r = (JsonObject) o;
            b.append("<tr>");
            for (String k : keys) {
                Object v = r.getValue(k);
                String text =
                        v instanceof Double d && d == Math.rint(d)
                                ? String.valueOf(d.longValue())
                                : String.valueOf(v);
                b.append("<td>").append(Html.esc(v == null ? "" : text)).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table>").toString();
    }
}
