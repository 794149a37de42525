package org.haven.gateway.logging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log for events that can repeat many times a second (a database outage fails every sweep and
 * every message; a forged webhook can be sent in a loop): the first occurrence of an event is
 * logged at once, and after that at most one line per interval, which carries {@code repeated=N},
 * the number of occurrences since the previous line that were counted but not logged. An event that
 * comes back after a quiet interval is logged as a first occurrence again. Occurrences counted
 * after the last line are reported with the next occurrence.
 *
 * <p>Events are told apart by their name (the {@code event=} value), so the details of each line (a
 * kind, a status) are those of the occurrence logged; give an event one name per cause that must be
 * seen on its own. Thread-safe.
 */
public final class RepeatedLog {
    /** The interval the gateway uses. */
    public static final Duration INTERVAL = Duration.ofSeconds(60);

    private final Logger logger;
    private final Duration interval;
    private final Clock clock;
    private final Map<String, Seen> seen = new HashMap<>();

    private static final class Seen {
        Instant logged;
        long counted;

        Seen(Instant logged) {
            this.logged = logged;
        }
    }

    /** A log on {@code logger}, once a minute per event, on the system clock. */
    public RepeatedLog(Logger logger) {
        this(logger, INTERVAL, Clock.systemUTC());
    }

    public RepeatedLog(Logger logger, Duration interval, Clock clock) {
        this.logger = logger;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Logs {@code event=<event> <details>} at WARN, or counts it (details: SLF4J's {@code {}}
     * placeholders for {@code args}).
     */
    public void warn(String event, String details, Object... args) {
        log(Level.WARN, event, details, args);
    }

    /** The same at ERROR. */
    public void error(String event, String details, Object... args) {
        log(Level.ERROR, event, details, args);
    }

    /** The same at INFO. */
    public void info(String event, String details, Object... args) {
        log(Level.INFO, event, details, args);
    }

    private void log(Level level, String event, String details, Object... args) {
        long repeated;
        synchronized (seen) {
            Instant now = clock.instant();
            Seen s = seen.get(event);
            if (s == null) {
                seen.put(event, new Seen(now));
                repeated = 0;
            } else if (now.isBefore(s.logged.plus(interval))) {
                s.counted++;
                return;
            } else {
                repeated = s.counted;
                s.logged = now;
                s.counted = 0;
            }
        }
        String line = "event=" + event + (details.isEmpty() ? "" : " " + details);
        if (repeated > 0) {
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = repeated;
            logger.atLevel(level).log(line + " repeated={}", withCount);
        } else {
            logger.atLevel(level).log(line, args);
        }
    }
}
