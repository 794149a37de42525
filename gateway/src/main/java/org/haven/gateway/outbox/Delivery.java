package org.haven.gateway.outbox;

import java.time.OffsetDateTime;

/**
 * What became of one coordinator reply in the outbox.
 *
 * @param status pending, sent, failed or expired
 * @param waitingSince when it first found the person away (their web chat closed), or null
 * @param deliveryStatus the provider's last delivery report (SMS), or null
 * @param expiresAt when a reply still waiting is given up
 * @param sentAt when the channel took it, or null
 * @param channel the channel it goes out on
 */
public record Delivery(
        String status,
        OffsetDateTime waitingSince,
        String deliveryStatus,
        OffsetDateTime expiresAt,
        OffsetDateTime sentAt,
        String channel) {

    /** Still to be sent, and waiting for the person to open their chat again. */
    public boolean waitingForPerson() {
        return "pending".equals(status) && waitingSince != null;
    }
}
