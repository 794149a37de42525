package org.haven.load;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dialogue steps the gateway itself committed while measuring, from its {@code /metrics}
 * ({@code haven_dialogue_step_seconds_count} with outcome ok, and {@code haven_step_batch_size}:
 * the transactions that group commit shared). Under overload the load's own throughput counts only
 * answers to messages due inside the window, so a backlog from the warm-up answered inside it is
 * work done but not counted; the gateway's count includes it.
 */
final class StepCounts {
    private static final Pattern STEPS =
            Pattern.compile(
                    "^haven_dialogue_step_seconds_count\\{[^}]*outcome=\"ok\"[^}]*\\}\\s+(\\S+)$");
    private static final Pattern BATCHES =
            Pattern.compile("^haven_step_batch_size_(count|sum)\\s+(\\S+)$");
    private static final Pattern MISSED =
            Pattern.compile("^haven_resume_phrases_missed_total\\s+(\\S+)$");
    private static final Pattern PREPARED =
            Pattern.compile("^haven_resume_phrases_prepared\\s+(\\S+)$");

    /**
     * The counters at one moment; {@code phrasesMissed}: hand-offs that found no resume phrase
     * prepared ahead, and derived one inside their step; {@code phrasesPrepared}: the phrases of
     * the default language ready now.
     */
    record Reading(
            double steps,
            double batches,
            double batchedSteps,
            double phrasesMissed,
            double phrasesPrepared) {}

    private final MetricsPage page;

    StepCounts(String host, int port, String token) {
        this.page = new MetricsPage(host, port, token);
    }

    /** The counters now, or null when /metrics cannot be read. */
    Reading read() {
        String text = page.read();
        return text == null ? null : parse(text);
    }

    /** The counters of a Prometheus text page. */
    static Reading parse(String page) {
        double steps = 0;
        double batches = 0;
        double batched = 0;
        double missed = 0;
        double prepared = 0;
        for (String line : page.split("\n")) {
            String l = line.strip();
            Matcher m = STEPS.matcher(l);
            if (m.matches()) {
                steps += Double.parseDouble(m.group(1));
                continue;
            }
            m = MISSED.matcher(l);
            if (m.matches()) {
                missed += Double.parseDouble(m.group(1));
                continue;
            }
            m = PREPARED.matcher(l);
            if (m.matches()) {
                prepared = Double.parseDouble(m.group(1));
                continue;
            }
            m = BATCHES.matcher(l);
            if (m.matches()) {
                if (m.group(1).equals("count")) {
                    batches += Double.parseDouble(m.group(2));
                } else {
                    batched += Double.parseDouble(m.group(2));
                }
            }
        }
        return new Reading(steps, batches, batched, missed, prepared);
    }

    /**
     * @return "steps committed by the gateway 612.0/s (its own count); shared transactions 80.1/s,
     *     7.6 steps each; resume phrases derived in the step 3", or null when either reading is
     *     missing
     */
    static String report(Reading before, Reading after, int seconds) {
        if (before == null || after == null) {
            return null;
        }
        double batches = after.batches() - before.batches();
        return String.format(
                Locale.ROOT,
                "steps    committed by the gateway %.1f/s (its own count, warm-up backlog included);"
                        + " group commit: %.1f transactions/s, %.2f steps each;"
                        + " resume phrases derived in the step (none prepared): %.0f",
                (after.steps() - before.steps()) / seconds,
                batches / seconds,
                batches > 0 ? (after.batchedSteps() - before.batchedSteps()) / batches : 0,
                after.phrasesMissed() - before.phrasesMissed());
    }

    /** Steps per second between two readings, or -1. */
    static double perSecond(Reading before, Reading after, int seconds) {
        return before == null || after == null ? -1 : (after.steps() - before.steps()) / seconds;
    }
}
