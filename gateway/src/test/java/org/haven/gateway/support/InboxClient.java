package org.haven.gateway.support;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like HTTP client for the inbox: keeps cookies, posts forms, finds the CSRF token. */
public final class InboxClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private final String forwardedFor;

    public InboxClient(int port) {
        this(port, null);
    }

    /**
     * A client behind a proxy: every request says {@code X-Forwarded-For: forwardedFor} (believed
     * when Haven trusts 127.0.0.1, {@code HAVEN_TRUSTED_PROXIES}).
     */
    public InboxClient(int port, String forwardedFor) {
        this.base = "http://127.0.0.1:" + port;
        this.http =
                HttpClient.newBuilder()
                        .cookieHandler(new CookieManager())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        this.forwardedFor = forwardedFor;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        return forwardedFor == null ? b : b.header("X-Forwarded-For", forwardedFor);
    }

    /** The underlying client, with this client's cookies. */
    public HttpClient http() {
        return http;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts a form; {@code fields} are name, value pairs. */
    public HttpResponse<String> post(String path, String... fields) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(URLEncoder.encode(fields[i], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(fields[i + 1], StandardCharsets.UTF_8));
        }
        return http.send(
                request(path)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in and returns the response (302 to /inbox on success). */
    public HttpResponse<String> login(String username, String passphrase, String code)
            throws Exception {
        return post("/inbox/login", "username", username, "passphrase", passphrase, "code", code);
    }

    /** Posts a form with the CSRF token of {@code page}. */
    public HttpResponse<String> postWithCsrf(String page, String path, String... fields)
            throws Exception {
        String[] all = new String[fields.length + 2];
        all[0] = "csrf";
        all[1] = csrf(page);
        System.arraycopy(fields, 0, all, 2, fields.length);
        return post(path, all);
    }

    /** The CSRF token in a page, if any. */
    public static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF token in page");
        }
        return m.group(1);
    }
}
