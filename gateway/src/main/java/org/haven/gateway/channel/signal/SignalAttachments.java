package org.haven.gateway.channel.signal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.haven.gateway.cases.Attachment;
import org.haven.gateway.channel.MediaLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a Signal message. The daemon downloads them into its attachments directory as the
 * message arrives (when it runs without {@code --ignore-attachments}); each file the message lists
 * that fits the channel's {@link MediaLimits} by its declared type and size is read with {@code
 * getAttachment} ({@code {"id", "recipient"}} → {@code {"data": base64}}, signal-cli 0.14.6) and
 * checked again by its real size. signal-cli's JSON-RPC has no way to delete a stored attachment,
 * so Haven deletes the daemon's copies (and their {@code .preview}) itself, by id, from that
 * directory mounted read-write in Haven ({@code HAVEN_SIGNAL_ATTACHMENTS_DIR}): every file of the
 * envelope, kept or refused, once the envelope is handled; and, on every connection to the daemon,
 * whatever is older than an hour ({@link #sweep}).
 */
final class SignalAttachments {
    private static final Logger LOG = LoggerFactory.getLogger(SignalAttachments.class);

    /** At most this many files of one message are taken; the rest are refused. */
    static final int MAX_FILES = 10;

    private static final long TIMEOUT_MILLIS = 30_000;

    /** A file older than this is left over: no envelope in hand still refers to it. */
    static final Duration LEFT_OVER = Duration.ofHours(1);

    /** What came with one message: the files kept, how many were refused. */
    record Received(List<Attachment> kept, int refused) {
        static final Received NONE = new Received(List.of(), 0);
    }

    private final Vertx vertx;
    private final SignalRpc rpc;
    private final MediaLimits limits;
    private final Path directory;

    SignalAttachments(Vertx vertx, SignalRpc rpc, MediaLimits limits, Path directory) {
        this.vertx = vertx;
        this.rpc = rpc;
        this.limits = limits;
        this.directory = directory;
    }

    /** Says once at start-up when the directory cannot be written (deletions would fail). */
    void check() {
        vertx.executeBlocking(
                        () -> Files.isDirectory(directory) && Files.isWritable(directory), false)
                .onSuccess(
                        usable -> {
                            if (!usable) {
                                LOG.warn(
                                        "event=signal_attachments_dir_unusable"
                                                + " hint=mount_the_daemons_attachments_directory_read_write");
                            }
                        });
    }

    /**
     * Reads the message's files that fit the limits, one after the other; never fails (a file that
     * cannot be had counts as refused, as does a sticker).
     */
    Future<Received> receive(SignalEnvelope e) {
        List<Attachment> kept = new ArrayList<>();
        int[] refused = {e.sticker() ? 1 : 0};
        Future<Void> done = Future.succeededFuture();
        for (int i = 0; i < e.files().size(); i++) {
            SignalEnvelope.File file = e.files().get(i);
            if (i >= MAX_FILES) {
                refused[0]++;
                LOG.info("event=media_refused channel=signal reason=count");
                continue;
            }
            if (file.id().isEmpty()) {
                refused[0]++;
                LOG.info("event=media_refused channel=signal reason=no_id");
                continue;
            }
            if (!limits.accepts(file.contentType())) {
                refused[0]++;
                LOG.info("event=media_refused channel=signal reason=type");
                continue;
            }
            if (file.size() > limits.maxBytes()) {
                refused[0]++;
                LOG.info("event=media_refused channel=signal reason=size");
                continue;
            }
            done =
                    done.compose(
                            v ->
                                    fetch(file, e.sender())
                                            .map(
                                                    data -> {
                                                        if (data == null) {
                                                            refused[0]++;
                                                        } else {
                                                            kept.add(
                                                                    new Attachment(
                                                                            MediaLimits.bare(
                                                                                    file
                                                                                            .contentType()),
                                                                            data));
                                                        }
                                                        return null;
                                                    }));
        }
        return done.map(v -> new Received(List.copyOf(kept), refused[0]));
    }

    /** The file's bytes from the daemon, or null when it cannot be had or is too large. */
    private Future<byte[]> fetch(SignalEnvelope.File file, String sender) {
        // one recipient, a string (--recipient takes one value); the daemon reads the file by id
        JsonObject params = new JsonObject().put("id", file.id()).put("recipient", sender);
        // base64 of the largest file taken, and the JSON around it
        int maxAnswer = (int) Math.min(Integer.MAX_VALUE, limits.maxBytes() * 4L / 3 + 4096);
        return rpc.call("getAttachment", params, TIMEOUT_MILLIS, maxAnswer)
                .map(
                        result -> {
                            String data =
                                    result instanceof JsonObject o ? o.getString("data") : null;
                            if (data == null) {
                                LOG.info("event=media_refused channel=signal reason=no_data");
                                return null;
                            }
                            byte[] bytes = Base64.getDecoder().decode(data);
                            if (bytes.length > limits.maxBytes()) {
                                LOG.info("event=media_refused channel=signal reason=size");
                                return null;
                            }
                            return bytes;
                        })
                .otherwise(
                        err -> {
                            LOG.info(
                                    "event=media_refused channel=signal reason=unreadable kind={}",
                                    err instanceof SignalRpc.RpcError r
                                            ? "rpc_error_" + Math.abs(r.code)
                                            : err.getClass().getSimpleName());
                            return null;
                        });
    }

    /**
     * Deletes what is left in the directory from before: files older than {@link #LEFT_OVER}, which
     * no envelope in hand refers to any more (a gateway killed between the daemon's download and
     * the deletion, or a message the daemon handed to a connection that died). Run on every
     * connection to the daemon; never fails.
     */
    Future<Void> sweep() {
        return vertx.<Void>executeBlocking(
                        () -> {
                            Instant before = Instant.now().minus(LEFT_OVER);
                            int deleted = 0;
                            try (DirectoryStream<Path> files =
                                    Files.newDirectoryStream(directory)) {
                                for (Path p : files) {
                                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                                            && Files.getLastModifiedTime(
                                                            p, LinkOption.NOFOLLOW_LINKS)
                                                    .toInstant()
                                                    .isBefore(before)
                                            && Files.deleteIfExists(p)) {
                                        deleted++;
                                    }
                                }
                            }
                            if (deleted > 0) {
                                LOG.warn(
                                        "event=signal_attachments_left_over_deleted count={}",
                                        deleted);
                            }
                            return null;
                        },
                        false)
                .otherwise(
                        err -> {
                            LOG.warn(
                                    "event=signal_attachment_delete_failed kind={}",
                                    err.getClass().getSimpleName());
                            return null;
                        });
    }

    /**
     * Deletes the daemon's copies of the envelope's files, and their previews; failures are logged
     * (the operator's clean-up is in docs/operations.md), never fail the caller.
     */
    Future<Void> delete(List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture();
        }
        return vertx.<Void>executeBlocking(
                        () -> {
                            int deleted = 0;
                            int failed = 0;
                            for (String id : ids) {
                                for (String name : List.of(id, id + ".preview")) {
                                    Path p = directory.resolve(name).normalize();
                                    if (!directory.equals(p.getParent())) {
                                        continue; // never outside the directory
                                    }
                                    try {
                                        if (Files.deleteIfExists(p)) {
                                            deleted++;
                                        }
                                    } catch (IOException | SecurityException e) {
                                        failed++;
                                    }
                                }
                            }
                            if (failed > 0) {
                                LOG.warn("event=signal_attachment_delete_failed count={}", failed);
                            } else {
                                LOG.info("event=signal_attachments_deleted count={}", deleted);
                            }
                            return null;
                        },
                        false)
                .otherwise(err -> null);
    }
}
