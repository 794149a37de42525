package org.haven.gateway.store;

/**
 * The agency a referral code was issued to, and its recipient key as the intake needs it: {@code
 * keyId} and {@code publicKey} are null for an agency that has no key yet.
 */
public record AgencyRecipient(long agencyId, String keyId, byte[] publicKey) {}
