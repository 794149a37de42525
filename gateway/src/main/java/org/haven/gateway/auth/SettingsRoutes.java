package org.haven.gateway.auth;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.haven.gateway.store.AccountPreferences;
import org.haven.gateway.store.Db;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * {@code /inbox/settings}: one account's own settings, for every role: the inbox's language, the
 * passphrase (changed on {@link PassphraseRoutes}' page), whether sensitive answers are hidden on
 * the case page ({@link AccountPreferences}), and the keyboard shortcuts. Nothing here is secret,
 * so it is one page of links and small forms.
 */
final class SettingsRoutes {
    private final SessionGuard guard;
    private final Db db;

    SettingsRoutes(SessionGuard guard, Db db) {
        this.guard = guard;
        this.db = db;
    }

    void mount(Router router) {
        router.get("/inbox/settings").handler(ctx -> guard.require(ctx, s -> page(ctx, s)));
        router.post("/inbox/settings/sensitive")
                .handler(ctx -> guard.require(ctx, s -> saveSensitive(ctx, s)));
    }

    private void page(RoutingContext ctx, InboxSession s) {
        String l = s.language();
        AccountPreferences.hidesSensitive(db, s.accountId())
                .onSuccess(
                        hide -> {
                            StringBuilder b =
                                    new StringBuilder("<h1>")
                                            .append(Text.t(l, "settings"))
                                            .append("</h1>")
                                            .append(saved(ctx, l))
                                            .append(language(s))
                                            .append(sensitive(s, hide))
                                            .append(passphrase(l))
                                            .append(shortcuts(l));
                            SessionGuard.html(
                                    ctx, 200, Html.page(l, Text.t(l, "settings"), s, b.toString()));
                        })
                .onFailure(ctx::fail);
    }

    private static String saved(RoutingContext ctx, String l) {
        return "sensitive".equals(ctx.request().getParam("saved"))
                ? Html.notice(Text.t(l, "settings.sensitive.saved"))
                : "";
    }

    /** The checkbox is sent only when ticked: its absence turns hiding off. */
    private void saveSensitive(RoutingContext ctx, InboxSession s) {
        boolean hide = "yes".equals(ctx.request().getFormAttribute("hide_sensitive"));
        AccountPreferences.hideSensitive(db, s.accountId(), hide)
                .onSuccess(v -> ctx.redirect("/inbox/settings?saved=sensitive"))
                .onFailure(ctx::fail);
    }

    private static String sensitive(InboxSession s, boolean hide) {
        String l = s.language();
        return "<section aria-labelledby=\"settings-sensitive\"><h2 id=\"settings-sensitive\">"
                + Text.t(l, "settings.sensitive")
                + "</h2><form method=\"post\" action=\"/inbox/settings/sensitive\" class=\"stack\">"
                + Html.csrf(s)
                + "<p class=\"help\" id=\"sensitive-help\">"
                + Text.t(l, "settings.sensitive.help")
                + "</p><label class=\"check\"><input type=\"checkbox\" id=\"hide-sensitive\""
                + " name=\"hide_sensitive\" value=\"yes\" aria-describedby=\"sensitive-help\""
                + (hide ? " checked" : "")
                + "> "
                + Text.t(l, "settings.sensitive.hide")
                + "</label><button type=\"submit\" id=\"save-sensitive\">"
                + Text.t(l, "settings.save")
                + "</button></form></section>";
    }

    private static String language(InboxSession s) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder(
                                "<section aria-labelledby=\"settings-language\"><h2 id=\"settings-language\">")
                        .append(Text.t(l, "settings.language"))
                        .append(
                                "</h2><form method=\"post\" action=\"/inbox/language\" class=\"stack\">")
                        .append(Html.csrf(s))
                        .append("<input type=\"hidden\" name=\"back\" value=\"settings\">")
                        .append("<fieldset><legend>")
                        .append(Text.t(l, "settings.language.choose"))
                        .append("</legend>");
        for (String[] lang : new String[][] {{"en", "English"}, {"fr", "Français"}}) {
            b.append("<label class=\"check\" lang=\"")
                    .append(lang[0])
                    .append("\"><input type=\"radio\" name=\"language\" id=\"settings-lang-")
                    .append(lang[0])
                    .append("\" value=\"")
                    .append(lang[0])
                    .append("\"")
                    .append(lang[0].equals(l) ? " checked" : "")
                    .append("> ")
                    .append(lang[1])
                    .append("</label>");
        }
        return b.append("</fieldset><button type=\"submit\" id=\"save-language\">")
                .append(Text.t(l, "settings.save"))
                .append("</button></form></section>")
                .toString();
    }

    private static String passphrase(String l) {
        return "<section aria-labelledby=\"settings-passphrase\"><h2 id=\"settings-passphrase\">"
                + Text.t(l, "passphrase.nav")
                + "</h2><p class=\"help\">"
                + Text.t(l, "settings.passphrase.help")
                + "</p><p><a class=\"button\" id=\"change-passphrase\" href=\"/inbox/passphrase\">"
                + Text.t(l, "passphrase.change")
                + "</a></p></section>";
    }

    private static String shortcuts(String l) {
        return "<section aria-labelledby=\"settings-keys\"><h2 id=\"settings-keys\">"
                + Text.t(l, "keys.title")
                + "</h2><p class=\"help\">"
                + Text.t(l, "settings.keys.help")
                + "</p></section>";
    }
}
