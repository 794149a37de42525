package org.haven.gateway.channel.twilio;

import com.twilio.constant.EnumConstants;
import com.twilio.exception.ApiConnectionException;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The Twilio SDK's transport, sending every request to a configured base URL (Twilio's own by
 * default; a proxy or a test server otherwise). It makes exactly one attempt: retries belong to the
 * outbox, which persists them and backs off, so the SDK's own retry loop is bypassed. The attempt
 * ends within {@link #TIMEOUT}, the response's body included (a request's own timeout only covers
 * the wait for its headers), so a stalled API cannot hold a worker thread.
 */
public final class BaseUrlHttpClient extends HttpClient {
    /** How long one request may take, from sending it to the last byte of its answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final URI base;
    private final Duration timeout;
    private final java.net.http.HttpClient http;

    public BaseUrlHttpClient(URI base) {
        this(base, TIMEOUT);
    }

    /** With another limit than {@link #TIMEOUT} on each request (tests). */
    BaseUrlHttpClient(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
        this.http =
                java.net.http.HttpClient.newBuilder()
                        // Twilio's API speaks it; no h2c upgrade on a plain-http proxy or test API
                        .version(java.net.http.HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                        .build();
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(
            Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(rebase(request.constructURL()))
                        .timeout(timeout)
                        .header("Accept", "application/json")
                        .header("User-Agent", "twilio-java/13.0.1 haven");
        if (request.requiresAuthentication()) {
            b.header("Authorization", request.getAuthString());
        }
        for (Map.Entry<String, List<String>> h : request.getHeaderParams().entrySet()) {
            for (String v : h.getValue()) {
                b.header(h.getKey(), v);
            }
        }
        HttpRequest.BodyPublisher body;
        EnumConstants.ContentType type = request.getContentType();
        if (type == EnumConstants.ContentType.JSON) {
            b.header("Content-Type", type.getValue());
            body =
                    HttpRequest.BodyPublishers.ofString(
                            request.getBody() == null ? "" : request.getBody(),
                            StandardCharsets.UTF_8);
        } else {
            b.header("Content-Type", "application/x-www-form-urlencoded");
            body =
                    HttpRequest.BodyPublishers.ofString(
                            request.encodeFormBody(), StandardCharsets.UTF_8);
        }
        switch (request.getMethod()) {
            case GET -> b.GET();
            case DELETE -> b.DELETE();
            case POST -> b.POST(body);
            case PUT -> b.PUT(body);
            default -> b.method(request.getMethod().toString(), body);
        }
        CompletableFuture<HttpResponse<String>> sent =
                http.sendAsync(
                        b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        try {
            HttpResponse<String> r = sent.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            List<Header> headers = new ArrayList<>();
            r.headers()
                    .map()
                    .forEach((k, vs) -> vs.forEach(v -> headers.add(new BasicHeader(k, v))));
            return new Response(r.body(), r.statusCode(), headers.toArray(new Header[0]));
        } catch (TimeoutException e) {
            sent.cancel(true); // closes the connection, whatever the server still sends
            throw new ApiConnectionException("Twilio API unreachable: timeout");
        } catch (ExecutionException e) {
            // the message of a transport error may hold the URL; keep only the kind
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiConnectionException(
                    "Twilio API unreachable: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("interrupted");
        }
    }

    private URI rebase(URL url) {
        // keep the SDK's path and (already encoded) query; only the scheme and authority change
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + url.getFile());
    }
}
