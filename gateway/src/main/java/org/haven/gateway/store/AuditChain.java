package org.haven.gateway.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The hash chain of the audit log.
 *
 * <p>Each entry stores {@code prev_hash} (the {@code hash} of the entry before it, or
 * {@link #GENESIS} for entry 1) and {@code hash = SHA-256(encoding)}, where the encoding is:
 * <pre>
 *   "haven-audit-v1"                                   (14 bytes, ASCII)
 *   field(id)        the id in decimal ASCII
 *   field(at)        microseconds since 1970-01-01T00:00Z, decimal ASCII
 *   field(actor)     UTF-8
 *   field(action)    UTF-8
 *   field(case_id)   lower-case UUID text; an absent case is the length 0xFFFFFFFF and no bytes
 *   field(prev_hash) the 32 bytes
 * field(x) = 4-byte big-endian length of x, then x
 * </pre>
 * Ids are consecutive from 1 (the appender assigns them under the chain lock), so a gap is a
 * deleted entry; entries after the last are caught by the chain head ({@code audit_head}).
 */
public final class AuditChain {
    private static final byte[] DOMAIN = "haven-audit-v1".getBytes(StandardCharsets.US_ASCII);

    /** The {@code prev_hash} of the first entry: SHA-256 of "haven-audit-genesis-v1". */
    public static final byte[] GENESIS = sha256("haven-audit-genesis-v1".getBytes(StandardCharsets.US_ASCII));

    private AuditChain() {
    }

    /** The hash of one entry. {@code at} is taken at microsecond precision (as PostgreSQL stores it). */
    public static byte[] hash(long id, OffsetDateTime at, String actor, String action, UUID caseId, byte[] prevHash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(DOMAIN);
        field(out, Long.toString(id).getBytes(StandardCharsets.US_ASCII));
        field(out, Long.toString(micros(at)).getBytes(StandardCharsets.US_ASCII));
        field(out, actor.getBytes(StandardCharsets.UTF_8));
        field(out, action.getBytes(StandardCharsets.UTF_8));
        field(out, caseId == null ? null : caseId.toString().getBytes(StandardCharsets.US_ASCII));
        field(out, prevHash);
        return sha256(out.toByteArray());
    }

    /** Microseconds since the epoch. */
    public static long micros(OffsetDateTime at) {
        Instant i = at.toInstant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
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
