package org.haven.gateway.store;

/**
 * A key granted to one account: the private half of key {@code keyId} (a team or an agency key)
 * sealed to the account's personal key.
 */
public record KeyGrant(long accountId, String keyId, byte[] sealed) {}
