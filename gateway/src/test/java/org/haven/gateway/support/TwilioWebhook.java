package org.haven.gateway.support;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.haven.gateway.channel.twilio.TwilioSignature;

/**
 * Posts Twilio webhooks to a local Haven, signed as Twilio signs them, and waits for the answer as
 * long as Twilio does ({@link #TWILIO_WAITS}): a webhook answered later fails the test.
 */
public final class TwilioWebhook {
    /** How long Twilio waits for a webhook's answer before it gives up (and retries). */
    public static final Duration TWILIO_WAITS = Duration.ofSeconds(15);

    private final int port;
    private final String publicUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TwilioWebhook(int port, String publicUrl) {
        this.port = port;
        this.publicUrl = publicUrl;
    }

    /**
     * Twilio's request signature over a raw form body, computed by the gateway's one implementation
     * ({@link TwilioSignature}).
     */
    public static String sign(String authToken, String url, String formBody) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : formBody.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                params.putIfAbsent(
                        URLDecoder.decode(
                                eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0
                                ? ""
                                : URLDecoder.decode(
                                        pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return TwilioSignature.sign(authToken, url, params);
    }

    /** Posts a form body signed with {@code authToken} over the public URL of {@code path}. */
    public HttpResponse<String> postSigned(String path, String formBody, String authToken)
            throws Exception {
        return post(path, formBody, sign(authToken, publicUrl + path, formBody));
    }

    /** Posts a form body with the given signature header (none if null). */
    public HttpResponse<String> post(String path, String formBody, String signature)
            throws Exception {
        return post(path, formBody, signature, false);
    }

    /**
     * Posts a form body signed with {@code authToken}; {@code chunked}: without a Content-Length,
     * in chunked transfer encoding.
     */
    public HttpResponse<String> postSigned(
            String path, String formBody, String authToken, boolean chunked) throws Exception {
        return post(path, formBody, sign(authToken, publicUrl + path, formBody), chunked);
    }

    private HttpResponse<String> post(
            String path, String formBody, String signature, boolean chunked) throws Exception {
        byte[] bytes = formBody.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(TWILIO_WAITS)
                        .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                        .POST(
                                chunked
                                        ? HttpRequest.BodyPublishers.ofInputStream(
                                                () -> new ByteArrayInputStream(bytes))
                                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (signature != null) {
            b.header("X-Twilio-Signature", signature);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An inbound SMS as Twilio posts it. */
    public static String smsForm(
            String accountSid, String messageSid, String from, String to, String body) {
        return "ToCountry=CA&ToState=QC&SmsMessageSid="
                + messageSid
                + "&NumMedia=0&ToCity=MONTREAL&FromZip=&SmsSid="
                + messageSid
                + "&FromState=ON&SmsStatus=received&FromCity=TORONTO&Body="
                + enc(body)
                + "&FromCountry=CA&To="
                + enc(to)
                + "&ToZip=&NumSegments=1&MessageSid="
                + messageSid
                + "&AccountSid="
                + accountSid
                + "&From="
                + enc(from)
                + "&ApiVersion=2010-04-01";
    }

    /** A delivery report as Twilio posts it. */
    public static String statusForm(
            String accountSid, String messageSid, String status, String to) {
        return "SmsSid="
                + messageSid
                + "&SmsStatus="
                + status
                + "&MessageStatus="
                + status
                + "&To="
                + enc(to)
                + "&MessageSid="
                + messageSid
                + "&AccountSid="
                + accountSid
                + "&From=%2B15145550100&ApiVersion=2010-04-01";
    }

    /** A fresh message SID. */
    public static String newMessageSid() {
        return "SM" + UUID.randomUUID().toString().replace("-", "");
    }

    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
