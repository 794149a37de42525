package org.haven.gateway.auth;

import java.util.List;
import java.util.Set;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.gateway.keys.AccountSigner;

/**
 * What a successful login grants: who, with which role and groups, and the unlocked keys ({@code
 * teamKeys}): the team key for administrators (with the export key it opens), the keys of their
 * working groups, of the intake group and the export key for coordinators (issue 20), the agency's
 * key for an agency worker, and an administrator's signing key ({@code signer}, null for other
 * roles). {@code passphraseChosen} is false when the login used a one-time passphrase, which the
 * session must replace before anything else.
 */
public record SessionGrant(
        long accountId,
        String username,
        String role,
        Set<String> groups,
        Long agencyId,
        List<RecipientPrivateKey> teamKeys,
        List<RecipientPrivateKey> agencyKeys,
        boolean secondFactorDone,
        String language,
        boolean passphraseChosen,
        AccountSigner signer) {}
