package org.haven.gateway.outbox;

import java.time.Duration;

/** What happened when a channel tried to deliver one message. */
public sealed interface SendResult {

    /** Accepted by the provider (or delivered to an open web chat). */
    record Sent(String providerId) implements SendResult {}

    /** Not delivered; {@code kind} decides whether and when the outbox tries again. */
    record Failed(Kind kind, String code, Duration retryAfter) implements SendResult {
        public Failed(Kind kind, String code) {
            this(kind, code, null);
        }
    }

    /** The fixed kinds of send failure. */
    enum Kind {
        /** Network error, timeout, 5xx: try again with backoff. */
        RETRYABLE(true),
        /** The provider asked to slow down (429): try again after {@code retryAfter}. */
        RATE_LIMITED(true),
        /**
         * The person cannot be reached right now (no web chat open): the message waits, without
         * using up attempts, until they come back or it expires; looked at again after {@code
         * retryAfter}.
         */
        RECIPIENT_AWAY(true),
        /** The person opted out or blocked the bot: stop the conversation's delivery. */
        RECIPIENT_STOPPED(false),
        /** Anything else the provider refuses for good (bad number, bad request). */
        PERMANENT(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }
}
