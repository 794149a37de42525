package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.SettingsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes closed cases once their retention period has passed: the case with its sealed entries
 * and their keys (by cascade), and its conversation (with its outbox rows, encrypted state and
 * address, by cascade) when no other case uses it. Inbound de-duplication keys older than the
 * period go too. The period is the
 * one an administrator stored, else {@code HAVEN_RETENTION_DAYS}. Each purge is audited with its
 * count only.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    /** The retention period in force and where it comes from. */
    public record Policy(int days, boolean stored) {
        public String source() {
            return stored ? "set by an administrator (retention set)" : "HAVEN_RETENTION_DAYS or its default";
        }
    }

    /** What a purge deleted (or, for a dry run, would delete). */
    public record Purge(Policy policy, OffsetDateTime cutoff, int cases, int conversations, boolean dryRun) {
    }

    private final Db db;
    private final int configuredDays;
    private final KeyedHash auditKey;
    private long timer = -1;

    public Retention(Db db, int configuredDays, KeyedHash auditKey) {
        this.db = db;
        this.configuredDays = configuredDays;
        this.auditKey = auditKey;
    }

    /** The period in force. */
    public Future<Policy> policy() {
        return policy(db, configuredDays);
    }

    /** The period in force: the stored one, else {@code configuredDays}. */
    public static Future<Policy> policy(Db db, int configuredDays) {
        return new SettingsStore(db).retentionDays().map(stored -> stored.map(d -> new Policy(d, true))
                .orElse(new Policy(configuredDays, false)));
    }

    /** Purges now, as {@code actor} (audited unless a dry run). */
    public Future<Purge> purge(boolean dryRun, String actor) {
        return policy().compose(policy -> db.transaction(tx -> tx.preparedQuery(
                        "SELECT now() - make_interval(days => $1)").execute(Tuple.of(policy.days()))
                .compose(rs -> {
                    OffsetDateTime cutoff = rs.iterator().next().getOffsetDateTime(0);
                    return purge(tx, policy, cutoff, dryRun, actor);
                })));
    }

    private Future<Purge> purge(Db tx, Policy policy, OffsetDateTime cutoff, boolean dryRun, String actor) {
        return tx.preparedQuery("SELECT id, conversation_id FROM cases WHERE status = 'closed' AND closed_at < $1 FOR UPDATE")
                .execute(Tuple.of(cutoff)).compose(rs -> {
                    List<UUID> cases = new ArrayList<>();
                    Set<UUID> conversations = new LinkedHashSet<>();
                    for (Row r : rs) {
                        cases.add(r.getUUID(0));
                        if (r.getUUID(1) != null) {
                            conversations.add(r.getUUID(1));
                        }
                    }
                    UUID[] caseIds = cases.toArray(new UUID[0]);
                    UUID[] convIds = conversations.toArray(new UUID[0]);
                    if (dryRun) {
                        return tx.preparedQuery("SELECT count(*) FROM conversations c WHERE c.id = ANY($1) AND NOT EXISTS"
                                        + " (SELECT 1 FROM cases k WHERE k.conversation_id = c.id AND NOT (k.id = ANY($2)))")
                                .execute(Tuple.tuple().addValue(convIds).addValue(caseIds))
                                .map(n -> new Purge(policy, cutoff, cases.size(), n.iterator().next().getLong(0).intValue(), true));
                    }
                    return tx.preparedQuery("DELETE FROM cases WHERE id = ANY($1)").execute(Tuple.of((Object) caseIds))
                            .compose(v -> tx.preparedQuery("DELETE FROM conversations c WHERE c.id = ANY($1)"
                                            + " AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.conversation_id = c.id)")
                                    .execute(Tuple.of((Object) convIds)))
                            .compose(deleted -> tx.preparedQuery("DELETE FROM inbound_seen WHERE seen_at < $1").execute(Tuple.of(cutoff))
                                    .compose(v -> new AuditLog(tx, auditKey).record(actor, "retention_purge:" + cases.size(), null))
                                    .map(v -> new Purge(policy, cutoff, cases.size(), deleted.rowCount(), false)));
                });
    }

    /** The job name under which unfinished conversations are expired, once across gateways. */
    public static final String EXPIRE_JOB = "conversations.expire";
    private static final Duration EXPIRE_EVERY = Duration.ofMinutes(5);

    /**
     * Deletes the conversations that never became a case once the resume window has passed since
     * their last message, with all they hold (their encrypted state with the answers so far, and
     * their outbox rows, by cascade): after that the intake could not be resumed anyway. A step in
     * flight holds its conversation's lock and moves its time, so it is never deleted under it.
     */
    public Future<Integer> expireUnfinished(Duration resumeWindow) {
        return db.preparedQuery("DELETE FROM conversations WHERE case_id IS NULL"
                        + " AND updated_at < now() - $1 * interval '1 millisecond'")
                .execute(Tuple.of(resumeWindow.toMillis())).map(rs -> rs.rowCount());
    }

    /** Expires unfinished conversations now and every five minutes, on one gateway at a time. */
    public void scheduleExpiry(Vertx vertx, org.haven.gateway.cluster.ClusterJobs jobs, Duration resumeWindow) {
        java.util.function.Supplier<Future<?>> work = () -> expireUnfinished(resumeWindow).onSuccess(n -> {
            if (n > 0) {
                LOG.info("event=conversations_expired count={}", n);
            }
        });
        vertx.setTimer(1, id -> jobs.runExclusively(EXPIRE_JOB, work).onFailure(e -> { }));
        jobs.schedule(EXPIRE_JOB, EXPIRE_EVERY, work);
    }

    /** Purges once now and then every day, as the server. */
    public void schedule(Vertx vertx) {
        vertx.setTimer(1, id -> runScheduled());
        timer = vertx.setPeriodic(DAY_MS, id -> runScheduled());
    }

    /** Purges once now and then every day, on one gateway at a time across the cluster. */
    public void schedule(Vertx vertx, org.haven.gateway.cluster.ClusterJobs jobs) {
        java.util.function.Supplier<io.vertx.core.Future<?>> work = () -> purge(false, "system:retention")
                .onSuccess(p -> LOG.info("event=retention_purged cases={} conversations={} days={}", p.cases(), p.conversations(),
                        p.policy().days()));
        vertx.setTimer(1, id -> jobs.runExclusively(JOB, work).onFailure(e -> { }));
        timer = jobs.schedule(JOB, java.time.Duration.ofMillis(DAY_MS), work);
    }

    /** The job name under which the purge runs once across gateways. */
    public static final String JOB = "retention.purge";

    /** Stops the daily purge. */
    public void cancel(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void runScheduled() {
        purge(false, "system:retention")
                .onSuccess(p -> LOG.info("event=retention_purged cases={} conversations={} days={}", p.cases(), p.conversations(),
                        p.policy().days()))
                .onFailure(e -> LOG.warn("event=retention_purge_failed kind={}", e.getClass().getSimpleName()));
    }
}
