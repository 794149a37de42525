package org.haven.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The gateway's Prometheus page ({@code /metrics}), read with its token when one is set. */
final class MetricsPage {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI metrics;
    private final String token;

    MetricsPage(String host, int port, String token) {
        this.metrics = URI.create("http://" + host + ":" + port + "/metrics");
        this.token = token;
    }

    /** The page's text now, or null when it cannot be read. */
    String read() {
        try {
            HttpRequest.Builder r = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(2));
            if (token != null && !token.isBlank()) {
                r.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> res = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            return res.statusCode() == 200 ? res.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
