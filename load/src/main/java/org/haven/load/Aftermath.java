package org.haven.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What the crash and the outage run check once the load has stopped: every acknowledged webhook was
 * stored exactly once (posted again, each is recognised as a duplicate and none is applied a second
 * time), and every reply the outbox queued was delivered at least once.
 */
final class Aftermath {
    private Aftermath() {}

    /**
     * The acknowledged webhooks posted again, and what the gateway's log says it did with them:
     * {@code duplicates} replays it recognised as stored before, {@code fresh} replays it found new
     * (an acknowledged message that was never stored: lost). A replay refused at first and answered
     * on a later try is reported apart and is not a failure; a lost message, or a replay still
     * refused after the last try, is. A message applied twice shows in the per-contact order check.
     */
    record Inbound(int acked, SmsLoad.Replayed replayed, long duplicates, long fresh) {
        void check(List<String> problems) {
            if (fresh > 0) {
                problems.add(
                        fresh
                                + " acknowledged messages were lost: not stored (the replay found them new)");
            }
            if (replayed.unresolved() > 0) {
                problems.add(
                        replayed.unresolved()
                                + " replayed webhooks were refused at every try "
                                + replayed.firstRefusals());
            }
            if (fresh == 0 && duplicates < replayed.answered()) {
                problems.add(
                        (replayed.answered() - duplicates)
                                + " replayed webhooks were answered 200 without being recognised"
                                + " as duplicates");
            }
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "inbound  %d acknowledged; replayed: %d answered 200 at once, %d refused then stored"
                            + " on a retry %s, %d refused at every try; %d recognised as duplicates, %d lost (found new)",
                    acked,
                    replayed.answeredFirst(),
                    replayed.answeredOnRetry(),
                    replayed.firstRefusals().isEmpty() ? "" : replayed.firstRefusals().toString(),
                    replayed.unresolved(),
                    duplicates,
                    fresh);
        }
    }

    /** The outbox once drained (or after its wait ran out), and what the fake Twilio received. */
    record Outbound(long sent, long failed, long pending, long delivered) {
        String line() {
            return String.format(
                    Locale.ROOT,
                    "outbound %d sent, %d failed/expired, %d pending; fake Twilio received %d",
                    sent,
                    failed,
                    pending,
                    delivered);
        }

        void check(List<String> problems) {
            if (pending != 0 || failed != 0) {
                problems.add("replies left undelivered");
            }
            if (delivered < sent) {
                problems.add("fewer requests to Twilio than replies marked sent");
            }
        }
    }

    /**
     * Posts every acknowledged webhook again, byte for byte (a refused one up to three times), and
     * reads the gateway's verdicts from its log once it has logged one per answered replay.
     */
    static Inbound replay(SmsLoad sms, Path log, List<String[]> acked) throws Exception {
        long before = Files.size(log);
        SmsLoad.Replayed replayed = sms.replay(acked, 3);
        long duplicates = 0;
        long fresh = 0;
        // the gateway logs its verdict just before it answers; give the log a moment to catch up
        for (int i = 0; i < 50; i++) {
            String after =
                    new String(Files.readAllBytes(log), StandardCharsets.UTF_8)
                            .substring((int) before);
            duplicates =
                    after.lines()
                            .filter(
                                    l ->
                                            l.contains("event=sms_inbound ")
                                                    && l.contains("duplicate=true"))
                            .count();
            fresh =
                    after.lines()
                            .filter(
                                    l ->
                                            l.contains("event=sms_inbound ")
                                                    && l.contains("duplicate=false"))
                            .count();
            if (duplicates + fresh >= replayed.answered()) {
                break;
            }
            Thread.sleep(100);
        }
        return new Inbound(acked.size(), replayed, duplicates, fresh);
    }

    /**
     * Waits up to two minutes for the outbox to drain (a row claimed by a killed gateway, or one
     * whose 'sent' mark failed in the outage, waits for its 60 s lease), then counts.
     */
    static Outbound drain(int dbPort, String dbPassword, LongSupplier delivered) throws Exception {
        long pending = -1;
        for (int i = 0; i < 60; i++) {
            pending =
                    count(
                            dbPort,
                            dbPassword,
                            "SELECT count(*) FROM outbox WHERE status = 'pending'");
            if (pending == 0) {
                break;
            }
            Thread.sleep(2000);
        }
        long sent = count(dbPort, dbPassword, "SELECT count(*) FROM outbox WHERE status = 'sent'");
        long failed =
                count(
                        dbPort,
                        dbPassword,
                        "SELECT count(*) FROM outbox WHERE status IN ('failed', 'expired')");
        return new Outbound(sent, failed, pending, delivered.getAsLong());
    }

    /** One number from the gateway's PostgreSQL on loopback, over JDBC, as its superuser. */
    static long count(int dbPort, String dbPassword, String sql) throws SQLException {
        try (Connection c =
                        DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                                "postgres",
                                dbPassword);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
