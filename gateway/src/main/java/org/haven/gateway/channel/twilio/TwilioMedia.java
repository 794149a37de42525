package org.haven.gateway.channel.twilio;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.haven.bot.Reply;
import org.haven.gateway.cases.Attachment;
import org.haven.gateway.channel.MediaLimits;
import org.haven.gateway.channel.MediaNotices;
import org.haven.gateway.intake.Conversations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media of a received WhatsApp message or MMS: each file Twilio lists ({@code NumMedia}, {@code
 * MediaUrl<n>}, {@code MediaContentType<n>}) is checked against the channel's {@link MediaLimits},
 * downloaded with the account's credentials (only from the configured API's own media path, so the
 * credentials go nowhere else; one redirect to Twilio's storage is followed without them, see
 * {@link MediaFetch}), and, once the caller has sealed what was kept, deleted from Twilio through
 * the API, kept or refused alike. A file that could not be had (unreachable, an HTTP error, or not
 * there within the {@link #DEADLINE}) is refused too, but stays on Twilio, under its own media
 * retention.
 *
 * <p>The files of one message are downloaded one after the other, asynchronously (no worker thread
 * waits on a body), all within {@link #DEADLINE}: a media server that stalls mid-body cannot keep
 * the webhook from being answered before Twilio gives up on it (15 s) and posts it again.
 */
public final class TwilioMedia {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioMedia.class);

    /**
     * How long all the files of one message may take together, well inside the 15 s Twilio waits
     * for a webhook's answer (leaving time for the dialogue's step).
     */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    private static final Pattern MEDIA_PATH =
            Pattern.compile(
                    "/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/((?:MM|SM)[0-9a-fA-F]{32})/Media/(ME[0-9a-fA-F]{32})");

    /**
     * What came with one message.
     *
     * @param kept the files taken, in order
     * @param refused how many were not (of another type, too large, or not had)
     * @param toDelete the {message SID, media SID} of the copies to delete from Twilio once the
     *     step committed: those kept and those refused by the limits, not those that could not be
     *     had
     */
    public record Received(List<Attachment> kept, int refused, List<String[]> toDelete) {
        /** No media at all. */
        public static final Received NONE = new Received(List.of(), 0, List.of());

        /** Whether any file came. */
        public boolean any() {
            return !kept.isEmpty() || refused > 0;
        }
    }

    /** Script message: the files were kept for the coordinators. */
    public static final String MEDIA_KEPT = MediaNotices.KEPT;

    /** Script message: a file was too large or of a type not taken. */
    public static final String MEDIA_REFUSED = MediaNotices.REFUSED;

    private final Vertx vertx;
    private final TwilioApi api;
    private final MediaLimits limits;
    private final HttpClient http =
            HttpClient.newBuilder()
                    // as Twilio's media servers speak it; no h2c upgrade on a plain-http test API
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    public TwilioMedia(Vertx vertx, TwilioApi api, MediaLimits limits) {
        this.vertx = vertx;
        this.api = api;
        this.limits = limits;
    }

    /**
     * Downloads the files a webhook lists that fit the limits, within {@link #DEADLINE}; never
     * fails (a file that cannot be had in time counts as refused).
     *
     * @param count the message's {@code NumMedia}, already checked (0 to 10)
     */
    public Future<Received> receive(Map<String, String> params, int count) {
        if (count == 0) {
            return Future.succeededFuture(Received.NONE);
        }
        Batch batch = new Batch(params, count, vertx.getOrCreateContext());
        batch.context.runOnContext(v -> batch.start());
        return batch.done.future();
    }

    /** The downloads of one message; its state is touched on its context only. */
    private final class Batch {
        private final Map<String, String> params;
        private final int count;
        private final Context context;
        private final long deadline = System.nanoTime() + DEADLINE.toNanos();
        private final Promise<Received> done = Promise.promise();
        private final List<Attachment> kept = new ArrayList<>();
        private final List<String[]> toDelete = new ArrayList<>();
        private int refused;
        private int next;
        private MediaFetch current;

        Batch(Map<String, String> params, int count, Context context) {
            this.params = params;
            this.count = count;
            this.context = context;
        }

        void start() {
            long timer = vertx.setTimer(DEADLINE.toMillis(), id -> late());
            done.future().onComplete(ar -> vertx.cancelTimer(timer));
            step();
        }

        /** The deadline passed: what is still under way, and what is left, is refused. */
        private void late() {
            if (done.future().isComplete()) {
                return;
            }
            int left = count - next + (current == null ? 0 : 1);
            LOG.info("event=media_refused reason=deadline count={}", left);
            refused += left;
            if (current != null) {
                current.abandon();
                current = null;
            }
            finish();
        }

        private void finish() {
            done.tryComplete(new Received(List.copyOf(kept), refused, List.copyOf(toDelete)));
        }

        private void step() {
            while (next < count && !done.future().isComplete()) {
                int i = next++;
                String url = params.get("MediaUrl" + i);
                String type = params.get("MediaContentType" + i);
                Matcher m = url == null ? null : mediaPath(url);
                if (m == null) {
                    refused++;
                    LOG.info("event=media_refused reason=bad_url");
                    continue;
                }
                String[] sids = {m.group(2), m.group(3)};
                if (!limits.accepts(type)) {
                    refused++;
                    toDelete.add(sids);
                    LOG.info("event=media_refused reason=type");
                    continue;
                }
                MediaFetch fetch = new MediaFetch(http, limits.maxBytes(), deadline);
                current = fetch;
                Future.fromCompletionStage(
                                fetch.start(apiUri(m.group(0)), authorization(), type), context)
                        .onComplete(
                                ar -> {
                                    if (current != fetch || done.future().isComplete()) {
                                        return; // abandoned at the deadline, already counted
                                    }
                                    current = null;
                                    MediaFetch.Result r =
                                            ar.succeeded()
                                                    ? ar.result()
                                                    : new MediaFetch.Result(
                                                            MediaFetch.Kind.FAILED, null);
                                    switch (r.kind()) {
                                        case KEPT -> {
                                            kept.add(
                                                    new Attachment(
                                                            MediaLimits.bare(type), r.data()));
                                            toDelete.add(sids);
                                        }
                                        case REFUSED -> {
                                            refused++;
                                            toDelete.add(sids);
                                        }
                                        case FAILED -> refused++;
                                    }
                                    step();
                                });
                return;
            }
            finish();
        }
    }

    /**
     * After the dialogue step: Twilio's copies are deleted once the step committed (what was kept
     * is sealed, what was refused is not wanted). When the step failed, or the message only went
     * into the outage spool (which keeps text, not files), they stay on Twilio, under its own media
     * retention, rather than be lost.
     */
    public void afterStep(Received received, AsyncResult<Conversations.Outcome> step) {
        if (!received.any()) {
            return;
        }
        if (step.failed() || step.result().conversationId() == null) {
            LOG.warn("event=media_left_on_twilio count={}", received.toDelete().size());
            return;
        }
        deleteFromTwilio(received);
    }

    /**
     * Deletes Twilio's copies; failures are logged, not retried (Twilio's own media retention
     * applies then).
     */
    public Future<Void> deleteFromTwilio(Received received) {
        Future<Void> done = Future.succeededFuture();
        for (String[] media : received.toDelete()) {
            done =
                    done.compose(
                            v ->
                                    api.deleteMedia(media[0], media[1])
                                            .<Void>map(ok -> null)
                                            .recover(
                                                    err -> {
                                                        LOG.warn(
                                                                "event=media_delete_failed kind={}",
                                                                TwilioApi.classify(err).code());
                                                        return Future.succeededFuture();
                                                    }));
        }
        return done;
    }

    /**
     * What the person is told about the files of a message, in the dialogue's language, from the
     * intake script's messages ({@value #MEDIA_KEPT}, {@value #MEDIA_REFUSED}).
     */
    public static List<Reply> notices(
            Conversations conversations, Received files, String language) {
        return MediaNotices.of(conversations, files.kept().size(), files.refused(), language);
    }

    private Matcher mediaPath(String url) {
        try {
            URI u = new URI(url);
            Matcher m = MEDIA_PATH.matcher(u.getRawPath() == null ? "" : u.getRawPath());
            if (u.getRawQuery() == null
                    && m.matches()
                    && m.group(1).equals(api.account().accountSid())) {
                return m;
            }
        } catch (URISyntaxException e) {
            // refused by the caller
        }
        return null;
    }

    private URI apiUri(String path) {
        URI base = api.account().apiUrl();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path);
    }

    private String authorization() {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                (api.account().accountSid() + ":" + api.account().authToken())
                                        .getBytes(StandardCharsets.UTF_8));
    }
}
