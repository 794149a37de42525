package org.haven.gateway.channel.twilio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.twilio.security.RequestValidator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Haven's one Twilio signature against the Twilio SDK's own validator. */
class TwilioSignatureTest {
    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final Map<String, String> PARAMS =
            Map.of("From", "whatsapp:+16135550147", "Body", "Bonjour é", "MessageSid", "SM1");

    /** Verifies that what Haven signs, the SDK accepts, and what the SDK signs, Haven accepts. */
    @Test
    void testSignatureAgreesWithTheSdk() {
        String url = "https://haven.example.org/webhooks/twilio/whatsapp";
        String sig = TwilioSignature.sign(TOKEN, url, PARAMS);
        assertTrue(new RequestValidator(TOKEN).validate(url, PARAMS, sig));
        assertTrue(TwilioSignature.valid(TOKEN, url, PARAMS, sig));
        String withPort = "https://haven.example.org:443/webhooks/twilio/whatsapp";
        assertTrue(
                TwilioSignature.valid(
                        TOKEN, url, PARAMS, TwilioSignature.sign(TOKEN, withPort, PARAMS)));
        assertEquals(sig, TwilioSignature.sign(TOKEN, url, Map.copyOf(PARAMS)));
    }

    /** Verifies that a wrong token, URL, parameter or empty signature fails. */
    @Test
    void testSignatureFailsForAnyChange() {
        String url = "https://haven.example.org/webhooks/twilio/sms";
        String sig = TwilioSignature.sign(TOKEN, url, PARAMS);
        assertFalse(TwilioSignature.valid("x" + TOKEN, url, PARAMS, sig));
        assertFalse(TwilioSignature.valid(TOKEN, url + "x", PARAMS, sig));
        assertFalse(TwilioSignature.valid(TOKEN, url, Map.of("From", "+1"), sig));
        assertFalse(TwilioSignature.valid(TOKEN, url, PARAMS, ""));
        assertFalse(TwilioSignature.valid(TOKEN, url, PARAMS, null));
    }
}
