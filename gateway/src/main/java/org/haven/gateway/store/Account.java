package org.haven.gateway.store;

import java.util.Set;

/**
 * An inbox account. {@code sealedTeamKey} is the team private key under the account's
 * passphrase (agencies have none); {@code totpSecret} is encrypted under the server keyring.
 */
public record Account(long id, String username, String role, String passphraseHash, String teamKeyId,
                      byte[] sealedTeamKey, byte[] totpSecret, boolean totpEnabled, long totpLastStep,
                      String language, Long agencyId, Set<String> groups) {
}
