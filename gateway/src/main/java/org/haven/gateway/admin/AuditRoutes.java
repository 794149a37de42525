package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.haven.gateway.web.Times;

/**
 * The audit log page for administrators at {@code /inbox/audit}: entries newest first, filtered by
 * actor, action, case and dates, and whether the hash chain verifies (re-checked at most once a
 * minute).
 */
public final class AuditRoutes {
    private static final int LIMIT = 200;
    private static final long VERIFY_EVERY_MS = 60_000;

    private final Db db;
    private final SessionGuard guard;
    private final KeyedHash auditKey;
    private volatile AuditLog.Verification lastVerification;
    private volatile long verifiedAt;

    public AuditRoutes(Db db, SessionGuard guard, KeyedHash auditKey) {
        this.db = db;
        this.guard = guard;
        this.auditKey = auditKey;
    }

    public void mount(Router router) {
        router.get("/inbox/audit")
                .handler(
                        ctx ->
                                guard.require(
                                        ctx,
                                        s -> {
                                            if (!s.isAdmin()) {
                                                SessionGuard.html(
                                                        ctx,
                                                        403,
                                                        Html.page(
                                                                s.language(),
                                                                Text.t(s.language(), "refused"),
                                                                s,
                                                                "<h1>"
                                                                        + Text.t(
                                                                                s.language(),
                                                                                "refused")
                                                                        + "</h1>"
                                                                        + Html.error(
                                                                                Text.t(
                                                                                        s
                                                                                                .language(),
                                                                                        "audit.admins_only"))));
                                                return;
                                            }
                                            page(ctx, s);
                                        }));
    }

    private void page(RoutingContext ctx, InboxSession s) {
        String actor = param(ctx, "actor");
        String action = param(ctx, "action");
        String caseRaw = param(ctx, "case");
        String fromRaw = param(ctx, "from");
        String toRaw = param(ctx, "to");
        String error = null;
        UUID caseId = null;
        OffsetDateTime from = null;
        OffsetDateTime to = null;
        try {
            caseId = caseRaw == null ? null : UUID.fromString(caseRaw);
        } catch (IllegalArgumentException e) {
            error = "audit.bad_case";
        }
        try {
            from =
                    fromRaw == null
                            ? null
                            : LocalDate.parse(fromRaw).atStartOfDay().atOffset(ZoneOffset.UTC);
            to =
                    toRaw == null
                            ? null
                            : LocalDate.parse(toRaw)
                                    .plusDays(1)
                                    .atStartOfDay()
                                    .atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            error = "audit.bad_date";
        }
        AuditLog log = new AuditLog(db, auditKey);
        AuditLog.Query q = new AuditLog.Query(actor, action, caseId, from, to, LIMIT);
        Future<List<AuditLog.Entry>> entries =
                error == null ? AuditLog.list(db, q) : Future.succeededFuture(List.of());
        String problem = error;
        Future.all(entries, verification(log))
                .compose(cf -> log.record(s.username(), "audit_view", null).map(cf))
                .onSuccess(
                        cf -> {
                            List<AuditLog.Entry> list = cf.resultAt(0);
                            AuditLog.Verification v = cf.resultAt(1);
                            String l = s.language();
                            StringBuilder b =
                                    new StringBuilder("<h1>")
                                            .append(Text.t(l, "audit"))
                                            .append("</h1>");
                            if (v.intact()) {
                                b.append("<p class=\"notice\" role=\"status\" id=\"chain-status\">")
                                        .append(
                                                Html.esc(
                                                        Text.t(l, "audit.intact")
                                                                .replace(
                                                                        "{entries}",
                                                                        Long.toString(
                                                                                v.entries()))));
                                if (v.keyedFrom() > 0) {
                                    b.append(' ')
                                            .append(
                                                    Html.esc(
                                                            Text.t(s.language(), "audit.keyed")
                                                                    .replace(
                                                                            "{entry}",
                                                                            Long.toString(
                                                                                    v.keyedFrom()))
                                                                    .replace(
                                                                            "{when}",
                                                                            time(v.keyedAt()))));
                                }
                                b.append("</p>");
                                if (v.keyedFrom() == 0 && v.entries() > 0) {
                                    b.append(Html.error(Text.t(s.language(), "audit.unkeyed")));
                                }
                            } else {
                                b.append("<p class=\"error\" role=\"alert\" id=\"chain-status\">")
                                        .append(
                                                Html.esc(
                                                        Text.t(l, "audit.broken")
                                                                .replace(
                                                                        "{entry}",
                                                                        v.firstBreak()
                                                                                .get()
                                                                                .toString())))
                                        .append("</p>");
                            }
                            b.append(Html.error(problem == null ? null : Text.t(l, problem)));
                            b.append(
                                            "<form method=\"get\" action=\"/inbox/audit\" class=\"filters\">")
                                    .append(field("actor", Text.t(l, "audit.actor"), actor, "text"))
                                    .append(
                                            field(
                                                    "action",
                                                    Text.t(l, "audit.action_prefix"),
                                                    action,
                                                    "text"))
                                    .append(
                                            field(
                                                    "case",
                                                    Text.t(l, "audit.case_id"),
                                                    caseRaw,
                                                    "text"))
                                    .append(field("from", Text.t(l, "audit.from"), fromRaw, "date"))
                                    .append(field("to", Text.t(l, "audit.until"), toRaw, "date"))
                                    .append("<button type=\"submit\">")
                                    .append(Text.t(s.language(), "filter"))
                                    .append("</button></form>");
                            b.append("<table class=\"queue\"><caption>")
                                    .append(
                                            Html.esc(
                                                    Text.t(l, "audit.caption")
                                                            .replace(
                                                                    "{limit}",
                                                                    Integer.toString(LIMIT))))
                                    .append(
                                            "</caption><thead><tr><th scope=\"col\">#</th><th scope=\"col\">")
                                    .append(Text.t(l, "audit.time"))
                                    .append("</th><th scope=\"col\">")
                                    .append(Text.t(l, "audit.actor"))
                                    .append("</th><th scope=\"col\">")
                                    .append(Text.t(l, "audit.action"))
                                    .append("</th><th scope=\"col\">")
                                    .append(Text.t(l, "audit.case"))
                                    .append("</th></tr></thead><tbody>");
                            for (AuditLog.Entry e : list) {
                                b.append("<tr><td>")
                                        .append(e.id())
                                        .append("</td><td><time>")
                                        .append(time(e.at()))
                                        .append("</time></td><td>")
                                        .append(Html.esc(e.actor()))
                                        .append("</td><td>")
                                        .append(Html.esc(e.action()))
                                        .append("</td><td>");
                                if (e.caseId() != null) {
                                    b.append("<a href=\"/inbox/audit?case=")
                                            .append(e.caseId())
                                            .append("\">")
                                            .append(e.caseId().toString(), 0, 8)
                                            .append("…</a>");
                                } else {
                                    b.append("—");
                                }
                                b.append("</td></tr>");
                            }
                            if (list.isEmpty()) {
                                b.append("<tr><td colspan=\"5\">")
                                        .append(Text.t(l, "audit.none"))
                                        .append("</td></tr>");
                            }
                            b.append("</tbody></table>");
                            SessionGuard.html(
                                    ctx,
                                    problem == null ? 200 : 400,
                                    Html.page(
                                            s.language(),
                                            Text.t(s.language(), "audit"),
                                            s,
                                            b.toString()));
                        })
                .onFailure(ctx::fail);
    }

    private Future<AuditLog.Verification> verification(AuditLog log) {
        AuditLog.Verification last = lastVerification;
        if (last != null && System.currentTimeMillis() - verifiedAt < VERIFY_EVERY_MS) {
            return Future.succeededFuture(last);
        }
        return log.verify()
                .onSuccess(
                        v -> {
                            lastVerification = v;
                            verifiedAt = System.currentTimeMillis();
                        });
    }

    private static String field(String name, String label, String value, String type) {
        return "<label for=\"audit-"
                + name
                + "\">"
                + Html.esc(label)
                + "</label><input id=\"audit-"
                + name
                + "\" name=\""
                + name
                + "\" type=\""
                + type
                + "\" value=\""
                + Html.value(value)
                + "\">";
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * An audit time in full, to the second, in UTC: {@code 2026-03-01 09:30:00 UTC} (never {@code
     * 09:30}, which hides that the seconds were zero), as every inbox page shows times.
     */
    static String time(OffsetDateTime at) {
        return Times.full(at);
    }
}
