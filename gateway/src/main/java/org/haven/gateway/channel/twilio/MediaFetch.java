package org.haven.gateway.channel.twilio;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.haven.gateway.channel.MediaLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One media file's download from Twilio, asynchronous and abandonable: the request to the API's
 * media path carries the account's credentials; one redirect (to Twilio's storage, a signed URL) is
 * followed without them, and only to https unless the API itself is plain http (a local test
 * server). The body is read into memory up to the size limit, with no thread waiting on it, so
 * {@link #abandon()} (the deadline of the message's files) ends it at once and releases the
 * connection.
 */
final class MediaFetch {
    private static final Logger LOG = LoggerFactory.getLogger(MediaFetch.class);

    /** What came of a download. */
    enum Kind {
        /** The file's bytes, within the limits. */
        KEPT,
        /** Had, but not taken (too large, or served as another type): Twilio's copy may go. */
        REFUSED,
        /** Could not be had (unreachable, too slow, an HTTP error): Twilio's copy stays. */
        FAILED
    }

    /** The outcome, with the bytes when {@link Kind#KEPT}. */
    record Result(Kind kind, byte[] data) {
        static Result of(Kind kind, String reason) {
            LOG.info("event=media_refused reason={}", reason);
            return new Result(kind, null);
        }
    }

    private final HttpClient http;
    private final int maxBytes;
    private final long deadline;
    private volatile boolean abandoned;
    private volatile CompletableFuture<?> exchange;
    private volatile CappedBody body;

    /**
     * @param deadline {@link System#nanoTime()} by which the download must have ended
     */
    MediaFetch(HttpClient http, int maxBytes, long deadline) {
        this.http = http;
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    /** Downloads {@code uri}; never fails (what went wrong is the result's kind). */
    CompletableFuture<Result> start(URI uri, String authorization, String declaredType) {
        return send(uri, authorization, declaredType)
                .thenCompose(
                        r -> {
                            if (r.statusCode() / 100 != 3) {
                                return CompletableFuture.completedFuture(verdict(r, declaredType));
                            }
                            URI next = uri.resolve(r.headers().firstValue("Location").orElse(""));
                            if (!"https".equals(next.getScheme())
                                    && !("http".equals(uri.getScheme())
                                            && "http".equals(next.getScheme()))) {
                                return CompletableFuture.completedFuture(
                                        Result.of(Kind.FAILED, "redirect"));
                            }
                            // Twilio's storage: a signed URL, without the account's credentials
                            return send(next, null, declaredType)
                                    .thenApply(stored -> verdict(stored, declaredType));
                        })
                .exceptionally(MediaFetch::failed);
    }

    /**
     * Ends the download now: the request or the body being read is cancelled and its connection
     * closed. The result is then {@link Kind#FAILED}, and no longer awaited by the caller.
     */
    void abandon() {
        abandoned = true;
        CappedBody b = body;
        if (b != null) {
            b.abandon();
        }
        CompletableFuture<?> e = exchange;
        if (e != null) {
            e.cancel(true);
        }
    }

    private CompletableFuture<HttpResponse<byte[]>> send(
            URI uri, String authorization, String declaredType) {
        long left = deadline - System.nanoTime();
        if (abandoned || left <= 0) {
            return CompletableFuture.failedFuture(new java.net.http.HttpTimeoutException("late"));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(left)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        CompletableFuture<HttpResponse<byte[]>> sent =
                http.sendAsync(
                        b.build(),
                        info -> {
                            CappedBody capped =
                                    new CappedBody(wanted(info, declaredType) ? maxBytes : -1);
                            body = capped;
                            if (abandoned) {
                                capped.abandon();
                            }
                            return capped;
                        });
        exchange = sent;
        if (abandoned) {
            sent.cancel(true);
        }
        return sent;
    }

    /** Whether a response's body is worth reading (headers say a file within the limits). */
    private boolean wanted(HttpResponse.ResponseInfo info, String declaredType) {
        return info.statusCode() == 200
                && sameType(
                        info.headers().firstValue("Content-Type").orElse(declaredType),
                        declaredType)
                && info.headers().firstValueAsLong("Content-Length").orElse(-1) <= maxBytes;
    }

    private Result verdict(HttpResponse<byte[]> r, String declaredType) {
        if (r.statusCode() != 200) {
            return Result.of(Kind.FAILED, "http_" + r.statusCode());
        }
        if (!sameType(r.headers().firstValue("Content-Type").orElse(declaredType), declaredType)) {
            return Result.of(Kind.REFUSED, "type_mismatch");
        }
        if (r.body() == null) {
            return Result.of(Kind.REFUSED, "size");
        }
        return new Result(Kind.KEPT, r.body());
    }

    private static boolean sameType(String served, String declared) {
        return MediaLimits.bare(served).equals(MediaLimits.bare(declared));
    }

    private static Result failed(Throwable err) {
        Throwable cause =
                err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        // the message of a transport error may hold the URL; keep only the kind
        return Result.of(Kind.FAILED, "unreachable kind=" + cause.getClass().getSimpleName());
    }
}
