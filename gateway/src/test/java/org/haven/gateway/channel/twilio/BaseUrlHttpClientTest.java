package org.haven.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twilio.exception.ApiConnectionException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.haven.gateway.outbox.SendResult;
import org.haven.gateway.support.FakeTwilio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Twilio SDK's transport against the fake Twilio API. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BaseUrlHttpClientTest {
    private static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";

    /**
     * Verifies that a message sent through the real SDK whose answer stalls after its headers ends
     * within the transport's limit, as a connection failure the outbox retries, with its connection
     * closed, over HTTP/1.1.
     */
    @Test
    void testStalledAnswerEndsWithinTheTimeout() throws Exception {
        try (FakeTwilio twilio = FakeTwilio.start(ACCOUNT_SID)) {
            twilio.stallSends();
            TwilioRestClient client =
                    new TwilioRestClient.Builder(ACCOUNT_SID, AUTH_TOKEN)
                            .httpClient(
                                    new BaseUrlHttpClient(
                                            URI.create(twilio.url()), Duration.ofSeconds(2)))
                            .build();
            long start = System.nanoTime();
            ApiConnectionException e =
                    assertThrows(
                            ApiConnectionException.class,
                            () ->
                                    Message.creator(
                                                    new PhoneNumber("+16135550100"),
                                                    new PhoneNumber("+15145550100"),
                                                    "hello")
                                            .create(client));
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < 5000, "ended after " + took + " ms");
            assertEquals(SendResult.Kind.RETRYABLE, TwilioApi.classify(e).kind());
            assertEquals(1, twilio.received().size());
            assertEquals("http/1.1", twilio.received().get(0).version());
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (twilio.abandonedResponses() < 1) {
                assertTrue(System.nanoTime() < end, "the stalled answer's connection stays open");
                Thread.sleep(50);
            }
        }
    }
}
