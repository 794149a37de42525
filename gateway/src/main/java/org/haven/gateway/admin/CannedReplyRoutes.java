package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.intake.ActiveScript;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CannedReplyStore;
import org.haven.gateway.store.CannedReplyStore.CannedReply;
import org.haven.gateway.store.CannedReplyStore.Version;
import org.haven.gateway.store.Db;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * The Canned replies page for administrators at {@code /inbox/team/canned}: the replies
 * coordinators pick on a case, in order, each with a title and a text per language of the intake
 * script (right to left where the script says so). Administrators add, edit, move and delete them;
 * each change is audited by the reply's id, never its words, and the page never logs them.
 */
public final class CannedReplyRoutes {
    private static final String BASE = "/inbox/team/canned";
    private static final Set<String> NOTICES =
            Set.of("canned.added", "canned.saved", "canned.moved", "canned.deleted");

    private final Db db;
    private final SessionGuard guard;
    private final KeyedHash auditKey;
    private final ActiveScript script;

    public CannedReplyRoutes(Db db, SessionGuard guard, KeyedHash auditKey, ActiveScript script) {
        this.db = db;
        this.guard = guard;
        this.auditKey = auditKey;
        this.script = script;
    }

    public void mount(Router router) {
        router.get(BASE).handler(ctx -> guard.requireAdmin(ctx, s -> list(ctx, s)));
        router.post(BASE).handler(ctx -> guard.requireAdmin(ctx, s -> add(ctx, s)));
        router.get(BASE + "/new")
                .handler(
                        ctx ->
                                guard.requireAdmin(
                                        ctx,
                                        s -> form(ctx, s, 200, null, Map.of(), List.of(), null)));
        router.get(BASE + "/:id")
                .handler(ctx -> guard.requireAdmin(ctx, s -> withReply(ctx, s, this::edit)));
        router.post(BASE + "/:id")
                .handler(ctx -> guard.requireAdmin(ctx, s -> withReply(ctx, s, this::save)));
        router.post(BASE + "/:id/up")
                .handler(ctx -> guard.requireAdmin(ctx, s -> move(ctx, s, true)));
        router.post(BASE + "/:id/down")
                .handler(ctx -> guard.requireAdmin(ctx, s -> move(ctx, s, false)));
        router.post(BASE + "/:id/delete")
                .handler(ctx -> guard.requireAdmin(ctx, s -> delete(ctx, s)));
    }

    private interface WithReply {
        void handle(RoutingContext ctx, InboxSession s, CannedReply reply);
    }

    private void withReply(RoutingContext ctx, InboxSession s, WithReply then) {
        Optional<Long> id = id(ctx);
        if (id.isEmpty()) {
            ctx.fail(404);
            return;
        }
        CannedReplyStore.find(db, id.get())
                .onSuccess(
                        r -> {
                            if (r.isEmpty()) {
                                back(ctx, "canned.gone");
                            } else {
                                then.handle(ctx, s, r.get());
                            }
                        })
                .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx, InboxSession s) {
        CannedReplyStore.list(db)
                .onSuccess(all -> SessionGuard.html(ctx, 200, listPage(ctx, s, all)))
                .onFailure(ctx::fail);
    }

    private void edit(RoutingContext ctx, InboxSession s, CannedReply reply) {
        form(
                ctx,
                s,
                200,
                reply.id(),
                reply.versions(),
                List.copyOf(reply.versions().keySet()),
                null);
    }

    private void add(RoutingContext ctx, InboxSession s) {
        List<String> languages = languages(List.of());
        Map<String, Version> typed = typed(ctx, languages);
        String problem = problem(s.language(), ctx, languages);
        if (problem != null) {
            form(ctx, s, 400, null, typed, List.of(), problem);
            return;
        }
        db.transaction(
                        tx ->
                                CannedReplyStore.add(tx, typed)
                                        .compose(
                                                id ->
                                                        audit(tx, s, "canned_reply_added:" + id)
                                                                .map(id)))
                .onSuccess(id -> back(ctx, "canned.added"))
                .onFailure(ctx::fail);
    }

    private void save(RoutingContext ctx, InboxSession s, CannedReply reply) {
        List<String> kept = List.copyOf(reply.versions().keySet());
        List<String> languages = languages(kept);
        Map<String, Version> typed = typed(ctx, languages);
        String problem = problem(s.language(), ctx, languages);
        if (problem != null) {
            form(ctx, s, 400, reply.id(), typed, kept, problem);
            return;
        }
        db.transaction(
                        tx ->
                                CannedReplyStore.replace(tx, reply.id(), typed)
                                        .compose(
                                                done ->
                                                        done
                                                                ? audit(
                                                                                tx,
                                                                                s,
                                                                                "canned_reply_edited:"
                                                                                        + reply
                                                                                                .id())
                                                                        .map(true)
                                                                : Future.succeededFuture(false)))
                .onSuccess(done -> back(ctx, done ? "canned.saved" : "canned.gone"))
                .onFailure(ctx::fail);
    }

    private void move(RoutingContext ctx, InboxSession s, boolean up) {
        Optional<Long> id = id(ctx);
        if (id.isEmpty()) {
            ctx.fail(404);
            return;
        }
        db.transaction(
                        tx ->
                                CannedReplyStore.move(tx, id.get(), up)
                                        .compose(
                                                done ->
                                                        done
                                                                ? audit(
                                                                                tx,
                                                                                s,
                                                                                "canned_reply_moved:"
                                                                                        + id.get())
                                                                        .map(true)
                                                                : Future.succeededFuture(false)))
                .onSuccess(done -> back(ctx, done ? "canned.moved" : null))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx, InboxSession s) {
        Optional<Long> id = id(ctx);
        if (id.isEmpty()) {
            ctx.fail(404);
            return;
        }
        db.transaction(
                        tx ->
                                CannedReplyStore.delete(tx, id.get())
                                        .compose(
                                                done ->
                                                        done
                                                                ? audit(
                                                                                tx,
                                                                                s,
                                                                                "canned_reply_deleted:"
                                                                                        + id.get())
                                                                        .map(true)
                                                                : Future.succeededFuture(false)))
                .onSuccess(done -> back(ctx, done ? "canned.deleted" : "canned.gone"))
                .onFailure(ctx::fail);
    }

    private Future<Void> audit(Db tx, InboxSession s, String action) {
        return new AuditLog(tx, auditKey).record(s.username(), action, null);
    }

    private static Optional<Long> id(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        return id != null && id.matches("[0-9]{1,18}")
                ? Optional.of(Long.parseLong(id))
                : Optional.empty();
    }

    private static void back(RoutingContext ctx, String message) {
        ctx.response()
                .setStatusCode(303)
                .putHeader("Location", BASE + (message == null ? "" : "?m=" + message))
                .end();
    }

    /** The script's languages, then any other a reply has (kept when the script dropped one). */
    private List<String> languages(List<String> kept) {
        List<String> out = new ArrayList<>();
        script.languages().forEach(l -> out.add(l.code()));
        kept.stream().filter(l -> !out.contains(l)).forEach(out::add);
        return out;
    }

    private String name(String code) {
        return script.languages().stream()
                .filter(l -> l.code().equals(code))
                .map(l -> l.name())
                .findFirst()
                .orElse(code);
    }

    private String dir(String code) {
        return script.rtl(code) ? "rtl" : "auto";
    }

    private static String field(RoutingContext ctx, String name) {
        String v = ctx.request().getFormAttribute(name);
        return v == null ? "" : v.replace("\r\n", "\n").strip();
    }

    /** The titles and texts typed, for the languages with both. */
    private static Map<String, Version> typed(RoutingContext ctx, List<String> languages) {
        Map<String, Version> out = new LinkedHashMap<>();
        for (String l : languages) {
            String title = field(ctx, "title_" + l);
            String text = field(ctx, "text_" + l);
            if (!title.isEmpty() || !text.isEmpty()) {
                out.put(l, new Version(title, text));
            }
        }
        return out;
    }

    /** What is wrong with the form, in the administrator's language; null when nothing. */
    private static String problem(String l, RoutingContext ctx, List<String> languages) {
        Map<String, Version> typed = typed(ctx, languages);
        if (typed.isEmpty()) {
            return Text.t(l, "canned.empty");
        }
        for (Map.Entry<String, Version> e : typed.entrySet()) {
            Version v = e.getValue();
            if (v.title().isEmpty() || v.text().isEmpty()) {
                return Text.t(l, "canned.incomplete", e.getKey());
            }
            if (v.title().length() > CannedReplyStore.MAX_TITLE
                    || v.text().length() > CannedReplyStore.MAX_TEXT) {
                return Text.t(l, "canned.too_long", e.getKey());
            }
        }
        return null;
    }

    private String listPage(RoutingContext ctx, InboxSession s, List<CannedReply> all) {
        String l = s.language();
        StringBuilder b = new StringBuilder("<h1>").append(Text.t(l, "canned")).append("</h1>");
        String m = ctx.request().getParam("m");
        if (m != null && NOTICES.contains(m)) {
            b.append(Html.notice(Text.t(l, m)));
        } else if ("canned.gone".equals(m)) {
            b.append(Html.error(Text.t(l, m)));
        }
        b.append("<p class=\"help\">").append(Html.esc(Text.t(l, "canned.help"))).append("</p>");
        b.append("<p class=\"actions\"><a href=\"")
                .append(BASE)
                .append("/new\" id=\"add-canned\">")
                .append(Text.t(l, "canned.add"))
                .append("</a></p>");
        if (all.isEmpty()) {
            b.append("<p>").append(Text.t(l, "canned.none")).append("</p>");
        } else {
            b.append("<ol class=\"canned-list\" id=\"canned-list\">");
            for (int i = 0; i < all.size(); i++) {
                b.append(item(s, all.get(i), i == 0, i == all.size() - 1));
            }
            b.append("</ol>");
        }
        return Html.page(l, Text.t(l, "canned"), s, b.toString());
    }

    private String item(InboxSession s, CannedReply r, boolean first, boolean last) {
        String l = s.language();
        String shown =
                r.in(l).isPresent()
                        ? l
                        : r.in("en").isPresent() ? "en" : r.versions().keySet().iterator().next();
        String heading = "canned-h-" + r.id();
        StringBuilder b =
                new StringBuilder("<li id=\"canned-")
                        .append(r.id())
                        .append("\"><h2 id=\"")
                        .append(heading)
                        .append("\" lang=\"")
                        .append(shown)
                        .append("\" dir=\"auto\">")
                        .append(Html.esc(r.in(shown).orElseThrow().title()))
                        .append("</h2><p class=\"help\">")
                        .append(Text.t(l, "canned.languages"))
                        .append(
                                names(
                                        languages(List.copyOf(r.versions().keySet())).stream()
                                                .filter(x -> r.in(x).isPresent())
                                                .toList()));
        List<String> missing =
                script.languages().stream()
                        .map(x -> x.code())
                        .filter(x -> r.in(x).isEmpty())
                        .toList();
        if (!missing.isEmpty()) {
            b.append(". ").append(Text.t(l, "canned.missing")).append(names(missing));
        }
        b.append("</p><div class=\"canned-actions\"><a href=\"")
                .append(BASE)
                .append("/")
                .append(r.id())
                .append("\" id=\"edit-")
                .append(r.id())
                .append("\" aria-describedby=\"")
                .append(heading)
                .append("\">")
                .append(Text.t(l, "canned.edit"))
                .append("</a> ");
        if (!first) {
            b.append(button(s, r.id(), "up", "canned.up", heading, null));
        }
        if (!last) {
            b.append(button(s, r.id(), "down", "canned.down", heading, null));
        }
        b.append(
                button(
                        s,
                        r.id(),
                        "delete",
                        "canned.delete",
                        heading,
                        Text.t(l, "confirm.canned_delete", r.in(shown).orElseThrow().title())));
        return b.append("</div></li>").toString();
    }

    private static String button(
            InboxSession s, long id, String action, String word, String heading, String confirm) {
        return "<form method=\"post\" class=\"inline\" action=\""
                + BASE
                + "/"
                + id
                + "/"
                + action
                + "\""
                + (confirm == null ? "" : " data-confirm=\"" + Html.esc(confirm) + "\"")
                + ">"
                + Html.csrf(s)
                + "<button type=\"submit\" class=\"secondary\" id=\""
                + action
                + "-"
                + id
                + "\" aria-describedby=\""
                + heading
                + "\">"
                + Text.t(s.language(), word)
                + "</button></form> ";
    }

    private String names(List<String> codes) {
        List<String> out = new ArrayList<>();
        for (String c : codes) {
            out.add("<span lang=\"" + Html.esc(c) + "\">" + Html.esc(name(c)) + "</span>");
        }
        return String.join(", ", out);
    }

    private void form(
            RoutingContext ctx,
            InboxSession s,
            int status,
            Long id,
            Map<String, Version> values,
            List<String> kept,
            String problem) {
        String l = s.language();
        String heading = Text.t(l, id == null ? "canned.add" : "canned.edit.heading");
        StringBuilder b =
                new StringBuilder("<p><a href=\"")
                        .append(BASE)
                        .append("\">← ")
                        .append(Text.t(l, "canned.cancel"))
                        .append("</a></p><h1>")
                        .append(heading)
                        .append("</h1>")
                        .append(Html.error(problem))
                        .append("<p class=\"help\" id=\"canned-form-help\">")
                        .append(Text.t(l, "canned.form.help"))
                        .append("</p><form method=\"post\" action=\"")
                        .append(BASE)
                        .append(id == null ? "" : "/" + id)
                        .append("\" class=\"stack canned-form\">")
                        .append(Html.csrf(s));
        for (String code : languages(kept)) {
            Version v = values.getOrDefault(code, new Version("", ""));
            String c = Html.esc(code);
            b.append("<fieldset><legend><span lang=\"")
                    .append(c)
                    .append("\" dir=\"")
                    .append(dir(code))
                    .append("\">")
                    .append(Html.esc(name(code)))
                    .append("</span> (")
                    .append(c)
                    .append(")</legend><label for=\"title-")
                    .append(c)
                    .append("\">")
                    .append(Text.t(l, "canned.title"))
                    .append("</label><input type=\"text\" id=\"title-")
                    .append(c)
                    .append("\" name=\"title_")
                    .append(c)
                    .append("\" lang=\"")
                    .append(c)
                    .append("\" dir=\"")
                    .append(dir(code))
                    .append("\" maxlength=\"")
                    .append(CannedReplyStore.MAX_TITLE)
                    .append("\" value=\"")
                    .append(Html.value(v.title()))
                    .append("\"><label for=\"text-")
                    .append(c)
                    .append("\">")
                    .append(Text.t(l, "canned.text"))
                    .append("</label><textarea id=\"text-")
                    .append(c)
                    .append("\" name=\"text_")
                    .append(c)
                    .append("\" lang=\"")
                    .append(c)
                    .append("\" dir=\"")
                    .append(dir(code))
                    .append("\" rows=\"3\" maxlength=\"")
                    .append(CannedReplyStore.MAX_TEXT)
                    .append("\">")
                    .append(Html.value(v.text()))
                    .append("</textarea></fieldset>");
        }
        b.append("<button type=\"submit\" id=\"save-canned\">")
                .append(Text.t(l, "canned.save"))
                .append("</button></form>");
        SessionGuard.html(ctx, status, Html.page(l, heading, s, b.toString()));
    }
}
