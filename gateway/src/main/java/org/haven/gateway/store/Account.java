package org.haven.gateway.store;

import java.util.Set;

/**
 * An inbox account. {@code publicKey} is its personal X25519 key and {@code sealedPrivateKey} the
 * private half under the account's passphrase (agency workers created before agency keys have
 * neither); the team key, or for an agency worker the agency's key, reaches it as a grant sealed to
 * {@code publicKey}. {@code totpSecret} is encrypted under the server keyring. {@code
 * sealedTeamKey} is unused since personal keys (kept for old rows). {@code passphraseOneTime}: an
 * administrator set the passphrase, and the person must choose their own before doing anything
 * else.
 */
public record Account(
        long id,
        String username,
        String role,
        String passphraseHash,
        String teamKeyId,
        byte[] sealedTeamKey,
        byte[] totpSecret,
        boolean totpEnabled,
        long totpLastStep,
        String language,
        Long agencyId,
        Set<String> groups,
        byte[] publicKey,
        byte[] sealedPrivateKey,
        boolean passphraseOneTime) {}
