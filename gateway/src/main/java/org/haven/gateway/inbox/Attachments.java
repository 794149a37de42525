package org.haven.gateway.inbox;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.haven.gateway.auth.InboxSession;
import org.haven.gateway.cases.Attachment;
import org.haven.gateway.cases.CaseEntries;
import org.haven.gateway.cases.EntryKind;
import org.haven.gateway.store.CaseSummary;
import org.haven.gateway.web.Html;
import org.haven.gateway.web.Text;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files a person sent, in the inbox: shown in the case's conversation (a player for a voice
 * note, the picture for a photo, a link for a document, each with a download link), and served at
 * {@code /inbox/cases/<id>/attachments/<seq>} decrypted with the session's own keys, only to a
 * session that may see the case and whose keys open the entry; every serving is audited. The bytes
 * go out with a type from a fixed list (anything else as application/octet-stream), {@code
 * nosniff}, no caching, a sandboxing CSP and a Content-Disposition.
 */
final class Attachments {
    private static final Logger LOG = LoggerFactory.getLogger(Attachments.class);

    /** Types served as themselves; never HTML, SVG or script. */
    private static final Map<String, String> SAFE =
            Map.ofEntries(
                    Map.entry("audio/ogg", "ogg"),
                    Map.entry("audio/mpeg", "mp3"),
                    Map.entry("audio/mp4", "m4a"),
                    Map.entry("audio/amr", "amr"),
                    Map.entry("audio/aac", "aac"),
                    Map.entry("audio/wav", "wav"),
                    Map.entry("image/jpeg", "jpg"),
                    Map.entry("image/png", "png"),
                    Map.entry("image/webp", "webp"),
                    Map.entry("application/pdf", "pdf"));

    private final CaseEntries entries;

    Attachments(CaseEntries entries) {
        this.entries = entries;
    }

    /** The conversation's item for an opened attachment entry. */
    static String item(String l, CaseSummary c, CaseEntries.Opened e) {
        Attachment file = Attachment.fromEntry(e.content().orElse(null)).orElse(null);
        String url = "/inbox/cases/" + c.id() + "/attachments/" + e.seq();
        StringBuilder b =
                new StringBuilder("<li class=\"entry attachment\"><p class=\"by\">")
                        .append(Text.t(l, "case.from_person"))
                        .append(" · <time>")
                        .append(Labels.when(e.at()))
                        .append("</time></p>");
        String type = file == null ? "" : file.contentType();
        if (type.startsWith("audio/")) {
            b.append("<audio controls preload=\"metadata\" src=\"")
                    .append(url)
                    .append("\"></audio>");
        } else if (type.startsWith("image/") && SAFE.containsKey(type)) {
            b.append("<img class=\"attachment\" alt=\"")
                    .append(Text.t(l, "case.attachment.photo"))
                    .append("\" src=\"")
                    .append(url)
                    .append("\">");
        } else {
            b.append("<p>").append(Text.t(l, "case.attachment.file")).append("</p>");
        }
        int size = file == null ? 0 : file.data().length;
        return b.append("<p><a href=\"")
                .append(url)
                .append("?download=1\" download>")
                .append(Text.t(l, "case.attachment.download"))
                .append("</a> (")
                .append(Html.esc(type))
                .append(", ")
                .append(Math.max(1, (size + 1023) / 1024))
                .append(" KB)</p></li>")
                .toString();
    }

    /**
     * An attachment in an exported case file: a heading with its type, size and SHA-256, then its
     * bytes in base64 (76 characters a line, as MIME has them), between BEGIN and END lines.
     */
    static String exported(String l, CaseEntries.Opened e, JsonObject doc) {
        Attachment file = Attachment.fromEntry(doc).orElse(null);
        if (file == null) {
            return "";
        }
        String sha;
        try {
            sha =
                    HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(file.data()));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
        return "== "
                + Text.t(l, "case.attachment.file")
                + ", "
                + Labels.when(e.at())
                + " ==\n"
                + file.contentType()
                + ", "
                + file.data().length
                + " bytes, sha256 "
                + sha
                + "\n-----BEGIN ATTACHMENT "
                + e.seq()
                + "-----\n"
                + Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(file.data())
                + "\n-----END ATTACHMENT "
                + e.seq()
                + "-----\n";
    }

    /** Serves one attachment's bytes to a session that may see the case. */
    void serve(RoutingContext ctx, InboxSession s, CaseSummary c) {
        int seq;
        try {
            seq = Integer.parseInt(ctx.pathParam("seq"));
        } catch (NumberFormatException e) {
            CaseRoutes.notFound(ctx, s);
            return;
        }
        entries.read(
                        c.id(),
                        Set.of(EntryKind.ATTACHMENT),
                        s.teamKeys(),
                        s.username(),
                        read ->
                                read.stream().anyMatch(e -> e.seq() == seq)
                                        ? "attachment_view"
                                        : null)
                .onSuccess(
                        read -> {
                            Attachment file =
                                    read.stream()
                                            .filter(e -> e.seq() == seq)
                                            .findFirst()
                                            .flatMap(CaseEntries.Opened::content)
                                            .flatMap(Attachment::fromEntry)
                                            .orElse(null);
                            if (file == null) {
                                CaseRoutes.notFound(ctx, s);
                                return;
                            }
                            LOG.info(
                                    "event=attachment_served case={} seq={} account={}",
                                    c.id(),
                                    seq,
                                    s.accountId());
                            String ext = SAFE.get(file.contentType());
                            String type =
                                    ext == null ? "application/octet-stream" : file.contentType();
                            String name =
                                    c.reference() + "-" + seq + "." + (ext == null ? "bin" : ext);
                            boolean download =
                                    ext == null || ctx.request().getParam("download") != null;
                            ctx.response()
                                    .putHeader("Content-Type", type)
                                    .putHeader(
                                            "Content-Disposition",
                                            (download ? "attachment" : "inline")
                                                    + "; filename=\""
                                                    + name
                                                    + "\"")
                                    .putHeader("X-Content-Type-Options", "nosniff")
                                    .putHeader("Cache-Control", "no-store")
                                    .putHeader("Pragma", "no-cache")
                                    .putHeader(
                                            "Content-Security-Policy",
                                            "default-src 'none'; sandbox")
                                    .putHeader("Referrer-Policy", "no-referrer")
                                    .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                                    .end(Buffer.buffer(file.data()));
                        })
                .onFailure(ctx::fail);
    }
}
