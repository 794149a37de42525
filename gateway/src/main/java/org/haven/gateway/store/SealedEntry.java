package org.haven.gateway.store;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * One sealed item of a case as stored: its ciphertext and its data key sealed once per recipient
 * key id.
 */
public record SealedEntry(
        UUID caseId,
        int seq,
        String kind,
        byte[] ciphertext,
        Map<String, byte[]> sealedKeys,
        OffsetDateTime createdAt,
        String author) {}
