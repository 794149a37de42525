package org.haven.gateway.admin;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.Supplier;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.cluster.ClusterJobs;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.RetentionStore;
import org.haven.gateway.store.SettingsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes closed cases once their retention period has passed: the case with its sealed entries and
 * their keys (by cascade), and its conversation (with its outbox rows, encrypted state and address,
 * by cascade) when no other case uses it. Inbound de-duplication keys older than the period go too.
 * The period is the one an administrator stored, else {@code HAVEN_RETENTION_DAYS}. Each purge is
 * audited with its count only.
 */
public final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private static final long DAY_MS = 24L * 60 * 60 * 1000;

    /** The retention period in force and where it comes from. */
    public record Policy(int days, boolean stored) {
        public String source() {
            return stored
                    ? "set by an administrator (retention set)"
                    : "HAVEN_RETENTION_DAYS or its default";
        }
    }

    /** What a purge deleted (or, for a dry run, would delete). */
    public record Purge(
            Policy policy, OffsetDateTime cutoff, int cases, int conversations, boolean dryRun) {}

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
        return new SettingsStore(db)
                .retentionDays()
                .map(
                        stored ->
                                stored.map(d -> new Policy(d, true))
                                        .orElse(new Policy(configuredDays, false)));
    }

    /** Purges now, as {@code actor} (audited unless a dry run). */
    public Future<Purge> purge(boolean dryRun, String actor) {
        return policy().compose(
                        policy ->
                                db.transaction(
                                        tx ->
                                                RetentionStore.cutoff(tx, policy.days())
                                                        .compose(
                                                                cutoff ->
                                                                        RetentionStore
                                                                                .lockClosedBefore(
                                                                                        tx, cutoff)
                                                                                .compose(
                                                                                        due -> {
                                                                                            int
                                                                                                    cases =
                                                                                                            due.cases()
                                                                                                                    .size();
                                                                                            if (dryRun) {
                                                                                                return RetentionStore
                                                                                                        .conversationsOnlyThese(
                                                                                                                tx,
                                                                                                                due)
                                                                                                        .map(
                                                                                                                n ->
                                                                                                                        new Purge(
                                                                                                                                policy,
                                                                                                                                cutoff,
                                                                                                                                cases,
                                                                                                                                n,
                                                                                                                                true));
                                                                                            }
                                                                                            return RetentionStore
                                                                                                    .delete(
                                                                                                            tx,
                                                                                                            due,
                                                                                                            cutoff)
                                                                                                    .compose(
                                                                                                            deleted ->
                                                                                                                    new AuditLog(
                                                                                                                                    tx,
                                                                                                                                    auditKey)
                                                                                                                            .record(
                                                                                                                                    actor,
                                                                                                                                    "retention_purge:"
                                                                                                                                            + cases,
                                                                                                                                    null)
                                                                                                                            .map(
                                                                                                                                    v ->
                                                                                                                                            new Purge(
                                                                                                                                                    policy,
                                                                                                                                                    cutoff,
                                                                                                                                                    cases,
                                                                                                                                                    deleted,
                                                                                                                                                    false)));
                                                                                        }))));
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
        return RetentionStore.expireUnfinished(db, resumeWindow);
    }

    /** Expires unfinished conversations now and every five minutes, on one gateway at a time. */
    public void scheduleExpiry(Vertx vertx, ClusterJobs jobs, Duration resumeWindow) {
        Supplier<Future<?>> work =
                () ->
                        expireUnfinished(resumeWindow)
                                .onSuccess(
                                        n -> {
                                            if (n > 0) {
                                                LOG.info("event=conversations_expired count={}", n);
                                            }
                                        });
        vertx.setTimer(1, id -> jobs.runExclusively(EXPIRE_JOB, work).onFailure(e -> {}));
        jobs.schedule(EXPIRE_JOB, EXPIRE_EVERY, work);
    }

    /** Purges once now and then every day, as the server. */
    public void schedule(Vertx vertx) {
        vertx.setTimer(1, id -> runScheduled());
        timer = vertx.setPeriodic(DAY_MS, id -> runScheduled());
    }

    /** Purges once now and then every day, on one gateway at a time across the cluster. */
    public void schedule(Vertx vertx, ClusterJobs jobs) {
        Supplier<Future<?>> work =
                () ->
                        purge(false, "system:retention")
                                .onSuccess(
                                        p ->
                                                LOG.info(
                                                        "event=retention_purged cases={} conversations={} days={}",
                                                        p.cases(),
                                                        p.conversations(),
                                                        p.policy().days()));
        vertx.setTimer(1, id -> jobs.runExclusively(JOB, work).onFailure(e -> {}));
        timer = jobs.schedule(JOB, Duration.ofMillis(DAY_MS), work);
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
                .onSuccess(
                        p ->
                                LOG.info(
                                        "event=retention_purged cases={} conversations={} days={}",
                                        p.cases(),
                                        p.conversations(),
                                        p.policy().days()))
                .onFailure(
                        e ->
                                LOG.warn(
                                        "event=retention_purge_failed kind={}",
                                        e.getClass().getSimpleName()));
    }
}
