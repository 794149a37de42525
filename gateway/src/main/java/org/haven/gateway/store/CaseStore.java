package org.haven.gateway.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.haven.bot.engine.ReferralCode;

/** Cases and their sealed entries in PostgreSQL. */
public final class CaseStore {
    private static final String SUMMARY_COLUMNS =
            "c.id, c.reference, c.channel, c.language, c.status, c.triage, c.priority,"
                    + " c.working_group, c.urgent, c.created_at, c.assigned_to, a.username AS assignee, c.labels, c.agency_id,"
                    + " c.conversation_id, c.agency_share, c.reopened_at, c.asked_for_person, c.flagged";
    private static final String FROM = " FROM cases c LEFT JOIN accounts a ON a.id = c.assigned_to";

    /**
     * The case's last holder may still work it: not disabled, and an administrator or a coordinator
     * of its group.
     */
    private static final String HOLDER_CAN_WORK =
            "EXISTS (SELECT 1 FROM accounts h WHERE h.id = c.assigned_to AND h.disabled_at IS NULL"
                    + " AND (h.role = 'admin' OR (h.role = 'coordinator' AND EXISTS (SELECT 1 FROM account_groups g"
                    + " WHERE g.account_id = h.id AND (c.working_group IS NULL OR g.group_id = c.working_group)))))";

    private final Db pool;
    private final AgencyKeyCheck agencyKeys;

    /**
     * A store whose referral lookups use no agency key at all (answers sealed to the team only).
     */
    public CaseStore(Pool pool) {
        this(pool, AgencyKeyCheck.NONE);
    }

    /**
     * A store whose referral lookups answer an agency's key only when {@code agencyKeys} verified
     * its record.
     */
    public CaseStore(Pool pool, AgencyKeyCheck agencyKeys) {
        this(Db.of(pool), agencyKeys);
    }

    /**
     * A store on {@code db} whose referral lookups answer an agency's key only when {@code
     * agencyKeys} verified it.
     */
    public CaseStore(Db pool, AgencyKeyCheck agencyKeys) {
        this.pool = pool;
        this.agencyKeys = agencyKeys;
    }

    /** Inserts a new queued case (inside the caller's transaction). */
    public Future<Void> insert(Db tx, CaseSummary c, UUID conversationId, boolean flagged) {
        return insert(tx, c, conversationId, flagged, null);
    }

    /**
     * Inserts a new queued case whose answers were also sealed to agency key {@code agencyKeyId}
     * (null: team key only).
     */
    public Future<Void> insert(
            Db tx, CaseSummary c, UUID conversationId, boolean flagged, String agencyKeyId) {
        return tx.preparedQuery(
                        "INSERT INTO cases (id, reference, conversation_id, channel, language, status, triage,"
                                + " priority, working_group, urgent, flagged, agency_id, agency_key_id, agency_share, asked_for_person,"
                                + " last_message_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15, now())")
                .execute(
                        Tuple.tuple(
                                Arrays.asList(
                                        c.id(),
                                        c.reference(),
                                        conversationId,
                                        c.channel(),
                                        c.language(),
                                        c.status(),
                                        c.triage(),
                                        c.priority(),
                                        c.workingGroup(),
                                        c.urgent(),
                                        flagged,
                                        c.agencyId(),
                                        agencyKeyId,
                                        c.agencyShare().toArray(new String[0]),
                                        c.askedForPerson())))
                .mapEmpty();
    }

    /**
     * Appends a sealed entry with its sealed keys (inside the caller's transaction); returns its
     * seq.
     */
    public Future<Integer> appendEntry(
            Db tx,
            UUID caseId,
            String kind,
            byte[] ciphertext,
            Map<String, byte[]> sealedKeys,
            int seq) {
        return appendEntry(tx, caseId, kind, ciphertext, sealedKeys, seq, null);
    }

    /** Appends a sealed entry written by a coordinator ({@code author}: their username). */
    public Future<Integer> appendEntry(
            Db tx,
            UUID caseId,
            String kind,
            byte[] ciphertext,
            Map<String, byte[]> sealedKeys,
            int seq,
            String author) {
        Future<?> f =
                tx.preparedQuery(
                                "INSERT INTO case_entries (case_id, seq, kind, ciphertext, author) VALUES ($1,$2,$3,$4,$5)")
                        .execute(Tuple.of(caseId, seq, kind, Buffer.buffer(ciphertext), author));
        for (Map.Entry<String, byte[]> k : sealedKeys.entrySet()) {
            f =
                    f.compose(
                            v ->
                                    tx.preparedQuery(
                                                    "INSERT INTO entry_keys (case_id, seq, key_id, sealed_key) VALUES ($1,$2,$3,$4)")
                                            .execute(
                                                    Tuple.of(
                                                            caseId,
                                                            seq,
                                                            k.getKey(),
                                                            Buffer.buffer(k.getValue()))));
        }
        return f.map(v -> seq);
    }

    /**
     * The agency a referral code was issued to, with its recipient key, or null (no code, unknown
     * code). The key is verified or absent: a key whose signed record does not verify (written into
     * the database by someone who could not sign it) is answered as no key, so the answers are
     * sealed to the team only. One indexed read; the row is key-share locked so that a change of
     * the agency's key waits for this transaction (nothing is sealed to a key being replaced).
     */
    public Future<AgencyRecipient> agencyByReferralCode(Db tx, String code) {
        String canonical = code == null ? null : ReferralCode.normalise(code);
        if (canonical == null) {
            return Future.succeededFuture(null);
        }
        return tx.preparedQuery(
                        "SELECT id, referral_code, key_id, public_key, key_signer, key_signature FROM agencies"
                                + " WHERE referral_code = $1 FOR KEY SHARE")
                .execute(Tuple.of(canonical))
                .compose(
                        rs -> {
                            if (rs.size() == 0) {
                                return Future.succeededFuture(null);
                            }
                            KeyRecordStore.AgencyKeyRow row =
                                    KeyRecordStore.agency(rs.iterator().next());
                            AgencyRecipient none = new AgencyRecipient(row.id(), null, null);
                            if (row.keyId() == null) {
                                return Future.succeededFuture(none);
                            }
                            return agencyKeys
                                    .verified(row)
                                    .map(
                                            ok ->
                                                    ok
                                                            ? new AgencyRecipient(
                                                                    row.id(),
                                                                    row.keyId(),
                                                                    row.publicKey())
                                                            : none);
                        });
    }

    /**
     * Whether an agency holds a referral code, so that the intake can query a code nobody holds
     * instead of dropping the referral silently.
     *
     * @param code a code as typed; anything but a well-formed code is held by nobody
     */
    public Future<Boolean> referralCodeHeld(Db tx, String code) {
        String canonical = code == null ? null : ReferralCode.normalise(code);
        if (canonical == null) {
            return Future.succeededFuture(false);
        }
        return tx.preparedQuery("SELECT 1 FROM agencies WHERE referral_code = $1")
                .execute(Tuple.of(canonical))
                .map(rs -> rs.size() > 0);
    }

    /** Silently flags a case (the duress word was used). */
    public Future<Void> flag(Db tx, UUID caseId) {
        return tx.preparedQuery("UPDATE cases SET flagged = true, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(caseId))
                .mapEmpty();
    }

    /** Deletes a case and everything sealed in it (the person asked to delete what they sent). */
    public Future<Void> delete(Db tx, UUID caseId) {
        return tx.preparedQuery("DELETE FROM cases WHERE id = $1")
                .execute(Tuple.of(caseId))
                .mapEmpty();
    }

    /** The next free entry number of a case. */
    public Future<Integer> nextSeq(Db tx, UUID caseId) {
        return tx.preparedQuery(
                        "SELECT coalesce(max(seq), 0) + 1 FROM case_entries WHERE case_id = $1")
                .execute(Tuple.of(caseId))
                .map(rs -> rs.iterator().next().getInteger(0));
    }

    /** One queue view, urgent first, then by priority and age. */
    public Future<List<CaseSummary>> list(CaseQuery q) {
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE true");
        switch (q.queue()) {
            case "mine" -> {
                params.add(q.viewerId());
                where.append(" AND c.assigned_to = $")
                        .append(params.size())
                        .append(" AND c.status IN ('claimed', 'waiting')");
            }
            case "waiting" -> where.append(" AND c.status = 'waiting'");
            case "closed" -> where.append(" AND c.status = 'closed'");
            case "open" -> where.append(" AND c.status <> 'closed'");
            default -> where.append(" AND c.status = 'queued'");
        }
        if (q.visibleGroups() != null) {
            params.add(q.visibleGroups().toArray(new String[0]));
            where.append(" AND (c.working_group IS NULL OR c.working_group = ANY($")
                    .append(params.size())
                    .append("))");
        }
        if (q.agencyId() != null) {
            params.add(q.agencyId());
            where.append(" AND c.agency_id = $")
                    .append(params.size())
                    .append(" AND cardinality(c.agency_share) > 0");
        }
        if (q.group() != null) {
            params.add(q.group());
            where.append(" AND c.working_group = $").append(params.size());
        }
        if (q.label() != null) {
            params.add(q.label());
            where.append(" AND $").append(params.size()).append(" = ANY(c.labels)");
        }
        if (q.channel() != null) {
            params.add(q.channel());
            where.append(" AND c.channel = $").append(params.size());
        }
        if (q.from() != null) {
            params.add(q.from().atStartOfDay().atOffset(ZoneOffset.UTC));
            where.append(" AND c.created_at >= $").append(params.size());
        }
        if (q.to() != null) {
            params.add(q.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            where.append(" AND c.created_at < $").append(params.size());
        }
        String order =
                "closed".equals(q.queue())
                        ? " ORDER BY c.closed_at DESC NULLS LAST"
                        : " ORDER BY c.urgent AND NOT c.flagged DESC, c.flagged, c.priority, c.created_at";
        return pool.preparedQuery("SELECT " + SUMMARY_COLUMNS + FROM + where + order + " LIMIT 300")
                .execute(Tuple.from(params))
                .map(CaseStore::summaries);
    }

    /**
     * Claims a queued case for one coordinator. {@code SKIP LOCKED} makes a concurrent claim find
     * nothing rather than wait: exactly one of two claimers wins.
     */
    public Future<Boolean> claim(UUID caseId, long accountId) {
        return pool.preparedQuery(
                        "UPDATE cases SET status = 'claimed', assigned_to = $2, claimed_at = now(), updated_at = now()"
                                + " WHERE id = (SELECT id FROM cases WHERE id = $1 AND status = 'queued' FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(caseId, accountId))
                .map(rs -> rs.rowCount() == 1);
    }

    /**
     * Gives a claimed case back to the queue (only its holder, or an admin when {@code holder} is
     * null).
     */
    public Future<Boolean> release(UUID caseId, Long holder) {
        return pool.preparedQuery(
                        "UPDATE cases SET status = 'queued', assigned_to = NULL, claimed_at = NULL, updated_at = now()"
                                + " WHERE id = $1 AND status IN ('claimed', 'waiting') AND ($2::bigint IS NULL OR assigned_to = $2)")
                .execute(Tuple.of(caseId, holder))
                .map(rs -> rs.rowCount() == 1);
    }

    /**
     * Hands a case to another account (administrators): a new case becomes claimed by it.
     *
     * @return the case's status after, or empty when it was closed or is gone (nothing changed)
     */
    public Future<Optional<String>> reassign(UUID caseId, long accountId) {
        return pool.preparedQuery(
                        "UPDATE cases SET status = CASE WHEN status = 'queued' THEN 'claimed' ELSE status END,"
                                + " assigned_to = $2, claimed_at = now(), updated_at = now() WHERE id = $1 AND status <> 'closed'"
                                + " RETURNING status")
                .execute(Tuple.of(caseId, accountId))
                .map(
                        rs ->
                                rs.rowCount() == 1
                                        ? Optional.of(rs.iterator().next().getString("status"))
                                        : Optional.empty());
    }

    /** Changes a case's status (claimed, waiting, closed; reopening goes back to claimed). */
    public Future<Boolean> setStatus(UUID caseId, String status) {
        return pool.preparedQuery(
                        "UPDATE cases SET status = $2, updated_at = now(),"
                                + " closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END,"
                                + " reopened_at = CASE WHEN $2 = 'closed' THEN NULL ELSE reopened_at END WHERE id = $1")
                .execute(Tuple.of(caseId, status))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Replaces a case's labels. */
    public Future<Void> setLabels(UUID caseId, List<String> labels) {
        return pool.preparedQuery("UPDATE cases SET labels = $2, updated_at = now() WHERE id = $1")
                .execute(
                        Tuple.tuple()
                                .addUUID(caseId)
                                .addArrayOfString(labels.toArray(new String[0])))
                .mapEmpty();
    }

    /** The person now writes on another channel (they wrote their resume phrase there). */
    public Future<Void> moveChannel(Db tx, UUID caseId, String channel) {
        return tx.preparedQuery("UPDATE cases SET channel = $2, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(caseId, channel))
                .mapEmpty();
    }

    /** Records the first coordinator reply (for time-to-first-reply) and the last activity. */
    public Future<Void> replied(Db tx, UUID caseId) {
        return tx.preparedQuery(
                        "UPDATE cases SET first_reply_at = coalesce(first_reply_at, now()), updated_at = now(),"
                                + " status = CASE WHEN status = 'claimed' THEN 'waiting' ELSE status END WHERE id = $1")
                .execute(Tuple.of(caseId))
                .mapEmpty();
    }

    /**
     * The person wrote again: note it, and take a waiting case back to its holder. A closed case is
     * reopened: to the coordinator who last held it while that account may still work it (it is on
     * their Mine list again), else to the queue; either way marked reopened until it is closed
     * again.
     *
     * @return whether this reopened a closed case
     */
    public Future<Boolean> personWrote(Db tx, UUID caseId) {
        // The row is locked and the holder checked once, in the FROM, before the SET reads them.
        return tx.preparedQuery(
                        "UPDATE cases u SET last_message_at = now(), updated_at = now(),"
                                + " status = CASE WHEN k.status = 'waiting' THEN 'claimed'"
                                + "   WHEN k.status = 'closed' THEN CASE WHEN k.holder_ok THEN 'claimed' ELSE 'queued' END"
                                + "   ELSE k.status END,"
                                + " assigned_to = CASE WHEN k.status = 'closed' AND NOT k.holder_ok THEN NULL ELSE k.assigned_to END,"
                                + " claimed_at = CASE WHEN k.status = 'closed' AND NOT k.holder_ok THEN NULL ELSE k.claimed_at END,"
                                + " reopened_at = CASE WHEN k.status = 'closed' THEN now() ELSE k.reopened_at END,"
                                + " closed_at = CASE WHEN k.status = 'closed' THEN NULL ELSE k.closed_at END"
                                + " FROM (SELECT c.id, c.status, c.assigned_to, c.claimed_at, c.reopened_at, c.closed_at,"
                                + "   c.status = 'closed' AND "
                                + HOLDER_CAN_WORK
                                + " AS holder_ok"
                                + "   FROM cases c WHERE c.id = $1 FOR UPDATE) k"
                                + " WHERE u.id = k.id RETURNING u.reopened_at = now()")
                .execute(Tuple.of(caseId))
                .map(
                        rs ->
                                rs.iterator().hasNext()
                                        && Boolean.TRUE.equals(rs.iterator().next().getBoolean(0)));
    }

    /**
     * The person of a handed-off case asked for a person: the case is marked so and urgent, and
     * reopened as {@link #personWrote} does when it was closed.
     *
     * @return whether this reopened a closed case
     */
    public Future<Boolean> personAsked(Db tx, UUID caseId) {
        return tx.preparedQuery(
                        "UPDATE cases SET asked_for_person = true, urgent = true, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(caseId))
                .compose(v -> personWrote(tx, caseId));
    }

    /** How many new cases a person may take, and how many of them are urgent. */
    public record NewCases(long count, long urgent) {}

    /**
     * The new (queued) cases in {@code visibleGroups} and the intake group's (no place known yet),
     * counted in full: the queue page's title and its urgent notification read it, where a listing
     * stops at 300. Null means every group (administrators).
     */
    public Future<NewCases> countNew(Set<String> visibleGroups) {
        String sql =
                "SELECT count(*), count(*) FILTER (WHERE c.urgent) FROM cases c WHERE c.status = 'queued'"
                        + (visibleGroups == null
                                ? ""
                                : " AND (c.working_group IS NULL OR c.working_group = ANY($1))");
        return pool.preparedQuery(sql)
                .execute(
                        visibleGroups == null
                                ? Tuple.tuple()
                                : Tuple.of(visibleGroups.toArray(new String[0])))
                .map(
                        rs -> {
                            var row = rs.iterator().next();
                            return new NewCases(row.getLong(0), row.getLong(1));
                        });
    }

    /** Labels in use, for the filter. */
    public Future<List<String>> labelsInUse() {
        return pool.query("SELECT DISTINCT unnest(labels) AS l FROM cases ORDER BY l LIMIT 200")
                .execute()
                .map(
                        rs -> {
                            List<String> out = new ArrayList<>();
                            rs.forEach(r -> out.add(r.getString(0)));
                            return out;
                        });
    }

    private static List<CaseSummary> summaries(RowSet<Row> rs) {
        List<CaseSummary> out = new ArrayList<>();
        rs.forEach(r -> out.add(summary(r)));
        return out;
    }

    /**
     * Of {@code ids}, the cases whose last message is the person's: they wrote and no reply
     * followed yet (the queue marks them). Reads only entry kinds and order, never content.
     */
    public Future<Set<UUID>> awaitingReply(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Set.of());
        }
        return pool.preparedQuery(
                        "SELECT DISTINCT ON (case_id) case_id, kind FROM case_entries"
                                + " WHERE case_id = ANY($1) AND kind IN ('message_in', 'message_out')"
                                + " ORDER BY case_id, seq DESC")
                .execute(Tuple.of(ids.toArray(new UUID[0])))
                .map(
                        rs -> {
                            Set<UUID> out = new HashSet<>();
                            for (Row r : rs) {
                                if ("message_in".equals(r.getString("kind"))) {
                                    out.add(r.getUUID("case_id"));
                                }
                            }
                            return out;
                        });
    }

    /** One case's metadata. */
    public Future<Optional<CaseSummary>> find(UUID id) {
        return pool.preparedQuery("SELECT " + SUMMARY_COLUMNS + FROM + " WHERE c.id = $1")
                .execute(Tuple.of(id))
                .map(
                        rs ->
                                rs.size() == 0
                                        ? Optional.<CaseSummary>empty()
                                        : Optional.of(summary(rs.iterator().next())));
    }

    /**
     * A case's sealed entries of the given kinds (every kind when empty), in order, each with its
     * sealed keys.
     */
    public Future<List<SealedEntry>> entries(UUID caseId, List<String> kinds) {
        return pool.preparedQuery(
                        "SELECT e.seq, e.kind, e.ciphertext, e.created_at, e.author, k.key_id, k.sealed_key"
                                + " FROM case_entries e LEFT JOIN entry_keys k ON k.case_id = e.case_id AND k.seq = e.seq"
                                + " WHERE e.case_id = $1 AND (cardinality($2::text[]) = 0 OR e.kind = ANY($2)) ORDER BY e.seq")
                .execute(
                        Tuple.tuple()
                                .addUUID(caseId)
                                .addArrayOfString(kinds.toArray(new String[0])))
                .map(
                        rs -> {
                            Map<Integer, SealedEntry> bySeq = new LinkedHashMap<>();
                            for (Row r : rs) {
                                SealedEntry e =
                                        bySeq.computeIfAbsent(
                                                r.getInteger("seq"),
                                                seq ->
                                                        new SealedEntry(
                                                                caseId,
                                                                seq,
                                                                r.getString("kind"),
                                                                r.getBuffer("ciphertext")
                                                                        .getBytes(),
                                                                new LinkedHashMap<>(),
                                                                r.getOffsetDateTime("created_at"),
                                                                r.getString("author")));
                                if (r.getString("key_id") != null) {
                                    e.sealedKeys()
                                            .put(
                                                    r.getString("key_id"),
                                                    r.getBuffer("sealed_key").getBytes());
                                }
                            }
                            return new ArrayList<>(bySeq.values());
                        });
    }

    /** The database, for work outside a caller's transaction (an audit entry of a read). */
    public Db db() {
        return pool;
    }

    private static CaseSummary summary(Row r) {
        String[] labels = r.getArrayOfStrings("labels");
        return new CaseSummary(
                r.getUUID("id"),
                r.getString("reference"),
                r.getString("channel"),
                r.getString("language"),
                r.getString("status"),
                r.getString("triage"),
                r.getInteger("priority"),
                r.getString("working_group"),
                r.getBoolean("urgent"),
                r.getOffsetDateTime("created_at"),
                r.getLong("assigned_to"),
                r.getString("assignee"),
                labels == null ? List.of() : List.of(labels),
                r.getLong("agency_id"),
                r.getUUID("conversation_id"),
                List.of(r.getArrayOfStrings("agency_share")),
                r.getOffsetDateTime("reopened_at"),
                r.getBoolean("asked_for_person"),
                r.getBoolean("flagged"));
    }
}
