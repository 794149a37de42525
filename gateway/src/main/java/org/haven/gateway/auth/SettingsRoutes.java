package org.haven.gateway.auth;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;

/**
 * {@code /inbox/settings}: one account's own settings, for every role: the inbox's language, the
 * passphrase (changed on {@link PassphraseRoutes}' page), and the keyboard shortcuts. Nothing here
 * is secret, so it is one page of links and small forms.
 */
final class SettingsRoutes {
    private final SessionGuard guard;

    SettingsRoutes(SessionGuard guard) {
        this.guard = guard;
    }

    void mount(Router router) {
        router.get("/inbox/settings").handler(ctx -> guard.require(ctx, s -> page(ctx, s)));
    }

    private static void page(RoutingContext ctx, InboxSession s) {
        String l = s.language();
        StringBuilder b =
                new StringBuilder("<h1>")
                        .append(Text.t(l, "settings"))
                        .append("</h1>")
                        .append(language(s))
                        .append(passphrase(l))
                        .append(shortcuts(l));
        SessionGuard.html(ctx, 200, Html.page(l, Text.t(l, "settings"), s, b.toString()));
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
