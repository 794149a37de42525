package org.haven.gateway.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects every log line of the whole JVM (all loggers, all levels) while open. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();

    public LogCapture() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(ctx);
        start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(this);
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        StringBuilder sb =
                new StringBuilder(event.getLoggerName())
                        .append(' ')
                        .append(event.getFormattedMessage());
        if (event.getThrowableProxy() != null) {
            sb.append(' ')
                    .append(event.getThrowableProxy().getClassName())
                    .append(' ')
                    .append(event.getThrowableProxy().getMessage());
        }
        lines.add(sb.toString());
    }

    /** Every line captured so far. */
    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }
}
