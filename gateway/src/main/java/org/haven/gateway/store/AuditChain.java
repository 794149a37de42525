package org.haven.gateway.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.haven.crypto.KeyedHash;

/**
 * The hash chain of the audit log: how each entry's {@code hash} and the chain head's {@code seal}
 * are computed.
 *
 * <p>Each entry stores {@code prev_hash} (the {@code hash} of the entry before it, or {@link
 * #GENESIS} for entry 1), {@code chain} (its format, 1 or 2) and {@code hash}:
 *
 * <pre>
 *   format 1 (unkeyed, entries written before Haven keyed its log):
 *     hash = SHA-256("haven-audit-v1" || fields)
 *   format 2 (keyed, every entry written since):
 *     hash = HMAC-SHA256(auditKey, "haven-audit-v2" || fields)
 *
 *   fields = field(id)        the id in decimal ASCII
 *            field(at)        microseconds since 1970-01-01T00:00Z, decimal ASCII
 *            field(actor)     UTF-8
 *            field(action)    UTF-8
 *            field(case_id)   lower-case UUID text; an absent case is the length 0xFFFFFFFF and no bytes
 *            field(prev_hash) the 32 bytes
 *   field(x) = 4-byte big-endian length of x, then x
 * </pre>
 *
 * and the chain head ({@code audit_head}) stores the last entry's id and hash and
 *
 * <pre>
 *   seal = HMAC-SHA256(auditKey, "haven-audit-head-v2" || field(last_id) || field(last_hash))
 * </pre>
 *
 * The audit key is {@code HKDF-SHA256(server hash secret, info "haven/audit-key/v1")} ({@code
 * ServerSecrets.auditKey()}): the database does not hold it, so whoever can only write the database
 * can compute neither a format 2 hash nor a seal. Every format 2 hash covers the entry before it,
 * so the first keyed entry also fixes every unkeyed entry before it; the seal fixes the end of the
 * chain, so entries cannot be cut off the end and the head cannot be moved. Ids are consecutive
 * from 1 (the appender assigns them under the chain lock), so a gap is a deleted entry.
 */
public final class AuditChain {
    /**
     * The format of entries written before the chain was keyed: plain SHA-256, verifiable by
     * anyone.
     */
    public static final int UNKEYED = 1;

    /** The format of every entry written now: HMAC-SHA256 under the audit key. */
    public static final int KEYED = 2;

    private static final byte[] DOMAIN_V1 = "haven-audit-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOMAIN_V2 = "haven-audit-v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DOMAIN_HEAD =
            "haven-audit-head-v2".getBytes(StandardCharsets.US_ASCII);

    /** The {@code prev_hash} of the first entry: SHA-256 of "haven-audit-genesis-v1". */
    public static final byte[] GENESIS =
            sha256("haven-audit-genesis-v1".getBytes(StandardCharsets.US_ASCII));

    private AuditChain() {}

    /**
     * The format 1 hash of one entry. {@code at} is taken at microsecond precision (as PostgreSQL
     * stores it).
     */
    public static byte[] unkeyedHash(
            long id, OffsetDateTime at, String actor, String action, UUID caseId, byte[] prevHash) {
        return sha256(encode(DOMAIN_V1, id, at, actor, action, caseId, prevHash));
    }

    /** The format 2 hash of one entry, under the audit key. */
    public static byte[] keyedHash(
            KeyedHash auditKey,
            long id,
            OffsetDateTime at,
            String actor,
            String action,
            UUID caseId,
            byte[] prevHash) {
        return auditKey.hash(encode(DOMAIN_V2, id, at, actor, action, caseId, prevHash));
    }

    /** The seal of a chain head naming entry {@code lastId} with hash {@code lastHash}. */
    public static byte[] headSeal(KeyedHash auditKey, long lastId, byte[] lastHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(DOMAIN_HEAD);
        field(out, Long.toString(lastId).getBytes(StandardCharsets.US_ASCII));
        field(out, lastHash);
        return auditKey.hash(out.toByteArray());
    }

    /** The hash of one entry in {@code format}; empty for an unknown format. */
    static byte[] hash(
            int format,
            KeyedHash auditKey,
            long id,
            OffsetDateTime at,
            String actor,
            String action,
            UUID caseId,
            byte[] prevHash) {
        return switch (format) {
            case UNKEYED -> unkeyedHash(id, at, actor, action, caseId, prevHash);
            case KEYED -> keyedHash(auditKey, id, at, actor, action, caseId, prevHash);
            default -> new byte[0];
        };
    }

    /** Microseconds since the epoch. */
    public static long micros(OffsetDateTime at) {
        Instant i = at.toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }

    private static byte[] encode(
            byte[] domain,
            long id,
            OffsetDateTime at,
            String actor,
            String action,
            UUID caseId,
            byte[] prevHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(domain);
        field(out, Long.toString(id).getBytes(StandardCharsets.US_ASCII));
        field(out, Long.toString(micros(at)).getBytes(StandardCharsets.US_ASCII));
        field(out, actor.getBytes(StandardCharsets.UTF_8));
        field(out, action.getBytes(StandardCharsets.UTF_8));
        field(out, caseId == null ? null : caseId.toString().getBytes(StandardCharsets.US_ASCII));
        field(out, prevHash);
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, byte[] value) {
        int n = value == null ? -1 : value.length;
        out.write(n >>> 24);
        out.write(n >>> 16);
        out.write(n >>> 8);
        out.write(n);
        if (value != null) {
            out.writeBytes(value);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
