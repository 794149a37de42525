package org.haven.gateway.store;

/** An inbox account. {@code sealedTeamKey} is the team private key under the account's passphrase. */
public record Account(long id, String username, String role, String passphraseHash, String teamKeyId,
                      byte[] sealedTeamKey) {
}
