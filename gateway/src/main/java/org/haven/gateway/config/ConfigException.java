package org.haven.gateway.config;

/**
 * Invalid configuration: the message is one line that names the setting and never holds a secret
 * value (any registered one is masked: {@link Redaction}).
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(Redaction.redact(message));
    }
}
