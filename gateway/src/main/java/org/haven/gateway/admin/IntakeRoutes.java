package org.haven.gateway.admin;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.List;
import org.haven.bot.script.ScriptCheck;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * The intake script and referral directory page for administrators at {@code /inbox/team/intake}:
 * both are edited as YAML; an upload is refused with its {@code file:line} findings when the check
 * finds an error, and otherwise runs at once.
 */
public final class IntakeRoutes {
    private static final int MAX_SIZE = 512 * 1024;

    private final IntakeScripts scripts;
    private final Db db;
    private final SessionGuard guard;
    private final KeyedHash auditKey;

    public IntakeRoutes(IntakeScripts scripts, Db db, SessionGuard guard, KeyedHash auditKey) {
        this.scripts = scripts;
        this.auditKey = auditKey;
        this.db = db;
        this.guard = guard;
    }

    public void mount(Router router) {
        router.get("/inbox/team/intake")
                .handler(
                        ctx ->
                                guard.requireAdmin(
                                        ctx,
                                        s ->
                                                scripts.source()
                                                        .onSuccess(
                                                                src ->
                                                                        page(
                                                                                ctx, s, 200, src,
                                                                                List.of(), null))
                                                        .onFailure(ctx::fail)));
        router.post("/inbox/team/intake")
                .handler(ctx -> guard.requireAdmin(ctx, s -> upload(ctx, s)));
    }

    private void upload(RoutingContext ctx, InboxSession s) {
        String script = field(ctx, "script");
        String directory = field(ctx, "directory");
        IntakeScripts.Source src = new IntakeScripts.Source(script, directory, s.username());
        if (script.isBlank() || script.length() > MAX_SIZE || directory.length() > MAX_SIZE) {
            page(
                    ctx,
                    s,
                    400,
                    src,
                    List.of(
                            new ScriptCheck.Finding(
                                    IntakeScripts.SCRIPT_FILE,
                                    0,
                                    ScriptCheck.Severity.ERROR,
                                    Text.t(s.language(), "intake.too_large"))),
                    null);
            return;
        }
        scripts.upload(src)
                .onSuccess(
                        result -> {
                            if (!result.ok()) {
                                new AuditLog(db, auditKey)
                                        .record(s.username(), "intake_upload_refused", null);
                                page(ctx, s, 400, src, result.findings(), null);
                                return;
                            }
                            new AuditLog(db, auditKey)
                                    .record(s.username(), "intake_uploaded", null);
                            page(
                                    ctx,
                                    s,
                                    200,
                                    src,
                                    result.findings(),
                                    Text.t(s.language(), "intake.in_use"));
                        })
                .onFailure(ctx::fail);
    }

    /**
     * A finding as {@code file:line: message}, naming the file the administrator edited, not a temp
     * path.
     */
    private static String display(ScriptCheck.Finding f) {
        String file =
                f.file() == null
                        ? IntakeScripts.SCRIPT_FILE
                        : Path.of(f.file()).getFileName().toString();
        return file
                + ":"
                + f.line()
                + ": "
                + (f.severity() == ScriptCheck.Severity.WARNING ? "warning: " : "")
                + f.message();
    }

    private static String field(RoutingContext ctx, String name) {
        String v = ctx.request().getFormAttribute(name);
        if (v == null && ctx.fileUploads() != null) {
            v = null;
        }
        return v == null ? "" : v.replace("\r\n", "\n");
    }

    private static void page(
            RoutingContext ctx,
            InboxSession s,
            int status,
            IntakeScripts.Source src,
            List<ScriptCheck.Finding> findings,
            String notice) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder("<p><a href=\"/inbox/team\">← ")
                        .append(Text.t(l, "team"))
                        .append("</a></p><h1>")
                        .append(Text.t(l, "intake.heading"))
                        .append("</h1>");
        b.append(Html.notice(notice));
        boolean errors =
                findings.stream().anyMatch(f -> f.severity() == ScriptCheck.Severity.ERROR);
        if (!findings.isEmpty()) {
            b.append("<section aria-labelledby=\"findings-h\"><h2 id=\"findings-h\">")
                    .append(Text.t(l, errors ? "intake.refused" : "intake.warnings"))
                    .append("</h2><div")
                    .append(errors ? " role=\"alert\"" : "")
                    .append("><ul class=\"findings\" id=\"findings\">");
            for (ScriptCheck.Finding f : findings) {
                b.append("<li class=\"")
                        .append(f.severity() == ScriptCheck.Severity.ERROR ? "error" : "help")
                        .append("\"><code>")
                        .append(Html.esc(display(f)))
                        .append("</code></li>");
            }
            b.append("</ul></div></section>");
        }
        b.append("<p class=\"help\">")
                .append(
                        Html.esc(
                                Text.t(l, "intake.help")
                                        .replace(
                                                "{who}",
                                                src.uploadedBy() == null ? "" : src.uploadedBy())))
                .append("</p>")
                .append("<form method=\"post\" action=\"/inbox/team/intake\" class=\"stack wide\">")
                .append(Html.csrf(s))
                .append("<label for=\"script\">")
                .append(Text.t(l, "intake.script"))
                .append(
                        "</label><textarea id=\"script\" name=\"script\" rows=\"24\""
                                + " spellcheck=\"false\">")
                .append(Html.value(src.script()))
                .append("</textarea>")
                .append("<label for=\"directory\">")
                .append(Text.t(l, "intake.directory"))
                .append(
                        "</label><textarea id=\"directory\" name=\"directory\""
                                + " rows=\"12\" spellcheck=\"false\">")
                .append(Html.value(src.directory()))
                .append("</textarea>")
                .append("<button type=\"submit\" id=\"upload-intake\">")
                .append(Text.t(l, "intake.upload"))
                .append("</button></form>");
        SessionGuard.html(ctx, status, Html.page(l, Text.t(l, "intake"), s, b.toString()));
    }
}
