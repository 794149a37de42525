package org.haven.load;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The personal-data check the crash and outage ITs apply to the gateway's log. */
class ScriptRunTest {

    /**
     * Verifies that a number the driver writes from, in any written form, a longer message text and
     * the token are found. (Cases named by index only: the reports are read by the gateway's log
     * check.)
     */
    @ParameterizedTest(name = "{index}")
    @ValueSource(
            strings = {
                "from=+15550100042",
                "To=%2B15550100042&Body=x",
                "(555) 010-0042",
                "+1 555 010 0000",
                "text=evenings load",
                "city=Toronto",
                "t=" + Load.TOKEN
            })
    void testPersonalDataIsFound(String line) {
        assertThrows(
                AssertionError.class,
                () -> ScriptRun.assertNothingPersonal("test", "ok line\n" + line + "\n"));
    }

    /**
     * Verifies that ordinary log lines pass: identifiers, the gateway's own sending number, short
     * words.
     */
    @Test
    void testOrdinaryLogLinesPass() {
        ScriptRun.assertNothingPersonal(
                "test",
                """
                2026-11-26T10:56:21.346Z level=INFO logger=Haven event=channel_enabled channel=sms
                2026-11-26T10:56:22.075Z level=INFO logger=SmsChannel event=sms_webhook_rejected hook=sms status=403 reason=missing_signature
                2026-11-26T10:56:38.902Z level=INFO logger=Conversations event=spool_replayed count=341 pending=136
                event=outbox_sent message=d2142003-4a20-484b-a24a-90d2738ec2f0 channel=sms attempt=1 from=+15145550100
                inbound  965 acknowledged, 0 refused; yes no en ok
                """);
    }
}
