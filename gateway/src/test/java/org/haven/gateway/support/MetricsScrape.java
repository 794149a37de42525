package org.haven.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads a gateway's {@code /metrics} as Prometheus would. */
public final class MetricsScrape {
    private MetricsScrape() {}

    /** {@code GET /metrics} of the gateway on {@code port}, without credentials. */
    public static HttpResponse<String> get(int port) throws Exception {
        return send(HttpRequest.newBuilder(uri(port)).build());
    }

    /** {@code GET /metrics} of the gateway on {@code port} with the bearer {@code token}. */
    public static HttpResponse<String> get(int port, String token) throws Exception {
        return send(
                HttpRequest.newBuilder(uri(port))
                        .header("Authorization", "Bearer " + token)
                        .build());
    }

    private static URI uri(int port) {
        return URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
