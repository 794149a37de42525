package org.haven.gateway.keys;

import io.vertx.core.Future;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.haven.crypto.KeyedHash;
import org.haven.gateway.metrics.HavenMetrics;
import org.haven.gateway.store.AuditLog;
import org.haven.gateway.store.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says that a key record was rejected: a log line {@code event=key_rejected kind=... id=...}
 * (identifiers only), an audit entry {@code key_rejected:<kind>:<id>} by {@code system:keys} and
 * the {@code haven.keys.rejected} counter. Once per distinct bad record (kind, id and what was
 * stored) for as long as this gateway runs, not at every reload; a record changed again is reported
 * again.
 */
final class KeyRejections {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRejections.class);
    private static final int LIMIT = 10_000;

    private final Db db;
    private final KeyedHash auditKey;
    private final Set<KeyVerifier.Rejection> seen = ConcurrentHashMap.newKeySet();
    private volatile HavenMetrics metrics = HavenMetrics.NONE;

    KeyRejections(Db db, KeyedHash auditKey) {
        this.db = db;
        this.auditKey = auditKey;
    }

    void metrics(HavenMetrics metrics) {
        this.metrics = metrics;
    }

    void report(Iterable<KeyVerifier.Rejection> rejections) {
        for (KeyVerifier.Rejection r : rejections) {
            report(r);
        }
    }

    /**
     * A grant of an administrators-only team key held by account {@code accountId}, which is not an
     * administrator: no rotation made it, so a database writer planted it. Logged {@code
     * event=team_grant_refused account=<id>} and audited {@code team_grant_refused:<id>} by {@code
     * system:keys} in {@code tx}, the rotation's transaction. Every time: each rotation that meets
     * one refuses it.
     */
    Future<Void> teamGrantRefused(Db tx, long accountId) {
        LOG.warn("event=team_grant_refused account={}", accountId);
        return new AuditLog(tx, auditKey)
                .record("system:keys", "team_grant_refused:" + accountId, null);
    }

    void report(KeyVerifier.Rejection r) {
        if (seen.size() > LIMIT) {
            seen.clear();
        }
        if (!seen.add(r)) {
            return;
        }
        LOG.warn("event=key_rejected kind={} id={}", r.kind(), r.id());
        metrics.keyRejected(r.kind());
        new AuditLog(db, auditKey)
                .record("system:keys", "key_rejected:" + r.kind() + ":" + r.id(), null)
                .onFailure(
                        err ->
                                LOG.warn(
                                        "event=key_rejected_not_audited kind={} id={} error={}",
                                        r.kind(),
                                        r.id(),
                                        err.getClass().getSimpleName()));
    }
}
