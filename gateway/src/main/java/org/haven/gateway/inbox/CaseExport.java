package org.haven.gateway.inbox;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.haven.crypto.KeyedHash;
import org.haven.crypto.OpenPgpExport;
import org.haven.crypto.OpenPgpKeyException;
import org.haven.crypto.OpenPgpRecipient;
import org.haven.crypto.OpenPgpSigningKey;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.auth.Reauthentication;
import org.haven.gateway.auth.SessionGuard;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.keys.TeamKeys;
import org.haven.gateway.store.AccountStore;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.BidiControls;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exporting a case for a lawyer, in two steps.
 *
 * <ol>
 *   <li>{@code POST /inbox/cases/<id>/export}: the coordinator pastes the lawyer's armored OpenPGP
 *       public key. A key that cannot be encrypted to safely (expired, revoked, sign-only, weak, a
 *       secret key, several keys, not a key) is refused with its reason, the pasted text kept. A
 *       good one is shown for confirmation: its fingerprints grouped as gpg prints them, user ids,
 *       dates, algorithms, and the signing key the file will carry.
 *   <li>{@code POST /inbox/cases/<id>/export/confirm}: with the passphrase again, and the choice
 *       whether to include private notes, the case file is signed with the organisation's export
 *       signing key ({@link OpenPgpSigningKey}, derived from the session's team key), encrypted to
 *       the confirmed key and downloaded. The audit log records the key's fingerprints, first user
 *       id and the notes choice. A wrong passphrase is audited and returns to the confirmation.
 * </ol>
 *
 * {@code GET /inbox/export-signing-key.asc} downloads the signing public key, for a lawyer to
 * verify exports with.
 */
public final class CaseExport {
    private static final Logger LOG = LoggerFactory.getLogger(CaseExport.class);

    /**
     * The user id of a team key's export signing key: the same on every gateway, so the key is too.
     */
    private static final int MAX_USER_ID = 200;

    /**
     * What a case file holds: everything but the contact entry (where the person can be reached).
     */
    private static final Set<EntryKind> EXPORTED =
            Set.of(
                    EntryKind.ANSWERS,
                    EntryKind.MESSAGE_IN,
                    EntryKind.MESSAGE_OUT,
                    EntryKind.NOTE,
                    EntryKind.REFERRAL,
                    EntryKind.ATTACHMENT);

    /**
     * Loads the case of a request and runs a handler if the session may see it (the case page's
     * rule).
     */
    public interface CaseAccess {
        void withCase(RoutingContext ctx, BiConsumer<InboxSession, CaseSummary> then);
    }

    private final Vertx vertx;
    private final CaseEntries entries;
    private final AccountStore accounts;
    private final TeamKeys teamKeys;
    private final SessionGuard guard;
    private final KeyedHash auditKey;
    private final Reauthentication reauthentication;

    public CaseExport(
            Vertx vertx,
            CaseEntries entries,
            AccountStore accounts,
            TeamKeys teamKeys,
            SessionGuard guard,
            KeyedHash auditKey,
            Reauthentication reauthentication) {
        this.reauthentication = reauthentication;
        this.vertx = vertx;
        this.entries = entries;
        this.accounts = accounts;
        this.teamKeys = teamKeys;
        this.guard = guard;
        this.auditKey = auditKey;
    }

    public void mount(Router router, CaseAccess access) {
        router.post("/inbox/cases/:id/export")
                .handler(ctx -> access.withCase(ctx, (s, c) -> review(ctx, s, c)));
        router.post("/inbox/cases/:id/export/confirm")
                .handler(ctx -> access.withCase(ctx, (s, c) -> confirm(ctx, s, c)));
        router.get("/inbox/export-signing-key.asc")
                .handler(ctx -> guard.require(ctx, s -> signingKeyFile(ctx, s)));
    }

    private static Optional<OpenPgpSigningKey> signingKey(InboxSession s, TeamKeys teamKeys) {
        return teamKeys.exportSigningKey(s::teamKey);
    }

    /** The case page's export section: where the key is pasted. */
    static String form(InboxSession s, CaseSummary c) {
        return "<section class=\"export\"><h2>"
                + Text.t(s.language(), "case.export")
                + "</h2>"
                + keyForm(s, c, "")
                + "</section>";
    }

    private static String keyForm(InboxSession s, CaseSummary c, String pasted) {
        String l = s.language();
        return "<form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/export\" class=\"stack wide\">"
                + Html.csrf(s)
                + "<label for=\"lawyer-key\">"
                + Text.t(l, "case.export.key")
                + "</label>"
                + "<p class=\"help\" id=\"lawyer-key-help\">"
                + Text.t(l, "export.key.help")
                + "</p>"
                + "<textarea id=\"lawyer-key\" name=\"key\" rows=\"6\" spellcheck=\"false\" aria-describedby=\"lawyer-key-help\">"
                + Html.value(pasted)
                + "</textarea>"
                + Html.submit("export-review", Text.t(l, "export.review"));
    }

    // --- step 1: the key, shown for confirmation -------------------------------------------

    /** A pasted key that can be encrypted to, and the signing key of the session's team key. */
    private record Prepared(OpenPgpRecipient key, OpenPgpSigningKey signer) {}

    /**
     * Parses the pasted key and derives the signing key; empty when either fails, the refusal
     * already answered.
     */
    private Optional<Prepared> prepare(
            RoutingContext ctx, InboxSession s, CaseSummary c, String pasted) {
        OpenPgpRecipient key;
        try {
            key = OpenPgpRecipient.parse(pasted);
        } catch (OpenPgpKeyException e) {
            refused(ctx, s, c, pasted, e);
            return Optional.empty();
        }
        Optional<OpenPgpSigningKey> signer = signingKey(s, teamKeys);
        if (signer.isEmpty()) {
            stale(ctx, s);
            return Optional.empty();
        }
        return Optional.of(new Prepared(key, signer.get()));
    }

    private void review(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String pasted = field(ctx, "key");
        Optional<Prepared> prepared = prepare(ctx, s, c, pasted);
        if (prepared.isEmpty()) {
            return;
        }
        SessionGuard.html(
                ctx,
                200,
                page(
                        s,
                        c,
                        confirmation(
                                s,
                                c,
                                pasted,
                                prepared.get().key(),
                                prepared.get().signer(),
                                false,
                                null)));
    }

    private String confirmation(
            InboxSession s,
            CaseSummary c,
            String pasted,
            OpenPgpRecipient key,
            OpenPgpSigningKey signer,
            boolean notes,
            String error) {
        String l = s.language();
        StringBuilder ids = new StringBuilder("<ul class=\"plain\">");
        key.userIds().forEach(id -> ids.append("<li>").append(Html.esc(id)).append("</li>"));
        ids.append("</ul>");
        return "<h2 id=\"confirm-h\">"
                + Text.t(l, "export.confirm.title")
                + "</h2>"
                + Html.error(error)
                + "<p>"
                + Text.t(l, "export.confirm.compare")
                + "</p>"
                + "<dl class=\"meta\" id=\"export-key\">"
                + "<dt>"
                + Text.t(l, "export.fingerprint")
                + "</dt><dd><code id=\"key-fingerprint\">"
                + OpenPgpRecipient.grouped(key.fingerprint())
                + "</code></dd>"
                + "<dt>"
                + Text.t(l, "export.user_ids")
                + "</dt><dd id=\"key-user-ids\">"
                + ids
                + "</dd>"
                + "<dt>"
                + Text.t(l, "export.created")
                + "</dt><dd>"
                + day(key.created())
                + "</dd>"
                + "<dt>"
                + Text.t(l, "export.algorithm")
                + "</dt><dd>"
                + Html.esc(key.algorithm())
                + "</dd>"
                + "<dt>"
                + Text.t(l, "export.encryption_key")
                + "</dt><dd><code id=\"key-encryption-fingerprint\">"
                + OpenPgpRecipient.grouped(key.encryptionFingerprint())
                + "</code><br>"
                + Html.esc(key.encryptionAlgorithm())
                + ", "
                + day(key.encryptionKeyCreated())
                + "</dd></dl>"
                + signerNote(l, signer)
                + "<form method=\"post\" action=\"/inbox/cases/"
                + c.id()
                + "/export/confirm\" class=\"stack\">"
                + Html.csrf(s)
                + "<input type=\"hidden\" name=\"key\" value=\""
                + Html.value(pasted)
                + "\">"
                + "<input type=\"hidden\" name=\"fingerprint\" value=\""
                + key.fingerprint()
                + "\">"
                + "<label class=\"check\"><input type=\"checkbox\" id=\"export-notes\" name=\"notes\" value=\"yes\""
                + (notes ? " checked" : "")
                + "> "
                + Text.t(l, "export.notes")
                + "</label>"
                + "<p class=\"help\" id=\"export-notes-help\">"
                + Text.t(l, "export.notes.help")
                + "</p>"
                + Html.field(
                        "export-pass",
                        Text.t(l, "case.export.passphrase"),
                        "name=\"passphrase\" type=\"password\" autocomplete=\"current-password\" required")
                + Html.submit("export-confirm", Text.t(l, "case.export.go"))
                + "<p><a href=\"/inbox/cases/"
                + c.id()
                + "\">"
                + Text.t(l, "export.cancel")
                + "</a></p>";
    }

    private static String signerNote(String l, OpenPgpSigningKey signer) {
        return "<p id=\"export-signer\">"
                + Text.t(l, "export.signed_by")
                + " <code id=\"signer-fingerprint\">"
                + OpenPgpRecipient.grouped(signer.fingerprint())
                + "</code> ("
                + Html.esc(signer.userId())
                + "). "
                + "<a href=\"/inbox/export-signing-key.asc\" download>"
                + Text.t(l, "export.signer.download")
                + "</a></p>";
    }

    // --- step 2: passphrase, then the signed and encrypted file ------------------------------

    private void confirm(RoutingContext ctx, InboxSession s, CaseSummary c) {
        String pasted = field(ctx, "key");
        String confirmed = field(ctx, "fingerprint");
        String pass = ctx.request().getFormAttribute("passphrase");
        boolean notes = "yes".equals(field(ctx, "notes"));
        Optional<Prepared> prepared = prepare(ctx, s, c, pasted);
        if (prepared.isEmpty()) {
            return;
        }
        OpenPgpRecipient key = prepared.get().key();
        Optional<OpenPgpSigningKey> signer = Optional.of(prepared.get().signer());
        if (!key.fingerprint().equals(confirmed)) {
            // what would be encrypted to is not what was shown: show it and ask again
            SessionGuard.html(
                    ctx,
                    409,
                    page(
                            s,
                            c,
                            confirmation(
                                    s,
                                    c,
                                    pasted,
                                    key,
                                    signer.get(),
                                    notes,
                                    Text.t(s.language(), "export.changed"))));
            return;
        }
        String passphrase = pass == null ? "" : pass;
        // counted like a login attempt, checked in the bounded passphrase pool
        reauthentication
                .check(ctx, s, passphrase)
                .compose(
                        check -> {
                            if (check.kind() == Reauthentication.Kind.REFUSED) {
                                return Future.succeededFuture(Exported.refused(check));
                            }
                            if (check.kind() != Reauthentication.Kind.PROVEN) {
                                return new AuditLog(accounts.db(), auditKey)
                                        .record(
                                                s.username(),
                                                "export_reauth_failed:key=" + key.fingerprint(),
                                                c.id())
                                        .map(v -> Exported.wrong());
                            }
                            return entries.read(c.id(), EXPORTED, s.teamKeys(), s.username(), null)
                                    .compose(
                                            read -> {
                                                byte[] file =
                                                        caseFile(s, c, read, notes)
                                                                .getBytes(StandardCharsets.UTF_8);
                                                return vertx.executeBlocking(
                                                        () ->
                                                                OpenPgpExport.encrypt(
                                                                        file,
                                                                        "case-"
                                                                                + c.reference()
                                                                                + ".txt",
                                                                        key,
                                                                        signer.get()));
                                            })
                                    .compose(
                                            armored ->
                                                    new AuditLog(accounts.db(), auditKey)
                                                            .record(
                                                                    s.username(),
                                                                    exportAction(key, notes),
                                                                    c.id())
                                                            .map(v -> Exported.file(armored)));
                        })
                .onSuccess(
                        exported -> {
                            if (exported.refused() != null) {
                                exported.refused().headers(ctx);
                                String l = s.language();
                                SessionGuard.html(
                                        ctx,
                                        exported.refused().status(),
                                        page(
                                                s,
                                                c,
                                                confirmation(
                                                        s,
                                                        c,
                                                        pasted,
                                                        key,
                                                        signer.get(),
                                                        notes,
                                                        Text.t(
                                                                l,
                                                                exported.refused().status() == 503
                                                                        ? "login.busy"
                                                                        : "login.throttled"))));
                                return;
                            }
                            if (exported.armored() == null) {
                                LOG.info(
                                        "event=export_reauth_failed case={} account={}",
                                        c.id(),
                                        s.accountId());
                                SessionGuard.html(
                                        ctx,
                                        403,
                                        page(
                                                s,
                                                c,
                                                confirmation(
                                                        s,
                                                        c,
                                                        pasted,
                                                        key,
                                                        signer.get(),
                                                        notes,
                                                        Text.t(
                                                                s.language(),
                                                                "export.wrong_passphrase"))));
                                return;
                            }
                            LOG.info(
                                    "event=case_exported case={} account={} notes={}",
                                    c.id(),
                                    s.accountId(),
                                    notes);
                            ctx.response()
                                    .putHeader("Content-Type", "application/pgp-encrypted")
                                    .putHeader(
                                            "Content-Disposition",
                                            "attachment; filename=\"case-"
                                                    + c.reference()
                                                    + ".asc\"")
                                    .end(exported.armored());
                        })
                .onFailure(ctx::fail);
    }

    /**
     * What an export request came to: the armored file, a wrong passphrase (neither), or a refusal.
     */
    private record Exported(String armored, Reauthentication.Check refused) {
        static Exported file(String armored) {
            return new Exported(armored, null);
        }

        static Exported wrong() {
            return new Exported(null, null);
        }

        static Exported refused(Reauthentication.Check check) {
            return new Exported(null, check);
        }
    }

    /**
     * What the audit log records of an export: the recipient key's fingerprint, its encryption
     * key's, whether private notes went with it, and its first user id (the lawyer's name and
     * address, as the key says; control characters replaced, at most 200 characters).
     */
    static String exportAction(OpenPgpRecipient key, boolean notes) {
        String id = key.userIds().get(0).replaceAll("\\p{Cntrl}", "?");
        return "export:key="
                + key.fingerprint()
                + ";subkey="
                + key.encryptionFingerprint()
                + ";notes="
                + (notes ? "included" : "excluded")
                + ";uid="
                + (id.length() > MAX_USER_ID ? id.substring(0, MAX_USER_ID) : id);
    }

    /**
     * The case file: its routing facts in words, the intake answers and the conversation, in the
     * coordinator's language; private notes only when asked for, and the file says which.
     * Bidirectional controls in it are written visibly ({@link BidiControls}), so that a text
     * editor shows the lawyer what the coordinator saw.
     */
    private String caseFile(
            InboxSession s, CaseSummary c, List<CaseEntries.Opened> entries, boolean withNotes) {
        String l = s.language();
        long notes = entries.stream().filter(e -> e.kind() == EntryKind.NOTE).count();
        StringBuilder f =
                new StringBuilder("Haven ")
                        .append(Text.t(l, "case").toLowerCase(Locale.ROOT))
                        .append(' ')
                        .append(c.reference())
                        .append('\n')
                        .append(Text.t(l, "col.triage"))
                        .append(": ")
                        .append(Labels.triage(l, c.triage()))
                        .append('\n')
                        .append(Text.t(l, "col.group"))
                        .append(": ")
                        .append(Labels.group(l, c.workingGroup()))
                        .append('\n')
                        .append(Text.t(l, "col.channel"))
                        .append(": ")
                        .append(c.channel())
                        .append('\n')
                        .append(Text.t(l, "col.language"))
                        .append(": ")
                        .append(c.language())
                        .append('\n')
                        .append(Text.t(l, "col.received"))
                        .append(": ")
                        .append(Labels.when(c.createdAt()))
                        .append('\n')
                        .append(Text.t(l, "export.file.exported"))
                        .append(": ")
                        .append(Labels.when(OffsetDateTime.now(ZoneOffset.UTC)))
                        .append(", ")
                        .append(s.username())
                        .append('\n')
                        .append(
                                Text.t(
                                                l,
                                                withNotes
                                                        ? "export.file.notes_included"
                                                        : "export.file.notes_excluded")
                                        .replace("{n}", Long.toString(notes)))
                        .append("\n\n");
        for (CaseEntries.Opened e : entries) {
            if (e.kind() == EntryKind.NOTE && !withNotes) {
                continue;
            }
            if (e.content().isEmpty()) {
                f.append("== ")
                        .append(
                                Text.t(l, "export.file.unreadable")
                                        .replace("{n}", Integer.toString(e.seq())))
                        .append(" ==\n\n");
                continue;
            }
            JsonObject doc = e.content().get();
            if (e.kind() == EntryKind.ATTACHMENT) {
                f.append(Attachments.exported(l, e, doc)).append('\n');
                continue;
            }
            if (e.kind() == EntryKind.ANSWERS) {
                f.append("== ").append(Text.t(l, "case.answers")).append(" ==\n");
                for (Object o : doc.getJsonArray("answers", new JsonArray())) {
                    JsonObject a = (JsonObject) o;
                    f.append(a.getString("question"))
                            .append("\n  ")
                            .append(a.getString("answer"))
                            .append('\n');
                }
                JsonArray refs = doc.getJsonArray("referrals", new JsonArray());
                if (!refs.isEmpty()) {
                    f.append("\n== ").append(Text.t(l, "case.referrals")).append(" ==\n");
                    refs.forEach(r -> f.append("- ").append(r).append('\n'));
                }
            } else {
                f.append("== ")
                        .append(entryHeading(l, e))
                        .append(", ")
                        .append(Labels.when(e.at()))
                        .append(" ==\n")
                        .append(e.text())
                        .append('\n');
            }
            f.append('\n');
        }
        return BidiControls.show(f.toString());
    }

    private static String entryHeading(String l, CaseEntries.Opened e) {
        String by = e.author() == null ? "" : " " + e.author();
        return switch (e.kind()) {
            case MESSAGE_IN -> Text.t(l, "case.from_person");
            case MESSAGE_OUT -> Text.t(l, "case.to_person") + by;
            case NOTE -> Text.t(l, "case.note") + by;
            case REFERRAL -> Text.t(l, "case.referral") + by;
            default -> e.kind().stored() + by;
        };
    }

    // --- the signing key, and refusals ---------------------------------------------------------

    private void signingKeyFile(RoutingContext ctx, InboxSession s) {
        Optional<OpenPgpSigningKey> signer = signingKey(s, teamKeys);
        if (signer.isEmpty()) {
            stale(ctx, s);
            return;
        }
        ctx.response()
                .putHeader("Content-Type", "application/pgp-keys")
                .putHeader(
                        "Content-Disposition",
                        "attachment; filename=\"haven-export-signing-key-"
                                + signer.get().fingerprint().substring(24)
                                + ".asc\"")
                .end(signer.get().armoredPublicKey());
    }

    private void refused(
            RoutingContext ctx,
            InboxSession s,
            CaseSummary c,
            String pasted,
            OpenPgpKeyException e) {
        LOG.info(
                "event=export_key_refused case={} account={} reason={}",
                c.id(),
                s.accountId(),
                e.reason());
        String message =
                Text.t(s.language(), "export.refused." + e.reason().name().toLowerCase(Locale.ROOT))
                        .replace("{date}", e.at().map(CaseExport::day).orElse(""));
        SessionGuard.html(ctx, 400, page(s, c, Html.error(message) + keyForm(s, c, pasted)));
    }

    private static void stale(RoutingContext ctx, InboxSession s) {
        SessionGuard.html(
                ctx,
                403,
                Html.page(
                        s.language(),
                        Text.t(s.language(), "refused"),
                        s,
                        "<h1>"
                                + Text.t(s.language(), "refused")
                                + "</h1>"
                                + Html.error(Text.t(s.language(), "export.no_team_key"))));
    }

    private static String page(InboxSession s, CaseSummary c, String body) {
        String l = s.language();
        return Html.page(
                l,
                Text.t(l, "case.export") + " " + c.reference(),
                s,
                "<p><a href=\"/inbox/cases/"
                        + c.id()
                        + "\">← "
                        + Text.t(l, "case")
                        + " "
                        + Html.esc(c.reference())
                        + "</a></p>"
                        + "<h1>"
                        + Text.t(l, "case.export")
                        + " — "
                        + Html.esc(c.reference())
                        + "</h1>"
                        + body);
    }

    private static String day(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static String field(RoutingContext ctx, String name) {
        String v = ctx.request().getFormAttribute(name);
        return v == null ? "" : v.strip();
    }
}
