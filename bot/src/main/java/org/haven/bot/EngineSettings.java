package org.haven.bot;

import java.time.Duration;
import java.util.Objects;

/**
 * Engine settings that are deployment choices rather than script content.
 *
 * @param duressWord a word that ends the session with a harmless decoy reply and silently flags the
 *     case; null for none. Matched case- and accent-insensitively.
 * @param resumeWindow how long an unfinished intake may be resumed; after it the intake restarts
 *     politely
 */
public record EngineSettings(String duressWord, Duration resumeWindow) {

    /** Default resume window: seven days. */
    public static final Duration DEFAULT_RESUME_WINDOW = Duration.ofDays(7);

    /** Validates the settings. */
    public EngineSettings {
        Objects.requireNonNull(resumeWindow, "resumeWindow");
        if (resumeWindow.isNegative() || resumeWindow.isZero()) {
            throw new IllegalArgumentException("resumeWindow must be positive");
        }
        if (duressWord != null && duressWord.isBlank()) {
            duressWord = null;
        }
    }

    /**
     * Returns the defaults: no duress word, seven-day resume window.
     *
     * @return default settings
     */
    public static EngineSettings defaults() {
        return new EngineSettings(null, DEFAULT_RESUME_WINDOW);
    }
}
