package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Cases and their sealed entries in PostgreSQL. */
public final class CaseStore {
    private static final String SUMMARY_COLUMNS =
            "id, reference, channel, language, status, triage, priority, working_group, urgent, created_at";

    private final Pool pool;

    public CaseStore(Pool pool) {
        this.pool = pool;
    }

    /** Inserts a new queued case (inside the caller's transaction). */
    public Future<Void> insert(SqlClient tx, CaseSummary c, UUID conversationId, boolean flagged) {
        return tx.preparedQuery("INSERT INTO cases (id, reference, conversation_id, channel, language, status, triage,"
                        + " priority, working_group, urgent, flagged) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)")
                .execute(Tuple.tuple(List.of(c.id(), c.reference(), conversationId, c.channel(), c.language(),
                        c.status(), c.triage(), c.priority(), c.workingGroup(), c.urgent(), flagged)))
                .mapEmpty();
    }

    /** Appends a sealed entry with its sealed keys (inside the caller's transaction); returns its seq. */
    public Future<Integer> appendEntry(SqlClient tx, UUID caseId, String kind, byte[] ciphertext, Map<String, byte[]> sealedKeys,
                                       int seq) {
        Future<?> f = tx.preparedQuery("INSERT INTO case_entries (case_id, seq, kind, ciphertext) VALUES ($1,$2,$3,$4)")
                .execute(Tuple.of(caseId, seq, kind, Buffer.buffer(ciphertext)));
        for (Map.Entry<String, byte[]> k : sealedKeys.entrySet()) {
            f = f.compose(v -> tx.preparedQuery("INSERT INTO entry_keys (case_id, seq, key_id, sealed_key) VALUES ($1,$2,$3,$4)")
                    .execute(Tuple.of(caseId, seq, k.getKey(), Buffer.buffer(k.getValue()))));
        }
        return f.map(v -> seq);
    }

    /** Silently flags a case (the duress word was used). */
    public Future<Void> flag(SqlClient tx, UUID caseId) {
        return tx.preparedQuery("UPDATE cases SET flagged = true, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(caseId)).mapEmpty();
    }

    /** Deletes a case and everything sealed in it (the person asked to delete what they sent). */
    public Future<Void> delete(SqlClient tx, UUID caseId) {
        return tx.preparedQuery("DELETE FROM cases WHERE id = $1").execute(Tuple.of(caseId)).mapEmpty();
    }

    /** The next free entry number of a case. */
    public Future<Integer> nextSeq(SqlClient tx, UUID caseId) {
        return tx.preparedQuery("SELECT coalesce(max(seq), 0) + 1 FROM case_entries WHERE case_id = $1")
                .execute(Tuple.of(caseId))
                .map(rs -> rs.iterator().next().getInteger(0));
    }

    /** Queued and claimed cases, urgent first, then by priority and age. */
    public Future<List<CaseSummary>> listOpen() {
        return pool.query("SELECT " + SUMMARY_COLUMNS + " FROM cases WHERE status <> 'closed'"
                        + " ORDER BY urgent DESC, priority, created_at LIMIT 500")
                .execute()
                .map(rs -> {
                    List<CaseSummary> out = new ArrayList<>();
                    rs.forEach(r -> out.add(summary(r)));
                    return out;
                });
    }

    /** One case's metadata. */
    public Future<Optional<CaseSummary>> find(UUID id) {
        return pool.preparedQuery("SELECT " + SUMMARY_COLUMNS + " FROM cases WHERE id = $1")
                .execute(Tuple.of(id))
                .map(rs -> rs.size() == 0 ? Optional.<CaseSummary>empty() : Optional.of(summary(rs.iterator().next())));
    }

    /** A case's sealed entries in order, each with its sealed keys. */
    public Future<List<SealedEntry>> entries(UUID caseId) {
        return pool.preparedQuery("SELECT e.seq, e.kind, e.ciphertext, e.created_at, k.key_id, k.sealed_key"
                        + " FROM case_entries e LEFT JOIN entry_keys k ON k.case_id = e.case_id AND k.seq = e.seq"
                        + " WHERE e.case_id = $1 ORDER BY e.seq")
                .execute(Tuple.of(caseId))
                .map(rs -> {
                    Map<Integer, SealedEntry> bySeq = new LinkedHashMap<>();
                    for (Row r : rs) {
                        SealedEntry e = bySeq.computeIfAbsent(r.getInteger("seq"), seq -> new SealedEntry(caseId, seq,
                                r.getString("kind"), r.getBuffer("ciphertext").getBytes(), new LinkedHashMap<>(),
                                r.getOffsetDateTime("created_at")));
                        if (r.getString("key_id") != null) {
                            e.sealedKeys().put(r.getString("key_id"), r.getBuffer("sealed_key").getBytes());
                        }
                    }
                    return new ArrayList<>(bySeq.values());
                });
    }

    private static CaseSummary summary(Row r) {
        return new CaseSummary(r.getUUID("id"), r.getString("reference"), r.getString("channel"), r.getString("language"),
                r.getString("status"), r.getString("triage"), r.getInteger("priority"), r.getString("working_group"),
                r.getBoolean("urgent"), r.getOffsetDateTime("created_at"));
    }
}
