package org.haven.gateway.channel.twilio;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * credentials go nowhere else; one redirect to Twilio's storage is followed without them), and,
 * once the caller has sealed what was kept, deleted from Twilio through the API, kept or refused
 * alike.
 */
public final class TwilioMedia {
    private static final Logger LOG = LoggerFactory.getLogger(TwilioMedia.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern MEDIA_PATH =
            Pattern.compile(
                    "/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages/((?:MM|SM)[0-9a-fA-F]{32})/Media/(ME[0-9a-fA-F]{32})");

    /** What came with one message. */
    public record Received(List<Attachment> kept, int refused, List<String[]> onTwilio) {
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
                    .connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();

    public TwilioMedia(Vertx vertx, TwilioApi api, MediaLimits limits) {
        this.vertx = vertx;
        this.api = api;
        this.limits = limits;
    }

    /**
     * Downloads the files a webhook lists that fit the limits; never fails (a file that cannot be
     * had counts as refused).
     *
     * @param count the message's {@code NumMedia}, already checked (0 to 10)
     */
    public Future<Received> receive(Map<String, String> params, int count) {
        if (count == 0) {
            return Future.succeededFuture(Received.NONE);
        }
        return vertx.executeBlocking(
                () -> {
                    List<Attachment> kept = new ArrayList<>();
                    List<String[]> onTwilio = new ArrayList<>();
                    int refused = 0;
                    for (int i = 0; i < count; i++) {
                        String url = params.get("MediaUrl" + i);
                        String type = params.get("MediaContentType" + i);
                        Matcher m = url == null ? null : mediaPath(url);
                        if (m == null) {
                            refused++;
                            LOG.info("event=media_refused reason=bad_url");
                            continue;
                        }
                        onTwilio.add(new String[] {m.group(2), m.group(3)});
                        if (!limits.accepts(type)) {
                            refused++;
                            LOG.info("event=media_refused reason=type");
                            continue;
                        }
                        byte[] data = download(m.group(0), type);
                        if (data == null) {
                            refused++;
                            continue;
                        }
                        kept.add(new Attachment(MediaLimits.bare(type), data));
                    }
                    return new Received(List.copyOf(kept), refused, List.copyOf(onTwilio));
                },
                false);
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
            LOG.warn("event=media_left_on_twilio count={}", received.onTwilio().size());
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
        for (String[] media : received.onTwilio()) {
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

    /** The file's bytes, or null when it is too large, of another type, or cannot be had. */
    private byte[] download(String path, String declaredType) {
        URI base = api.account().apiUrl();
        URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority() + path);
        String basic =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        (api.account().accountSid()
                                                        + ":"
                                                        + api.account().authToken())
                                                .getBytes(StandardCharsets.UTF_8));
        try {
            HttpResponse<InputStream> r =
                    http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(TIMEOUT)
                                    .header("Authorization", basic)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() / 100 == 3) {
                r.body().close();
                String location = r.headers().firstValue("Location").orElse("");
                URI next = uri.resolve(location);
                if (!"https".equals(next.getScheme()) && !"http".equals(uri.getScheme())) {
                    LOG.info("event=media_refused reason=redirect");
                    return null;
                }
                // Twilio's storage: a signed URL, without the account's credentials
                r =
                        http.send(
                                HttpRequest.newBuilder(next).timeout(TIMEOUT).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
            }
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    LOG.info("event=media_refused reason=http_{}", r.statusCode());
                    return null;
                }
                String served = r.headers().firstValue("Content-Type").orElse(declaredType);
                if (!MediaLimits.bare(served).equals(MediaLimits.bare(declaredType))) {
                    LOG.info("event=media_refused reason=type_mismatch");
                    return null;
                }
                long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (length > limits.maxBytes()) {
                    LOG.info("event=media_refused reason=size");
                    return null;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buf = new byte[16 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    if (out.size() > limits.maxBytes()) {
                        LOG.info("event=media_refused reason=size");
                        return null;
                    }
                }
                return out.toByteArray();
            }
        } catch (IOException e) {
            LOG.info(
                    "event=media_refused reason=unreachable kind={}", e.getClass().getSimpleName());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
