package org.haven.gateway.config;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A logged exception's messages and stack trace with the configuration's secrets masked ({@link
 * Redaction}): {@code %redactedEx}. Being a throwable converter, it also stops logback from
 * appending an unredacted one of its own.
 */
public final class RedactedThrowableConverter extends ThrowableProxyConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Redaction.redact(super.convert(event));
    }
}
